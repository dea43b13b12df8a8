import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DOCKER, runCmd, type Daemon } from '../../helpers/berthd.js';
import { useBuildDaemon } from './helpers.js';

/**
 * RUN steps are containers on the build's network (default: the bridge), so they reach the
 * outside; the seed Dockerfile's image serves its page on a published port. All through the
 * real docker CLI (classic builder). The Debian mirror is the host's apt source.
 */
let d: Daemon;
const ctx = useBuildDaemon((daemon) => (d = daemon));

function docker(args: string[]) {
  return runCmd(DOCKER, args, { env: { DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.root, 'docker-config'), DOCKER_BUILDKIT: '0' } });
}

/** A TCP port nothing listens on right now (the kernel's pick), so concurrent tests never collide. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const MIRROR = 'http://deb.debian.org/debian/dists/bookworm/Release';

test('RUN reaches the outside through the bridge; --network none cuts it off', async () => {
  const dir = await ctx({ Dockerfile: `FROM busybox\nRUN wget -qO- ${MIRROR} | head -1\nRUN ip route | grep -q '^default via'\n` });
  const r = await docker(['build', '--no-cache', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /---> Running in [0-9a-f]{12}\nOrigin: Debian\n/);

  const none = await ctx({ Dockerfile: `FROM busybox\nRUN wget -q -T 5 -O /dev/null ${MIRROR}\n` });
  const n = await docker(['build', '--no-cache', '--network', 'none', none]);
  assert.notEqual(n.code, 0, n.stdout);
  assert.match(n.stderr, /The command '\/bin\/sh -c wget .*' returned a non-zero code: 1/);
});

test('the seed Dockerfile builds with docker build, runs with -p and answers an HTTP GET from the host', async () => {
  const dir = await ctx({
    Dockerfile: `FROM busybox
RUN mkdir -p /www && echo 'hello from berth' > /www/index.html
WORKDIR /www
ENV GREETING=hi
EXPOSE 80
CMD ["httpd","-f","-p","80"]
`,
  });
  const b = await docker(['build', '-t', 'seed:web', dir]);
  assert.equal(b.code, 0, b.stderr + b.stdout);
  assert.match(b.stdout, /Successfully tagged seed:web\n/);

  const port = await freePort();
  const run = await docker(['run', '-d', '-p', `${port}:80`, '--name', 'seedweb', 'seed:web']);
  assert.equal(run.code, 0, run.stderr);
  try {
    const ports = await docker(['port', 'seedweb', '80']);
    assert.match(ports.stdout, new RegExp(`0\\.0\\.0\\.0:${port}`));
    let body = '';
    for (let i = 0; i < 50 && body === ''; i++) {
      body = await fetch(`http://127.0.0.1:${port}/`).then((res) => (res.ok ? res.text() : ''), () => '');
      if (body === '') await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(body, 'hello from berth\n');
  } finally {
    await docker(['rm', '-f', 'seedweb']);
  }
});
