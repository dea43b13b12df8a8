import { readFile } from 'node:fs/promises';
import { Internal, InvalidArgument } from '../../core/errors.js';
import type { PortProto } from '../../core/network.js';
import type { PortMap } from '../../core/wire/networks.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { DaemonContext } from '../context.js';

interface Wanted {
  key: string;
  proto: PortProto;
  containerPort: number;
  hostIp: string;
  /** Inclusive range; [0, 0] means any ephemeral port. */
  range: [number, number];
}

function parseKey(key: string): { port: number; proto: PortProto } {
  const [p, proto = 'tcp'] = key.split('/');
  const port = Number(p);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgument(`invalid port specification: "${key}"`);
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') throw new InvalidArgument(`invalid proto: ${proto}`);
  return { port, proto };
}

function parseHostPort(v: string | undefined): [number, number] {
  if (!v) return [0, 0];
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (!m) throw new InvalidArgument(`invalid port specification: "${v}"`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 0 || b > 65535 || b < a) throw new InvalidArgument(`invalid port specification: "${v}"`);
  return [a, b];
}

/** Ports the container asks to publish: PortBindings, plus every other exposed port under PublishAllPorts. */
function wantedPorts(c: ContainerRecord): Wanted[] {
  const out: Wanted[] = [];
  const bindings = c.HostConfig.PortBindings ?? {};
  for (const [key, list] of Object.entries(bindings)) {
    const { port, proto } = parseKey(key);
    for (const b of list ?? [{}]) out.push({ key: `${port}/${proto}`, proto, containerPort: port, hostIp: b.HostIp || '0.0.0.0', range: parseHostPort(b.HostPort) });
  }
  if (c.HostConfig.PublishAllPorts) {
    for (const key of Object.keys(c.Config.ExposedPorts ?? {})) {
      const { port, proto } = parseKey(key);
      if (out.some((w) => w.key === `${port}/${proto}`)) continue;
      out.push({ key: `${port}/${proto}`, proto, containerPort: port, hostIp: '0.0.0.0', range: [0, 0] });
    }
  }
  return out;
}

/** Validates PortBindings at create, so a bad spec fails before anything runs. */
export function checkPortBindings(c: ContainerRecord): void {
  wantedPorts(c);
}

async function ephemeralRange(): Promise<[number, number]> {
  const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768\t60999');
  const [a, b] = text.trim().split(/\s+/).map(Number);
  return [a || 32768, b || 60999];
}

function programmingError(c: ContainerRecord, endpointId: string, msg: string): Internal {
  return new Internal(`failed to set up container networking: driver failed programming external connectivity on endpoint ${c.Name.slice(1)} (${endpointId}): ${msg}`);
}

/**
 * Binds every published port of `c` (reserving host ports, picking free ones for
 * random and ranged specs) and returns Docker's NetworkSettings.Ports. On error
 * what was reserved is released again.
 */
export async function publishPorts(ctx: DaemonContext, c: ContainerRecord, containerIp: string, endpointId: string): Promise<PortMap> {
  const { ports } = ctx.networks;
  const map: PortMap = {};
  for (const key of Object.keys(c.Config.ExposedPorts ?? {})) {
    const { port, proto } = parseKey(key);
    map[`${port}/${proto}`] = null;
  }
  const taken: Array<{ proto: PortProto; ip: string; port: number }> = [];
  try {
    for (const w of wantedPorts(c)) {
      let bound: number | undefined;
      if (w.range[0] === w.range[1] && w.range[0] !== 0) {
        const port = w.range[0];
        if (ports.isReserved(w.proto, w.hostIp, port) || (w.hostIp !== '0.0.0.0' && ports.isReserved(w.proto, '0.0.0.0', port))) {
          throw programmingError(c, endpointId, `Bind for ${w.hostIp}:${port} failed: port is already allocated`);
        }
        try {
          await ports.reserve(w.proto, w.hostIp, port);
        } catch (err) {
          const why = err instanceof Error && /bind: (.*)$/.exec(err.message)?.[1];
          throw programmingError(c, endpointId, `failed to bind host port for ${w.hostIp}:${port}:${containerIp}:${w.containerPort}/${w.proto}: ${why || 'address already in use'}`);
        }
        bound = port;
      } else {
        const [lo, hi] = w.range[0] === 0 ? await ephemeralRange() : w.range;
        const span = hi - lo + 1;
        const start = w.range[0] === 0 ? Math.floor(Math.random() * span) : 0;
        for (let i = 0; i < span && bound === undefined; i++) {
          const port = lo + ((start + i) % span);
          if (ports.isReserved(w.proto, w.hostIp, port)) continue;
          try {
            await ports.reserve(w.proto, w.hostIp, port);
            bound = port;
          } catch {
            // taken by another program: try the next one
          }
        }
        if (bound === undefined) {
          throw programmingError(c, endpointId, w.range[0] === 0 ? 'all ports are allocated' : `Bind for ${w.hostIp}:${w.range[0]}-${w.range[1]} failed: port is already allocated`);
        }
      }
      taken.push({ proto: w.proto, ip: w.hostIp, port: bound });
      (map[w.key] ??= []).push({ HostIp: w.hostIp, HostPort: String(bound) });
    }
  } catch (err) {
    for (const t of taken) await ports.release(t.proto, t.ip, t.port);
    throw err;
  }
  return map;
}

/** Releases the host ports a running container held. Idempotent. */
export async function unpublishPorts(ctx: DaemonContext, map: PortMap): Promise<void> {
  for (const [key, list] of Object.entries(map)) {
    const { proto } = parseKey(key);
    for (const b of list ?? []) if (b.HostPort) await ctx.networks.ports.release(proto, b.HostIp || '0.0.0.0', Number(b.HostPort));
  }
}

/** Re-binds the ports of a container that kept running while berthd was down (live restore). */
export async function rebindPorts(ctx: DaemonContext, map: PortMap): Promise<void> {
  for (const [key, list] of Object.entries(map)) {
    const { proto } = parseKey(key);
    for (const b of list ?? []) {
      if (!b.HostPort) continue;
      await ctx.networks.ports.reserve(proto, b.HostIp || '0.0.0.0', Number(b.HostPort)).catch((err: unknown) => {
        ctx.logger.warn('re-reserving a published port failed', { port: `${b.HostIp}:${b.HostPort}/${proto}`, error: String(err) });
      });
    }
  }
}
