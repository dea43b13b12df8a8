import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PortMap } from '../../../core/wire/networks.js';
import { parseExpose, parsePublish } from './publish-flags.js';

function parse(specs: string[]) {
  const exposed: Record<string, object> = {};
  const bindings: PortMap = {};
  parsePublish(specs, exposed, bindings);
  return { exposed, bindings };
}

test('publish forms', () => {
  assert.deepEqual(parse(['9999:80']).bindings, { '80/tcp': [{ HostIp: '', HostPort: '9999' }] });
  assert.deepEqual(parse(['127.0.0.1:8080:80']).bindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  assert.deepEqual(parse(['53:53/udp']).bindings, { '53/udp': [{ HostIp: '', HostPort: '53' }] });
  assert.deepEqual(parse(['80']).bindings, { '80/tcp': [{ HostIp: '', HostPort: '' }] });
  assert.deepEqual(parse(['127.0.0.1::80']).bindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  assert.deepEqual(parse(['8000-8001:80-81']).bindings, { '80/tcp': [{ HostIp: '', HostPort: '8000' }], '81/tcp': [{ HostIp: '', HostPort: '8001' }] });
  assert.deepEqual(parse(['8000-8010:80']).bindings, { '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }] });
  assert.deepEqual(Object.keys(parse(['8000-8001:80-81']).exposed), ['80/tcp', '81/tcp']);
});

test('publish errors as the docker CLI words them', () => {
  assert.throws(() => parse(['8000-8002:80-81']), /invalid ranges specified for container and host Ports: 80-81 and 8000-8002/);
  assert.throws(() => parse(['abc']), /invalid containerPort: abc/);
  assert.throws(() => parse(['1:2/xyz']), /invalid proto: xyz/);
});

test('expose', () => {
  const e: Record<string, object> = {};
  parseExpose(['80', '8000-8001/udp'], e);
  assert.deepEqual(Object.keys(e), ['80/tcp', '8000/udp', '8001/udp']);
});
