import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { PortProto, PortReserver } from '../core/network.js';

/** The host port could not be bound: another process (or another daemon) has it. */
export class PortInUse extends Error {
  constructor(
    readonly proto: PortProto,
    readonly hostIp: string,
    readonly hostPort: number,
    readonly reason: string,
  ) {
    super(`listen ${proto}4 ${hostIp}:${hostPort}: bind: ${reason}`);
    this.name = 'PortInUse';
  }
}

function keyOf(proto: PortProto, ip: string, port: number): string {
  return `${proto}/${ip}:${port}`;
}

/**
 * Reserves published host ports by binding them, as docker-proxy does: a port
 * another program holds fails here, and while berthd holds it nothing else can
 * take it. Traffic never reaches these sockets (iptables DNAT comes first); a
 * stray TCP connection is closed at once.
 */
export class SocketPortReserver implements PortReserver {
  readonly #held = new Map<string, Server | UdpSocket>();

  isReserved(proto: PortProto, hostIp: string, hostPort: number): boolean {
    return this.#held.has(keyOf(proto, hostIp, hostPort));
  }

  async reserve(proto: PortProto, hostIp: string, hostPort: number): Promise<void> {
    const key = keyOf(proto, hostIp, hostPort);
    if (this.#held.has(key)) return;
    const host = hostIp || '0.0.0.0';
    if (proto === 'udp') {
      const sock = createSocket({ type: 'udp4' });
      await new Promise<void>((resolve, reject) => {
        sock.once('error', (err: NodeJS.ErrnoException) => reject(new PortInUse(proto, host, hostPort, reason(err))));
        sock.bind({ address: host, port: hostPort, exclusive: true }, () => resolve());
      });
      sock.on('error', () => undefined);
      sock.on('message', () => undefined);
      this.#held.set(key, sock);
      return;
    }
    if (proto === 'sctp') return; // Node has no SCTP sockets; the DNAT rule alone publishes it.
    const server = createServer((conn) => conn.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(new PortInUse(proto, host, hostPort, reason(err))));
      server.listen({ host, port: hostPort, exclusive: true, backlog: 1 }, () => resolve());
    });
    server.on('error', () => undefined);
    this.#held.set(key, server);
  }

  async release(proto: PortProto, hostIp: string, hostPort: number): Promise<void> {
    const key = keyOf(proto, hostIp, hostPort);
    const h = this.#held.get(key);
    if (!h) return;
    this.#held.delete(key);
    await new Promise<void>((resolve) => h.close(() => resolve()));
  }
}

function reason(err: NodeJS.ErrnoException): string {
  if (err.code === 'EADDRINUSE') return 'address already in use';
  if (err.code === 'EADDRNOTAVAIL') return 'cannot assign requested address';
  if (err.code === 'EACCES') return 'permission denied';
  return err.message;
}
