// Runs every *.test.ts under test/ and src/ with node's test runner and prints
// a closing "N passed, N failed" line. Integration tests need root (real mounts, runc).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function collect(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = [...collect('src'), ...collect('test')].sort();
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let pass = 0, fail = 0, skipped = 0, cancelled = 0;
let buf = '';
child.stdout.on('data', (d) => {
  process.stdout.write(d);
  buf += d.toString();
});
child.on('close', (code) => {
  const m = (re) => Number((buf.match(re) ?? [])[1] ?? 0);
  pass = m(/ℹ pass (\d+)/);
  fail = m(/ℹ fail (\d+)/);
  skipped = m(/ℹ skipped (\d+)/);
  // A test cut short (a hook that threw, a file that timed out) is reported as cancelled, not failed.
  cancelled = m(/ℹ cancelled (\d+)/);
  console.log(`${pass} passed, ${fail + cancelled} failed${cancelled ? ` (${cancelled} cancelled)` : ''}, ${skipped} skipped`);
  process.exit(code === 0 && fail + cancelled === 0 ? 0 : 1);
});
