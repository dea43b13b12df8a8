import { InvalidArgumentError } from 'commander';
import type { PortMap } from '../../../core/wire/networks.js';

function parseRange(s: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  const a = m ? Number(m[1]) : NaN;
  const b = m?.[2] !== undefined ? Number(m[2]) : a;
  if (!m || a < 1 || b > 65535 || b < a) throw new InvalidArgumentError(`invalid ${what}: ${s}`);
  return [a, b];
}

function splitProto(s: string): [string, string] {
  const slash = s.lastIndexOf('/');
  const proto = slash >= 0 ? s.slice(slash + 1).toLowerCase() : 'tcp';
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new InvalidArgumentError(`invalid proto: ${proto}`);
  return [slash >= 0 ? s.slice(0, slash) : s, proto];
}

/**
 * `-p [ip:][hostPort:]containerPort[/proto]` into ExposedPorts and PortBindings,
 * as the docker CLI (nat.ParsePortSpec): ranges map one to one when both sides
 * are ranges of one length; a host range for one container port is left for the
 * daemon to pick from.
 */
export function parsePublish(specs: readonly string[], exposed: Record<string, object>, bindings: PortMap): void {
  for (const raw of specs) {
    const [rest, proto] = splitProto(raw);
    let ip = '';
    let hostPart = '';
    let ctrPart: string;
    const v6 = /^\[([^\]]+)\]:(.*)$/.exec(rest);
    const parts = v6 ? [v6[1]!, ...v6[2]!.split(':')] : rest.split(':');
    if (parts.length === 1) ctrPart = parts[0]!;
    else if (parts.length === 2) [hostPart, ctrPart] = parts as [string, string];
    else if (parts.length === 3) [ip, hostPart, ctrPart] = parts as [string, string, string];
    else throw new InvalidArgumentError(`invalid argument "${raw}" for "-p, --publish" flag: invalid port specification: "${raw}"`);
    if (ip && !/^[\d.]+$/.test(ip) && !ip.includes(':')) throw new InvalidArgumentError(`invalid argument "${raw}" for "-p, --publish" flag: invalid IP address: ${ip}`);
    const [c1, c2] = parseRange(ctrPart, 'containerPort');
    const host = hostPart ? parseRange(hostPart, 'hostPort') : undefined;
    if (host && c2 - c1 !== host[1] - host[0] && c2 !== c1) {
      throw new InvalidArgumentError(`invalid argument "${raw}" for "-p, --publish" flag: invalid ranges specified for container and host Ports: ${ctrPart} and ${hostPart}`);
    }
    for (let p = c1; p <= c2; p++) {
      const key = `${p}/${proto}`;
      exposed[key] = {};
      let hostPort = '';
      if (host) hostPort = c2 - c1 === host[1] - host[0] ? String(host[0] + (p - c1)) : `${host[0]}-${host[1]}`;
      (bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort });
    }
  }
}

/** `--expose 80`, `--expose 8000-8010/udp`. */
export function parseExpose(specs: readonly string[], exposed: Record<string, object>): void {
  for (const raw of specs) {
    const [rest, proto] = splitProto(raw);
    const [a, b] = parseRange(rest, 'range format for --expose');
    for (let p = a; p <= b; p++) exposed[`${p}/${proto}`] = {};
  }
}
