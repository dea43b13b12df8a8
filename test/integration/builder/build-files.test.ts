import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, destroyDaemon, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { builtId, makeContext, seedBusybox, shIn } from './helpers.js';

let d: Daemon;
let server: Server;
let port = 0;
const dirs: string[] = [];

before(async () => {
  d = await startDaemon();
  await seedBusybox(d);
  server = createServer((req, res) => {
    if (req.url === '/files/remote.txt') {
      res.writeHead(200, { 'Last-Modified': new Date(1_600_000_000_000).toUTCString() });
      res.end('from the web\n');
    } else {
      res.writeHead(404).end('nope');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
after(async () => {
  server?.close();
  if (d) await destroyDaemon(d);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function ctx(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await makeContext(files);
  dirs.push(dir);
  return dir;
}

const sh = (image: string, script: string) => shIn(d, image, script);

test('COPY: directories copy their contents, wildcards, files into dirs, --chown/--chmod, WORKDIR-relative dest', async () => {
  const dir = await ctx({
    Dockerfile: [
      'FROM busybox',
      'WORKDIR /w',
      'COPY src /app/',
      'COPY src/*.txt /txt/',
      'COPY one.txt renamed.txt',
      'COPY one.txt ./',
      'COPY --chown=nobody:1 --chmod=0640 one.txt /owned',
      'COPY src/sub/ /flat',
      '',
    ].join('\n'),
    'one.txt': '1',
    'src/a.txt': 'a',
    'src/b.md': 'b',
    'src/sub/c.txt': 'c',
  });
  const r = await berth(d, ['build', '-t', 'files:copy', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = await sh('files:copy', 'find /app /txt /flat /w | sort; stat -c "%u:%g %a" /owned; cat /w/renamed.txt /w/one.txt');
  assert.equal(
    out,
    ['/app', '/app/a.txt', '/app/b.md', '/app/sub', '/app/sub/c.txt', '/flat', '/flat/c.txt', '/txt', '/txt/a.txt', '/w', '/w/one.txt', '/w/renamed.txt', '65534:1 640', '11'].join('\n'),
  );
});

test('COPY errors: missing source, several sources to a non-directory', async () => {
  const missing = await ctx({ Dockerfile: 'FROM busybox\nCOPY nosuch.txt /x\n' });
  const r = await berth(d, ['build', missing]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /COPY failed: file not found in build context or excluded by \.dockerignore: stat nosuch\.txt: file does not exist/);
  const multi = await ctx({ Dockerfile: 'FROM busybox\nCOPY a b /dest\n', a: 'a', b: 'b' });
  const m = await berth(d, ['build', multi]);
  assert.match(m.stderr, /When using COPY with more than one source file, the destination must be a directory and end with a \//);
});

test('.dockerignore: ignored files are not sent, exceptions are, the Dockerfile always is', async () => {
  const dir = await ctx({
    Dockerfile: 'FROM busybox\nCOPY . /ctx\n',
    '.dockerignore': 'secret\n*.log\n**/*.tmp\ndocs\n!docs/keep.md\nDockerfile\n',
    secret: 's',
    'a.log': 'l',
    'deep/x.tmp': 't',
    'deep/y.txt': 'y',
    'docs/drop.md': 'd',
    'docs/keep.md': 'k',
    'kept.txt': 'k',
  });
  const r = await berth(d, ['build', '-t', 'files:ignore', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = await sh('files:ignore', 'cd /ctx && find . -type f | sort');
  // .dockerignore itself is sent (Docker drops it only when it lists itself); the listed Dockerfile is dropped.
  assert.equal(out, ['./.dockerignore', './deep/y.txt', './docs/keep.md', './kept.txt'].join('\n') + '\n');
});

test('ADD unpacks a local tar and fetches a URL (in berthd); COPY/RUN heredocs', async () => {
  const src = await ctx({ 'inner/t.txt': 'in the tar\n' });
  const tgz = join(src, 'arch.tar.gz');
  execFileSync('tar', ['czf', tgz, '-C', join(src, 'inner'), '.']);
  const dir = await ctx({
    Dockerfile: [
      'FROM busybox',
      'ADD arch.tar.gz /unpacked/',
      `ADD http://127.0.0.1:${port}/files/remote.txt /dl/`,
      'ENV WHO=world',
      'COPY <<EOF /hello.txt',
      'hello $WHO',
      'EOF',
      'RUN <<EOF',
      'echo from heredoc > /hd.txt',
      'EOF',
      '',
    ].join('\n'),
    'arch.tar.gz': await readFile(tgz),
  });
  const r = await berth(d, ['build', '--network', 'host', '-t', 'files:add', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = await sh('files:add', 'cat /unpacked/t.txt /dl/remote.txt /hello.txt /hd.txt; stat -c "%a %Y" /dl/remote.txt');
  assert.equal(out, 'in the tar\nfrom the web\nhello world\nfrom heredoc\n600 1600000000\n');
  // A URL that fails is a build error, not an empty file.
  const bad = await ctx({ Dockerfile: `FROM busybox\nADD http://127.0.0.1:${port}/missing /x\n` });
  const b = await berth(d, ['build', bad]);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /failed to GET http:\/\/127\.0\.0\.1:\d+\/missing with status 404/);
});

test('ADD unpacks bzip2, xz and zstd tars too; --chown applies to what a tar unpacks; a truncated one fails the step', async () => {
  const src = await ctx({ 'inner/sub/t.txt': 'packed\n' });
  // Archived with a foreign owner, which --chown must replace.
  const tarOf = (flag: string, name: string) => {
    const out = join(src, name);
    execFileSync('tar', [flag, '-cf', out, '--owner=1234', '--group=2345', '-C', join(src, 'inner'), '.']);
    return out;
  };
  const files: Record<string, Buffer | string> = {};
  for (const [flag, name] of [['-j', 'a.tar.bz2'], ['-J', 'a.tar.xz'], ['--zstd', 'a.tar.zst']] as const) files[name] = await readFile(tarOf(flag, name));
  const dir = await ctx({
    ...files,
    Dockerfile: 'FROM busybox\nADD a.tar.bz2 /bz/\nADD a.tar.xz /xz/\nADD a.tar.zst /zst/\nADD --chown=7:8 a.tar.xz /owned/\n',
  });
  const r = await berth(d, ['build', '-t', 'files:compressed', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = await sh('files:compressed', 'cat /bz/sub/t.txt /xz/sub/t.txt /zst/sub/t.txt; stat -c "%u:%g %n" /xz/sub/t.txt /owned/sub /owned/sub/t.txt');
  assert.equal(out, 'packed\npacked\npacked\n1234:2345 /xz/sub/t.txt\n7:8 /owned/sub\n7:8 /owned/sub/t.txt\n');

  // An xz header followed by garbage is not an archive ADD can unpack: copied as a file.
  const junk = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(100, 7)]);
  const j = await berth(d, ['build', '-t', 'files:junk', await ctx({ Dockerfile: 'FROM busybox\nADD junk.xz /j/\n', 'junk.xz': junk })]);
  assert.equal(j.code, 0, j.stderr + j.stdout);
  assert.equal(await sh('files:junk', 'wc -c < /j/junk.xz'), '106\n');

  // A real xz tar cut short: recognised as an archive, and its unpacking fails with xz's message.
  await writeFile(join(src, 'inner/sub/big.bin'), randomBytes(300_000));
  const whole = await readFile(tarOf('-J', 'big.tar.xz'));
  const t = await berth(d, ['build', await ctx({ Dockerfile: 'FROM busybox\nADD cut.tar.xz /c/\n', 'cut.tar.xz': whole.subarray(0, whole.length >> 1) })]);
  assert.equal(t.code, 1, t.stdout);
  assert.match(t.stderr, /invalid xz data: xz: \(stdin\): Unexpected end of input/);
});

test('WORKDIR creates its directory, USER applies to RUN; -o type=local exports the files', async () => {
  const dir = await ctx({ Dockerfile: 'FROM busybox\nWORKDIR /made/here\nUSER nobody\nRUN id -u > /tmp/uid\n' });
  const out = join(dir, 'out');
  const r = await berth(d, ['build', '-o', `type=local,dest=${out}`, dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(await readFile(join(out, 'tmp/uid'), 'utf8'), '65534\n');
  assert.ok((await stat(join(out, 'made/here'))).isDirectory());
  assert.ok((await readlink(join(out, 'bin/sh')).catch(() => 'file')).length > 0);
});

test('SOURCE_DATE_EPOCH makes the image ID reproducible', async () => {
  const dir = await ctx({ Dockerfile: 'FROM busybox\nRUN echo hi > /hi\nCOPY f /f\nCMD ["cat","/hi"]\n', f: 'content' });
  const a = await berth(d, ['build', '--no-cache', '--build-arg', 'SOURCE_DATE_EPOCH=1700000000', dir]);
  await writeFile(join(dir, 'f'), 'content');
  const b = await berth(d, ['build', '--no-cache', '--build-arg', 'SOURCE_DATE_EPOCH=1700000000', dir]);
  assert.equal(a.code, 0, a.stderr);
  assert.doesNotMatch(a.stdout, /were not consumed/);
  assert.equal(builtId(a.stdout), builtId(b.stdout));
  const c = await berth(d, ['build', '--no-cache', dir]);
  assert.notEqual(builtId(c.stdout), builtId(a.stdout));
  const created = await berth(d, ['image', 'inspect', '--format', '{{.Created}}', builtId(a.stdout)]);
  assert.match(created.stdout, /^2023-11-14T22:13:20/);
});

test('a Dockerfile outside the context (-f) and a context tar on stdin', async () => {
  const dir = await ctx({ 'data.txt': 'ctx data\n' });
  const other = await ctx({ 'elsewhere.Dockerfile': 'FROM busybox\nCOPY data.txt /\n' });
  const r = await berth(d, ['build', '-f', join(other, 'elsewhere.Dockerfile'), '-t', 'files:outside', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(await sh('files:outside', 'cat /data.txt; ls -a / | grep -c dockerfile || true'), 'ctx data\n0\n');
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY data.txt /from-stdin\n');
  const tar = execFileSync('tar', ['cf', '-', '-C', dir, 'Dockerfile', 'data.txt']);
  const s = await berth(d, ['build', '-t', 'files:stdin', '-'], tar);
  assert.equal(s.code, 0, s.stderr + s.stdout);
  assert.equal(await sh('files:stdin', 'cat /from-stdin'), 'ctx data\n');
});
