import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayablePorts } from './ports.js';

test('PORTS column as docker ps prints it', () => {
  assert.equal(
    displayablePorts([
      { IP: '127.0.0.1', PrivatePort: 80, PublicPort: 18080, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 19999, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 19053, Type: 'udp' },
    ]),
    '0.0.0.0:19053->53/udp, 0.0.0.0:19999->80/tcp, 127.0.0.1:18080->80/tcp',
  );
  assert.equal(displayablePorts([{ PrivatePort: 81, Type: 'tcp' }, { PrivatePort: 80, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }]), '80-81/tcp, 443/tcp');
  assert.equal(displayablePorts([{ IP: '0.0.0.0', PrivatePort: 8000, PublicPort: 8000, Type: 'tcp' }, { IP: '0.0.0.0', PrivatePort: 8001, PublicPort: 8001, Type: 'tcp' }]), '0.0.0.0:8000-8001->8000-8001/tcp');
  assert.equal(displayablePorts([]), '');
});
