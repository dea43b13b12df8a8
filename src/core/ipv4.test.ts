import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contains, firstHost, formatCidr, hostRange, intToIp, ipToInt, macFor, nthSubnet, overlaps, parseCidr } from './ipv4.js';

test('parses and formats addresses and CIDRs', () => {
  assert.equal(intToIp(ipToInt('10.89.0.7')), '10.89.0.7');
  assert.equal(formatCidr(parseCidr('10.89.3.1/16')), '10.89.0.0/16');
  assert.throws(() => parseCidr('10.89.0.0/33'), /invalid CIDR address/);
  assert.throws(() => ipToInt('10.300.0.1'), /invalid IP address/);
});

test('containment, overlap, gateway, range', () => {
  const c = parseCidr('10.89.0.0/16');
  assert.ok(contains(c, '10.89.255.254'));
  assert.ok(!contains(c, '10.90.0.1'));
  assert.ok(overlaps(c, parseCidr('10.89.4.0/24')));
  assert.ok(!overlaps(c, parseCidr('10.90.0.0/24')));
  assert.equal(firstHost(c), '10.89.0.1');
  assert.deepEqual(hostRange(parseCidr('10.0.0.0/30')).map(intToIp), ['10.0.0.1', '10.0.0.2']);
});

test('MAC from address and pool walking', () => {
  assert.equal(macFor('10.89.0.2'), '02:42:0a:59:00:02');
  const pool = parseCidr('10.90.0.0/16');
  assert.equal(formatCidr(nthSubnet(pool, 24, 3)!), '10.90.3.0/24');
  assert.equal(nthSubnet(pool, 24, 256), undefined);
});
