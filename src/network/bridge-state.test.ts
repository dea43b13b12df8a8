import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bridgeFixes, flagsSayUp, parseBridgeState } from './bridge-state.js';

const up = `[{"ifindex":1032,"ifname":"berth0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"operstate":"DOWN","addr_info":[{"family":"inet","local":"10.89.0.1","prefixlen":16,"scope":"global"}]}]`;
const down = `[{"ifindex":7,"ifname":"br-x","flags":["BROADCAST","MULTICAST"],"operstate":"DOWN","addr_info":[]}]`;

test('parseBridgeState reads UP and the IPv4 addresses', () => {
  assert.deepEqual(parseBridgeState(up), { up: true, addresses: ['10.89.0.1/16'] });
  assert.deepEqual(parseBridgeState(down), { up: false, addresses: [] });
  assert.throws(() => parseBridgeState('[]'), /unexpected ip -j addr output/);
});

test('bridgeFixes asks only for what is missing', () => {
  assert.deepEqual(bridgeFixes('berth0', '10.89.0.1/16', parseBridgeState(up)), []);
  assert.deepEqual(bridgeFixes('br-x', '10.1.0.1/24', parseBridgeState(down)), ['addr add 10.1.0.1/24 dev br-x', 'link set br-x up']);
  assert.deepEqual(bridgeFixes('br-x', '10.1.0.1/24', undefined), ['link add br-x type bridge', 'addr add 10.1.0.1/24 dev br-x', 'link set br-x up']);
});

test('flagsSayUp reads IFF_UP', () => {
  assert.equal(flagsSayUp('0x1003\n'), true);
  assert.equal(flagsSayUp('0x1002'), false);
});
