import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DnsLookup, DnsService } from '../core/network.js';
import type { Logger } from '../util/logger.js';

/** Docker's embedded DNS answers container names with this TTL. */
const TTL = 600;
const UPSTREAM_TIMEOUT_MS = 4000;


interface Listener {
  udp: UdpSocket;
  tcp: Server;
}

/**
 * berthd's DNS server for user-defined networks, on each network's gateway
 * address, UDP and TCP. Names the lookup knows (container names, aliases, short
 * IDs on the asker's network) are answered here; everything else is relayed to
 * the host's resolvers, as Docker's embedded DNS does.
 */
export class EmbeddedDns implements DnsService {
  readonly #lookup: DnsLookup;
  readonly #upstreams: (source: string) => string[];
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Listener>();

  constructor(lookup: DnsLookup, upstreams: (source: string) => string[], logger: Logger) {
    this.#lookup = lookup;
    this.#upstreams = upstreams;
    this.#logger = logger;
  }

  async listen(address: string): Promise<void> {
    if (this.#listeners.has(address)) return;
    const udp = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address, port: 53, exclusive: true }, () => resolve());
    });
    udp.on('error', (err) => this.#logger.warn('dns socket error', { address, error: err.message }));
    udp.on('message', (msg, rinfo) => {
      void this.#answer(msg, rinfo.address).then((reply) => {
        if (reply) udp.send(reply, rinfo.port, rinfo.address);
      });
    });
    const tcp = createServer((conn) => this.#serveTcp(conn));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ host: address, port: 53, exclusive: true }, () => resolve());
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    tcp.on('error', (err) => this.#logger.warn('dns socket error', { address, error: err.message }));
    this.#listeners.set(address, { udp, tcp });
  }

  async close(address: string): Promise<void> {
    const l = this.#listeners.get(address);
    if (!l) return;
    this.#listeners.delete(address);
    l.udp.close();
    await new Promise<void>((resolve) => l.tcp.close(() => resolve()));
  }

  #serveTcp(conn: Socket): void {
    let buf = Buffer.alloc(0);
    conn.on('error', () => undefined);
    conn.setTimeout(10_000, () => conn.destroy());
    conn.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void this.#answer(Buffer.from(msg), conn.remoteAddress?.replace(/^::ffff:/, '') ?? '').then((reply) => {
          if (!reply || conn.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          conn.write(Buffer.concat([len, reply]));
        });
      }
    });
  }

  async #answer(msg: Buffer, source: string): Promise<Buffer | undefined> {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    const q = query.questions?.[0];
    if (!q || query.type === 'response') return undefined;
    const name = q.name.toLowerCase().replace(/\.$/, '');
    const ips = this.#lookup({ source, name });
    if (ips === undefined) return this.#forward(msg, query, source);
    const answers: dnsPacket.Answer[] = q.type === 'A' ? ips.map((ip) => ({ type: 'A', name: q.name, ttl: TTL, class: 'IN', data: ip })) : [];
    return dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: query.questions,
      answers,
    });
  }

  /** Relays the query to the host's resolvers in turn; SERVFAIL when none answers. */
  async #forward(msg: Buffer, query: dnsPacket.DecodedPacket, source: string): Promise<Buffer> {
    for (const server of this.#upstreams(source)) {
      const reply = await relayUdp(msg, server).catch(() => undefined);
      if (reply) return reply;
    }
    return dnsPacket.encode({ type: 'response', id: query.id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | 2, questions: query.questions });
  }
}

function relayUdp(msg: Buffer, server: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(server.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error('timeout'));
    }, UPSTREAM_TIMEOUT_MS);
    sock.on('error', (err) => {
      clearTimeout(timer);
      sock.close();
      reject(err);
    });
    sock.on('message', (reply) => {
      if (reply.length < 2 || reply.readUInt16BE(0) !== msg.readUInt16BE(0)) return;
      clearTimeout(timer);
      sock.close();
      resolve(reply);
    });
    sock.send(msg, 53, server);
  });
}
