import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { berth, docker, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';
import { curl, dnatRules, freePort, hostFootprint } from './net-helpers.js';

let d: Daemon;
useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });

test('the default network is the bridge: an address, a route out, the Debian mirror answers', async () => {
  const r = await berth(d, ['run', '--name', 'def', 'busybox', 'sh', '-c', 'ip -4 -o addr show eth0; ip route; wget -q -O - http://deb.debian.org/debian/dists/bookworm/Release | head -1']);
  assert.equal(r.code, 0, r.stderr);
  const [, bipNet] = /^(\d+\.\d+\.\d+)\.1\/24$/.exec(d.network.bip)!;
  assert.match(r.stdout, new RegExp(`eth0\\s+inet ${bipNet!.replace(/\./g, '\\.')}\\.\\d+/24`));
  assert.match(r.stdout, new RegExp(`default via ${bipNet!.replace(/\./g, '\\.')}\\.1 dev eth0`));
  assert.match(r.stdout, /^Origin: Debian$/m);
  const hc = await docker(d, ['inspect', '-f', '{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks.bridge.NetworkID}}', 'def']);
  assert.match(hc.stdout, /^bridge "[0-9a-f]{64}"\n$/);
  // Stopped: the address went back, the endpoint's configuration stays.
  assert.equal((await docker(d, ['inspect', '-f', '{{.NetworkSettings.IPAddress}}|{{.NetworkSettings.SandboxKey}}', 'def'])).stdout, '|\n');
  await berth(d, ['rm', 'def']);
});

test('running inspect: NetworkSettings as Docker', async () => {
  assert.equal((await docker(d, ['run', '-d', '--name', 'ins', 'busybox', 'sleep', '60'])).code, 0);
  const ns = JSON.parse((await docker(d, ['inspect', '-f', '{{json .NetworkSettings}}', 'ins'])).stdout) as Record<string, unknown> & { Networks: Record<string, Record<string, unknown>> };
  const b = ns.Networks.bridge!;
  assert.equal(ns.IPAddress, b.IPAddress);
  assert.equal(b.IPPrefixLen, 24);
  assert.equal(b.Gateway, d.network.bip.replace(/\/24$/, ''));
  assert.match(String(b.MacAddress), /^02:42:(?:[0-9a-f]{2}:){3}[0-9a-f]{2}$/);
  assert.match(String(b.EndpointID), /^[0-9a-f]{64}$/);
  assert.equal(ns.SandboxKey, `${d.execRoot}/netns/${(await docker(d, ['inspect', '-f', '{{.Id}}', 'ins'])).stdout.trim()}`);
  const list = JSON.parse((await docker(d, ['network', 'inspect', '-f', '{{json .Containers}}', 'bridge'])).stdout) as Record<string, { Name: string }>;
  assert.deepEqual(Object.values(list).map((c) => c.Name), ['ins']);
  await docker(d, ['rm', '-f', 'ins']);
});

test('--network none, host and container:<name>; --hostname, --add-host (host-gateway), --dns*, --mac-address', async () => {
  assert.equal((await berth(d, ['run', '--rm', '--network', 'none', 'busybox', 'ls', '/sys/class/net'])).stdout, 'lo\n');
  const host = await docker(d, ['run', '--rm', '--network', 'host', 'busybox', 'hostname']);
  assert.equal(host.stdout, `${hostname()}\n`);
  assert.equal((await docker(d, ['run', '-d', '--name', 'base', '--hostname', 'basebox', 'busybox', 'sleep', '60'])).code, 0);
  const joined = await docker(d, ['run', '--rm', '--network', 'container:base', 'busybox', 'sh', '-c', 'hostname; ip -4 -o addr show eth0']);
  const baseIp = (await docker(d, ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'base'])).stdout.trim();
  assert.match(joined.stdout, new RegExp(`^basebox\\n.*inet ${baseIp.replace(/\./g, '\\.')}/24`, 's'));
  const conflict = await docker(d, ['run', '--rm', '--network', 'container:base', '-p', '80', 'busybox', 'true']);
  assert.match(conflict.stderr, /conflicting options: port publishing and the container type network mode/);
  await docker(d, ['rm', '-f', 'base']);

  const gw = d.network.bip.replace(/\/24$/, '');
  const r = await berth(d, [
    'run', '--rm', '--hostname', 'hh', '--add-host', 'gw:host-gateway', '--add-host', 'db:10.1.2.3', '--dns', '10.0.0.53',
    '--dns-search', 'example.com', '--dns-option', 'timeout:2', '--mac-address', '92:d0:c6:0a:29:33', 'busybox',
    'sh', '-c', 'hostname; cat /etc/hosts /etc/resolv.conf /sys/class/net/eth0/address',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^hh\n127\.0\.0\.1\tlocalhost\n/);
  assert.match(r.stdout, new RegExp(`${gw.replace(/\./g, '\\.')}\\tgw\\n10\\.1\\.2\\.3\\tdb\\n[\\d.]+\\thh\\n`));
  assert.match(r.stdout, /nameserver 10\.0\.0\.53\nsearch example\.com\noptions timeout:2\n92:d0:c6:0a:29:33\n$/);
});

test('no leaks: after rm, after exit, and after kill -9 of berthd and a restart; live restore keeps networking', async () => {
  const before = await hostFootprint(d);
  const port = await freePort();
  assert.equal((await docker(d, ['network', 'create', 'leaknet'])).code, 0);
  assert.equal((await docker(d, ['run', '-d', '--name', 'keep', '-p', `${port}:80`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc'])).code, 0);
  assert.equal((await docker(d, ['run', '-d', '--name', 'peer', '--network', 'leaknet', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc'])).code, 0);
  assert.equal((await docker(d, ['run', '-d', '--name', 'gone', '--network', 'leaknet', 'busybox', 'sleep', '600'])).code, 0);
  assert.equal((await docker(d, ['run', '--name', 'quick', 'busybox', 'true'])).code, 0);
  const during = await hostFootprint(d);
  assert.equal(during.veths - before.veths, 3);
  assert.equal(during.netns, before.netns + 3);
  assert.equal(during.addresses, before.addresses + 3);

  // kill -9: the daemon dies, containers run on; one of them is killed behind its back.
  d.proc.kill('SIGKILL');
  await d.stop('SIGKILL');
  const gone = JSON.parse((await (await import('node:fs/promises')).readFile(`${d.dataRoot}/containers/${(await idOf('gone'))}/config.json`, 'utf8'))) as { State: { Pid: number } };
  process.kill(gone.State.Pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  const restarted = await startDaemon([], { root: d.root });
  Object.assign(d, restarted);
  // Live restore: the published port and the user network's DNS work again.
  let answer = '';
  for (let i = 0; i < 20 && !answer; i++) {
    answer = await curl(`http://127.0.0.1:${port}/hostname`);
    if (!answer) await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(answer, /^[0-9a-f]{12}\n$/);
  const dns = await docker(d, ['run', '--rm', '--network', 'leaknet', 'busybox', 'wget', '-q', '-O', '-', 'http://peer/hostname']);
  assert.match(dns.stdout, /^[0-9a-f]{12}\n$/, dns.stderr);
  const after = await hostFootprint(d);
  assert.equal(after.veths - before.veths, 2, 'the killed container\'s veth is gone');
  assert.equal(after.netns, before.netns + 2);
  assert.equal(after.addresses, before.addresses + 2);

  assert.equal((await docker(d, ['rm', '-f', 'keep', 'peer', 'gone', 'quick'])).code, 0);
  assert.equal((await docker(d, ['network', 'rm', 'leaknet'])).code, 0);
  const end = await hostFootprint(d);
  assert.deepEqual({ ...end, bridges: end.bridges.length }, { ...before, bridges: before.bridges.length });
  assert.deepEqual(await dnatRules(d), []);
  assert.equal(end.nsMounts, 0);
});

async function idOf(name: string): Promise<string> {
  const { readdir, readFile } = await import('node:fs/promises');
  for (const id of await readdir(`${d.dataRoot}/containers`)) {
    const rec = JSON.parse(await readFile(`${d.dataRoot}/containers/${id}/config.json`, 'utf8')) as { Name: string };
    if (rec.Name === `/${name}`) return id;
  }
  throw new Error(`no container ${name}`);
}
