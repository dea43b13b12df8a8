import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { berth, docker, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';
import { curl, dnatRules, freePort, hostAddress } from './net-helpers.js';

let d: Daemon;
useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });

for (const [cli, run] of [['docker', docker], ['berth', berth]] as const) {
  test(`${cli}: run -d -p <port>:80 httpd answers on 127.0.0.1 and the host's address; port and ps show it`, async () => {
    const port = await freePort();
    const local = await freePort();
    const name = `web-${cli}`;
    const r = await run(d, ['run', '-d', '--name', name, '-p', `${port}:80`, '-p', `127.0.0.1:${local}:80`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim().slice(0, 12);
    assert.equal(await curl(`http://127.0.0.1:${port}/hostname`), `${id}\n`);
    assert.equal(await curl(`http://${hostAddress()}:${port}/hostname`), `${id}\n`);
    assert.equal(await curl(`http://127.0.0.1:${local}/hostname`), `${id}\n`);
    assert.equal(await curl(`http://${hostAddress()}:${local}/hostname`), '', '127.0.0.1-only binding is not on the host address');
    const p = await run(d, ['port', name]);
    assert.equal(p.stdout, `80/tcp -> 0.0.0.0:${port}\n80/tcp -> 127.0.0.1:${local}\n`);
    const ps = await run(d, ['ps', '--format', '{{.Ports}}', '-f', `name=${name}`]);
    assert.equal(ps.stdout.trim(), `0.0.0.0:${port}->80/tcp, 127.0.0.1:${local}->80/tcp`);
    // Hairpin: another container reaches the published port through the host's address.
    const hp = await run(d, ['run', '--rm', 'busybox', 'wget', '-q', '-O', '-', `http://${hostAddress()}:${port}/hostname`]);
    assert.equal(hp.stdout, `${id}\n`, hp.stderr);
    assert.equal((await run(d, ['rm', '-f', name])).code, 0);
    assert.equal(await curl(`http://127.0.0.1:${port}/hostname`), '', 'nothing answers after rm');
    assert.deepEqual(await dnatRules(d), [], 'no DNAT rule left');
  });
}

test('a taken host port: Docker\'s errors for one of ours and for another program\'s', async () => {
  const port = await freePort();
  const a = await docker(d, ['run', '-d', '--name', 'holder', '-p', `${port}:80`, 'busybox', 'sleep', '60']);
  assert.equal(a.code, 0, a.stderr);
  const b = await docker(d, ['run', '-d', '--name', 'second', '-p', `${port}:80`, 'busybox', 'sleep', '60']);
  assert.equal(b.code, 125);
  assert.match(b.stderr, new RegExp(`driver failed programming external connectivity on endpoint second \\([0-9a-f]{64}\\): Bind for 0\\.0\\.0\\.0:${port} failed: port is already allocated`));
  const other = await freePort();
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(other, '0.0.0.0', () => r()));
  try {
    const c = await berth(d, ['run', '-d', '--name', 'third', '-p', `${other}:80`, 'busybox', 'sleep', '60']);
    assert.equal(c.code, 125);
    assert.match(c.stderr, new RegExp(`failed to bind host port for 0\\.0\\.0\\.0:${other}:[\\d.]+:80/tcp: address already in use`));
  } finally {
    srv.close();
  }
  const states = await docker(d, ['ps', '-a', '--format', '{{.Names}} {{.State}}']);
  assert.match(states.stdout, /second created/);
  await docker(d, ['rm', '-f', 'holder', 'second', 'third']);
});

test('-P publishes EXPOSEd ports on ephemeral ports; ranges map one to one; udp', async () => {
  const r = await docker(d, ['run', '-d', '--name', 'pub', '--expose', '80', '--expose', '81', '-P', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  assert.equal(r.code, 0, r.stderr);
  const ports = JSON.parse((await docker(d, ['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'pub'])).stdout) as Record<string, Array<{ HostIp: string; HostPort: string }>>;
  const [lo, hi] = (await import('node:fs')).readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  for (const key of ['80/tcp', '81/tcp']) {
    const hp = Number(ports[key]![0]!.HostPort);
    assert.ok(hp >= lo! && hp <= hi!, `${key} -> ${hp} in the ephemeral range`);
  }
  assert.equal(await curl(`http://127.0.0.1:${ports['80/tcp']![0]!.HostPort}/hostname`), `${r.stdout.trim().slice(0, 12)}\n`);
  await docker(d, ['rm', '-f', 'pub']);

  const base = await freePort();
  const range = await berth(d, ['run', '-d', '--name', 'rng', '-p', `${base}-${base + 1}:80-81`, 'busybox', 'sleep', '60']);
  if (range.code === 0) {
    const p = await berth(d, ['port', 'rng']);
    assert.equal(p.stdout, `80/tcp -> 0.0.0.0:${base}\n81/tcp -> 0.0.0.0:${base + 1}\n`);
  } else assert.match(range.stderr, /already|in use/, 'only a neighbour port taken by chance may fail');
  await berth(d, ['rm', '-f', 'rng']);

  // busybox has no UDP server: a host python listens inside the container's namespace instead.
  const uport = await freePort();
  const u = await docker(d, ['run', '-d', '--name', 'udp', '-p', `${uport}:53/udp`, 'busybox', 'sleep', '60']);
  assert.equal(u.code, 0, u.stderr);
  const sandbox = (await docker(d, ['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'udp'])).stdout.trim();
  const server = spawn('nsenter', [`--net=${sandbox}`, 'python3', '-c', 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 53)); print("ready", flush=True); print(s.recvfrom(100)[0].decode(), flush=True)']);
  let got = '';
  server.stdout.on('data', (b: Buffer) => (got += b.toString()));
  for (let i = 0; i < 50 && !got.includes('ready'); i++) await new Promise((r) => setTimeout(r, 100));
  const sock = createSocket('udp4');
  for (let i = 0; i < 20 && !got.includes('ping-udp'); i++) {
    sock.send('ping-udp', uport, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 100));
  }
  sock.close();
  server.kill();
  assert.match(got, /ping-udp/, 'a datagram to the published UDP port reached the container');
  await docker(d, ['rm', '-f', 'udp']);
});
