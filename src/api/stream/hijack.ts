import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Takes over the connection for a raw stream, as Docker's attach does: `101
 * UPGRADED` when the client asked to upgrade, a bare `200 OK` otherwise. From
 * here on bytes go straight to the socket, without HTTP framing.
 */
export function hijack(req: IncomingMessage, multiplexed: boolean): Socket {
  const socket = req.socket;
  const contentType = multiplexed ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
  if ((req.headers.upgrade ?? '').toLowerCase() === 'tcp') {
    socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  } else {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\n\r\n`);
  }
  return socket;
}
