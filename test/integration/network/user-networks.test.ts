import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { berth, docker, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';
import { hostFootprint } from './net-helpers.js';

let d: Daemon;
useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });

/** A /24 in 10.0.0.0/8 for one test, in the part of the space test daemons' own pools leave alone. */
function testSubnet(): string {
  return `10.${230 + randomInt(20)}.${randomInt(256)}`;
}

test('seed: two containers on a user network reach each other by name, alias and short ID (docker CLI)', async () => {
  assert.equal((await docker(d, ['network', 'create', 'seednet'])).code, 0);
  const srv = await docker(d, ['run', '-d', '--name', 'srv', '--network', 'seednet', '--network-alias', 'web', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  assert.equal(srv.code, 0, srv.stderr);
  const short = srv.stdout.trim().slice(0, 12);
  for (const name of ['srv', 'web', short]) {
    const r = await docker(d, ['run', '--rm', '--network', 'seednet', 'busybox', 'wget', '-q', '-O', '-', `http://${name}/hostname`]);
    assert.equal(r.stdout, `${short}\n`, `${name}: ${r.stderr}`);
  }
  // Names berthd does not own go to the host's resolvers.
  const ext = await docker(d, ['run', '--rm', '--network', 'seednet', 'busybox', 'nslookup', 'deb.debian.org']);
  assert.match(ext.stdout, /Name:\s+deb\.debian\.org\s+Address: \d+\.\d+\.\d+\.\d+/, ext.stdout + ext.stderr);
  // Docker's resolver address, as nginx configs (`resolver 127.0.0.11`) expect it, over UDP and TCP.
  const resolv = await docker(d, ['run', '--rm', '--network', 'seednet', 'busybox', 'cat', '/etc/resolv.conf']);
  assert.match(resolv.stdout, /^nameserver 127\.0\.0\.11\n/);
  assert.match(resolv.stdout, /^options ndots:0/m);
  const ip = (await docker(d, ['inspect', '-f', '{{.NetworkSettings.Networks.seednet.IPAddress}}', 'srv'])).stdout.trim();
  const direct = await docker(d, ['run', '--rm', '--network', 'seednet', 'busybox', 'nslookup', 'web', '127.0.0.11']);
  assert.match(direct.stdout, new RegExp(`Server:\\s+127\\.0\\.0\\.11[\\s\\S]*Name:\\s+web\\s+Address: ${ip.replace(/\./g, '\\.')}\n`), direct.stdout + direct.stderr);
  const tcp = await docker(d, ['run', '--rm', '--network', 'seednet', 'busybox', 'sh', '-c', 'nc -w 2 127.0.0.11 53 </dev/null && echo open']);
  assert.equal(tcp.stdout, 'open\n', tcp.stderr);
  // The default bridge has no name resolution and no route to another network.
  const byName = await docker(d, ['run', '--rm', 'busybox', 'nslookup', 'srv']);
  assert.notEqual(byName.code, 0);
  const cross = await docker(d, ['run', '--rm', 'busybox', 'nc', '-w', '2', ip, '80']);
  assert.notEqual(cross.code, 0, 'isolated from the default bridge');
  await docker(d, ['rm', '-f', 'srv']);
  assert.equal((await docker(d, ['network', 'rm', 'seednet'])).stdout, 'seednet\n');
});

test('network create/ls/inspect/rm with --subnet, --gateway, --label, --internal; Docker\'s errors', async () => {
  const net = testSubnet();
  const c = await berth(d, ['network', 'create', '--subnet', `${net}.0/24`, '--gateway', `${net}.254`, '--label', 'team=core', 'labnet']);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /^[0-9a-f]{64}\n$/);
  const info = JSON.parse((await docker(d, ['network', 'inspect', 'labnet'])).stdout) as Array<Record<string, unknown>>;
  assert.equal(info[0]!.Driver, 'bridge');
  assert.deepEqual(info[0]!.IPAM, { Driver: 'default', Options: null, Config: [{ Subnet: `${net}.0/24`, Gateway: `${net}.254` }] });
  assert.deepEqual(info[0]!.Labels, { team: 'core' });
  const ls = await docker(d, ['network', 'ls']);
  assert.match(ls.stdout, /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n/);
  for (const n of ['bridge', 'host', 'none', 'labnet']) assert.match(ls.stdout, new RegExp(`^[0-9a-f]{12}\\s+${n}\\s+`, 'm'));
  assert.equal((await berth(d, ['network', 'ls', '-q', '-f', 'label=team=core'])).stdout, `${c.stdout.slice(0, 12)}\n`);
  assert.equal((await berth(d, ['network', 'ls', '--format', '{{.Name}}', '-f', 'type=custom'])).stdout, 'labnet\n');
  assert.equal((await docker(d, ['network', 'ls', '--format', '{{.Name}} {{.Driver}}', '-f', 'name=labn'])).stdout, 'labnet bridge\n');

  const dup = await docker(d, ['network', 'create', 'labnet']);
  assert.match(dup.stderr, /network with name labnet already exists/);
  const overlap = await docker(d, ['network', 'create', '--subnet', `${net}.128/25`, 'overlapnet']);
  assert.match(overlap.stderr, /Pool overlaps with other one on this address space/);
  const badgw = await docker(d, ['network', 'create', '--subnet', `${testSubnet()}.0/24`, '--gateway', '192.168.1.1', 'gwnet']);
  assert.match(badgw.stderr, /no matching subnet for gateway 192\.168\.1\.1/);
  assert.match((await docker(d, ['network', 'rm', 'bridge'])).stderr, /bridge is a pre-defined network and cannot be removed/);
  assert.match((await docker(d, ['network', 'inspect', 'nosuchnet'])).stderr, /network nosuchnet not found/);
  const r = await docker(d, ['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /network nosuchnet not found/);

  // A given address, and a used one refused.
  const fixed = await docker(d, ['run', '-d', '--name', 'fixed', '--network', 'labnet', '--ip', `${net}.77`, 'busybox', 'sleep', '60']);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.equal((await docker(d, ['inspect', '-f', '{{.NetworkSettings.Networks.labnet.IPAddress}} {{.NetworkSettings.Networks.labnet.Gateway}}', 'fixed'])).stdout, `${net}.77 ${net}.254\n`);
  const again = await docker(d, ['run', '--rm', '--network', 'labnet', '--ip', `${net}.77`, 'busybox', 'true']);
  assert.match(again.stderr, /Address already in use/);
  const inUse = await docker(d, ['network', 'rm', 'labnet']);
  assert.match(inUse.stderr, /error while removing network: network labnet id [0-9a-f]{64} has active endpoints/);
  const members = JSON.parse((await docker(d, ['network', 'inspect', '-f', '{{json .Containers}}', 'labnet'])).stdout) as Record<string, { Name: string; IPv4Address: string }>;
  assert.deepEqual(Object.values(members).map((m) => [m.Name, m.IPv4Address]), [['fixed', `${net}.77/24`]]);
  await docker(d, ['rm', '-f', 'fixed']);
  const bridge = `br-${c.stdout.slice(0, 12)}`;
  assert.equal((await berth(d, ['network', 'rm', 'labnet'])).code, 0);
  assert.ok(!(await hostFootprint(d)).bridges.includes(bridge));
  assert.equal((await import('node:fs')).existsSync(`/sys/class/net/${bridge}`), false, 'the bridge is gone');
});

test('--internal networks have no way out; connect/disconnect with --alias and --ip on a running container', async () => {
  assert.equal((await docker(d, ['network', 'create', '--internal', 'intnet'])).code, 0);
  const out = await docker(d, ['run', '--rm', '--network', 'intnet', 'busybox', 'sh', '-c', 'ip route; nc -w 2 deb.debian.org 80 </dev/null && echo reached']);
  assert.doesNotMatch(out.stdout, /default|reached/);
  assert.equal((await docker(d, ['network', 'ls', '-f', 'name=intnet', '--format', '{{.Internal}}'])).stdout, 'true\n');

  const net = testSubnet();
  assert.equal((await docker(d, ['network', 'create', '--subnet', `${net}.0/24`, 'connet'])).code, 0);
  assert.equal((await docker(d, ['run', '-d', '--name', 'late', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc'])).code, 0);
  const cn = await docker(d, ['network', 'connect', '--alias', 'lately', '--ip', `${net}.9`, 'connet', 'late']);
  assert.equal(cn.code, 0, cn.stderr);
  const nets = JSON.parse((await docker(d, ['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'late'])).stdout) as Record<string, { IPAddress: string; Aliases: string[] | null }>;
  assert.deepEqual(Object.keys(nets).sort(), ['bridge', 'connet']);
  assert.equal(nets.connet!.IPAddress, `${net}.9`);
  const ifaces = await docker(d, ['exec', 'late', 'ls', '/sys/class/net']);
  assert.equal(ifaces.stdout, 'eth0\neth1\nlo\n');
  const reach = await docker(d, ['run', '--rm', '--network', 'connet', 'busybox', 'wget', '-q', '-O', '-', 'http://lately/hostname']);
  assert.equal(reach.stdout.trim(), (await docker(d, ['inspect', '-f', '{{.Config.Hostname}}', 'late'])).stdout.trim(), reach.stderr);
  assert.match((await docker(d, ['network', 'connect', 'connet', 'late'])).stderr, /already exists in network connet/);
  assert.equal((await berth(d, ['network', 'disconnect', 'connet', 'late'])).code, 0);
  assert.equal((await docker(d, ['exec', 'late', 'ls', '/sys/class/net'])).stdout, 'eth0\nlo\n');
  assert.match((await docker(d, ['network', 'connect', 'host', 'late'])).stderr, /container cannot be disconnected from host network or connected to host network/);
  await docker(d, ['rm', '-f', 'late']);

  // prune takes the unused ones and keeps the predefined.
  const pr = await berth(d, ['network', 'prune', '-f']);
  assert.match(pr.stdout, /^Deleted Networks:\n/);
  assert.match(pr.stdout, /intnet\n/);
  assert.match(pr.stdout, /connet\n/);
  assert.equal((await docker(d, ['network', 'ls', '-q'])).stdout.split('\n').filter(Boolean).length, 3);
});
