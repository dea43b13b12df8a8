import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRegistryConfig, resolveAuthConfig } from '../../../src/core/wire/registry-config.js';

const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

test('X-Registry-Config: decoded, `auth` split, matched by exact key then by host', () => {
  const configs = decodeRegistryConfig(
    enc({
      'https://index.docker.io/v1/': { username: 'hub', password: 'p' },
      'https://reg.example:5000/v2/': { auth: Buffer.from('u:pw').toString('base64') },
      'other.example': { username: 'o', password: 'q' },
    }),
  );
  assert.deepEqual(resolveAuthConfig(configs, 'docker.io'), { username: 'hub', password: 'p' });
  assert.equal(resolveAuthConfig(configs, 'reg.example:5000').password, 'pw');
  assert.equal(resolveAuthConfig(configs, 'other.example').username, 'o');
  assert.deepEqual(resolveAuthConfig(configs, 'nowhere.example'), {});
  assert.deepEqual(decodeRegistryConfig(''), {});
  assert.deepEqual(decodeRegistryConfig(enc({})), {});
  assert.throws(() => decodeRegistryConfig('%%%not-base64'), /invalid X-Registry-Config header/);
});
