import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { InvalidArgument } from '../../core/errors.js';
import { loadRegistryTls, type RegistryTls } from './certs-dir.js';

/** Docker Hub's reference domain and the host its registry API really lives on. */
export const DOCKER_HUB_DOMAIN = 'docker.io';
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';
/** The key Docker's CLI uses for Docker Hub in config.json and in /auth requests. */
export const DOCKER_HUB_INDEX = 'https://index.docker.io/v1/';

/** What berthd's configuration says about registries (daemon.json's keys). */
export interface RegistryHostsConfig {
  /** CIDRs (`10.0.0.0/8`) or `host[:port]` that may be reached over plain HTTP or unverified TLS. */
  insecureRegistries: readonly string[];
  /** Pull-through mirrors for docker.io, tried in order before Docker Hub. */
  registryMirrors: readonly string[];
  /** Where `<host[:port]>/` certificate directories are looked for; CERTS_DIRS when absent. */
  certsDirs?: readonly string[];
}

/** One place to reach a registry's /v2/ API. */
export interface Endpoint {
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000` (no trailing slash). */
  base: string;
  /** TLS without verification is acceptable (insecure registries, as Docker). */
  skipVerify: boolean;
  /** A mirror: credentials for the upstream are not sent, and failures fall through to the next endpoint. */
  mirror: boolean;
  /** certs.d material for an HTTPS endpoint's host (extra CAs, a client certificate). */
  tls?: RegistryTls;
}

/**
 * Where a reference's domain can be reached, in the order to try, as Docker's
 * registry service: docker.io pulls go to the mirrors first, then Docker Hub.
 * Secure registries are HTTPS only; insecure ones (loopback always) try HTTPS
 * without verification, then plain HTTP.
 */
export async function endpointsFor(domain: string, cfg: RegistryHostsConfig, purpose: 'pull' | 'push'): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  if (domain === DOCKER_HUB_DOMAIN) {
    if (purpose === 'pull') {
      for (const m of cfg.registryMirrors) {
        const url = parseMirror(m);
        const insecure = url.protocol === 'http:' || (await isInsecureRegistry(url.host, cfg));
        out.push({ base: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`, skipVerify: insecure, mirror: true });
      }
    }
    out.push({ base: `https://${DOCKER_HUB_REGISTRY}`, skipVerify: false, mirror: false });
    return withCertsDirs(out, cfg.certsDirs);
  }
  const insecure = await isInsecureRegistry(domain, cfg);
  out.push({ base: `https://${domain}`, skipVerify: insecure, mirror: false });
  if (insecure) out.push({ base: `http://${domain}`, skipVerify: true, mirror: false });
  return withCertsDirs(out, cfg.certsDirs);
}

/** Each HTTPS endpoint with its host's certs.d material, read at each use as Docker does. */
async function withCertsDirs(endpoints: Endpoint[], dirs: readonly string[] | undefined): Promise<Endpoint[]> {
  return Promise.all(
    endpoints.map(async (ep) => {
      const url = new URL(ep.base);
      if (url.protocol !== 'https:') return ep;
      const tls = await loadRegistryTls(url.host, dirs);
      return tls ? { ...ep, tls } : ep;
    }),
  );
}

function parseMirror(m: string): URL {
  let url: URL;
  try {
    url = new URL(m);
  } catch {
    throw new InvalidArgument(`invalid mirror: "${m}" is not a valid URI`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgument(`invalid mirror: unsupported scheme "${url.protocol.replace(/:$/, '')}" in "${m}"`);
  }
  return url;
}

/** Loopback is always insecure (Docker's default insecure CIDRs: 127.0.0.0/8 and ::1/128). */
const DEFAULT_INSECURE_CIDRS = ['127.0.0.0/8', '::1/128'];

/**
 * Docker's `isSecureIndex` inverted: a registry `host[:port]` is insecure when it is
 * listed as such, or when any address it resolves to lies in an insecure CIDR
 * (loopback always). A host that does not resolve is secure (and will fail on its own).
 */
export async function isInsecureRegistry(hostPort: string, cfg: Pick<RegistryHostsConfig, 'insecureRegistries'>): Promise<boolean> {
  const host = hostOnly(hostPort);
  const cidrs = new BlockList();
  for (const c of [...DEFAULT_INSECURE_CIDRS, ...cfg.insecureRegistries]) {
    const m = /^(.+)\/(\d+)$/.exec(c);
    if (!m || isIP(m[1]!) === 0) {
      if (c === hostPort || c === host) return true;
      continue;
    }
    cidrs.addSubnet(m[1]!, Number(m[2]), isIP(m[1]!) === 6 ? 'ipv6' : 'ipv4');
  }
  const addresses = isIP(host) !== 0 ? [host] : await lookup(host, { all: true }).then((a) => a.map((x) => x.address), () => [] as string[]);
  return addresses.some((a) => cidrs.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4'));
}

/** `[::1]:5000` -> `::1`, `host:5000` -> `host`. */
function hostOnly(hostPort: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(hostPort);
  if (v6) return v6[1]!;
  const colon = hostPort.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(hostPort.slice(colon + 1)) ? hostPort.slice(0, colon) : hostPort;
}

/**
 * The key credentials are stored and looked up under, as Docker's CLI: Docker Hub is
 * `https://index.docker.io/v1/`, any other registry its `host[:port]`.
 */
export function credentialKey(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN || domain === 'index.docker.io' || domain === DOCKER_HUB_REGISTRY ? DOCKER_HUB_INDEX : domain;
}
