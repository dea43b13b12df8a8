// The base-image rootfs scripts: busybox's tar is reproducible byte for byte and
// looks like a root filesystem; hello-world's /hello runs and greets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const scripts = join(repo, 'scripts/base-images');

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'berth-rootfs-test-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tarList = (file: string): string[] =>
  execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
const tarVerbose = (file: string): string[] =>
  execFileSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);

test('busybox rootfs tar is reproducible and is a root filesystem', {
  skip: existsSync('/bin/busybox') ? false : '/bin/busybox missing (apt-get install busybox-static)',
}, () => {
  withTempDir((dir) => {
    const a = join(dir, 'a.tar');
    const b = join(dir, 'b.tar');
    execFileSync(join(scripts, 'busybox-rootfs.sh'), [a], { stdio: ['ignore', 'inherit', 'inherit'] });
    // A different umask must not change a single byte.
    execFileSync('sh', ['-c', 'umask 077 && exec "$0" "$1"', join(scripts, 'busybox-rootfs.sh'), b], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    assert.ok(readFileSync(a).equals(readFileSync(b)), 'two builds differ');

    const names = new Set(tarList(a));
    for (const p of ['./bin/busybox', './bin/sh', './bin/ls', './usr/bin/env', './etc/passwd', './etc/group', './tmp/', './root/']) {
      assert.ok(names.has(p), `${p} missing from the tar`);
    }
    const passwd = execFileSync('tar', ['-xOf', a, './etc/passwd'], { encoding: 'utf8' });
    assert.match(passwd, /^root:x:0:0:root:\/root:\/bin\/sh$/m);
    assert.match(passwd, /^nobody:x:65534:65534:nobody:\/home:\/bin\/false$/m);

    for (const line of tarVerbose(a)) {
      assert.match(line, /^\S+ 0\/0 /, `not owned by 0/0: ${line}`);
    }
    const mode = (p: string) => tarVerbose(a).find((l) => l.endsWith(` ${p}`))?.split(' ')[0];
    assert.equal(mode('./tmp/'), 'drwxrwxrwt');
    assert.equal(mode('./root/'), 'drwx------');

    // The applets really run: extract and call sh through its link.
    const root = join(dir, 'rootfs');
    execFileSync('mkdir', [root]);
    execFileSync('tar', ['-xf', a, '-C', root]);
    const out = execFileSync(join(root, 'bin/sh'), ['-c', 'echo applets work'], { encoding: 'utf8' });
    assert.equal(out.trim(), 'applets work');
  });
});

test('hello-world rootfs holds a static /hello that greets', {
  skip: hasCommand('gcc') ? false : 'gcc missing (apt-get install gcc libc6-dev)',
}, () => {
  withTempDir((dir) => {
    const a = join(dir, 'a.tar');
    const b = join(dir, 'b.tar');
    execFileSync(join(scripts, 'hello-world-rootfs.sh'), [a], { stdio: ['ignore', 'inherit', 'inherit'] });
    execFileSync(join(scripts, 'hello-world-rootfs.sh'), [b], { stdio: ['ignore', 'inherit', 'inherit'] });
    assert.ok(readFileSync(a).equals(readFileSync(b)), 'two builds differ');
    assert.deepEqual(tarList(a), ['./', './hello']);

    const root = join(dir, 'rootfs');
    execFileSync('mkdir', [root]);
    execFileSync('tar', ['-xf', a, '-C', root]);
    const hello = join(root, 'hello');
    assert.equal(statSync(hello).mode & 0o777, 0o755);
    // Runs with an empty environment, as the only file of its image.
    const out = execFileSync(hello, [], { encoding: 'utf8', env: {}, cwd: root });
    assert.match(out, /Hello from Berth!/);
    assert.match(out, /berth client contacted the berthd daemon/);
  });
});
