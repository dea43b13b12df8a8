import { request } from 'node:http';
import type { Socket } from 'node:net';
import { API_VERSION } from '../core/version.js';
import { ApiError, ConnectError } from './transport.js';

/**
 * Opens a hijacked stream (attach): an HTTP request with `Upgrade: tcp` whose
 * socket carries raw or multiplexed output once the daemon answered 101.
 */
export function hijackRequest(socketPath: string, path: string, body?: unknown): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath,
      method: 'POST',
      path: `/v${API_VERSION}${path}`,
      headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': body === undefined ? 'text/plain' : 'application/json' },
    });
    req.on('upgrade', (_res, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let message = text.trim();
        try {
          message = (JSON.parse(text) as { message: string }).message;
        } catch {
          // keep the text
        }
        reject(new ApiError(res.statusCode ?? 500, message));
      });
    });
    req.on('error', (err) => reject(new ConnectError(`Cannot connect to the Berth daemon at unix://${socketPath}. Is berthd running?`, { cause: err })));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Splits Docker's multiplexed frames (8-byte header, then payload) to stdout and stderr. */
export function demux(onStdout: (b: Buffer) => void, onStderr: (b: Buffer) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const payload = buf.subarray(8, 8 + size);
      if (buf[0] === 2) onStderr(payload);
      else onStdout(payload);
      buf = buf.subarray(8 + size);
    }
  };
}
