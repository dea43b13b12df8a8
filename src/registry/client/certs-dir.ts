import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgument } from '../../core/errors.js';

/** TLS material for one registry host beyond the system's roots. */
export interface RegistryTls {
  /** Extra CA certificates (PEM), trusted beside the system's. */
  ca: Buffer[];
  /** A client certificate and its key (PEM), for registries that ask for one. */
  cert?: Buffer;
  key?: Buffer;
}

/** Where per-registry certificates live: Berth's own, then Docker's, so existing set-ups keep working. */
export const CERTS_DIRS = ['/etc/berth/certs.d', '/etc/docker/certs.d'];

/**
 * Docker's certs.d rules for `<dir>/<host[:port]>/`: every `*.crt` is a CA; a `*.cert` is a
 * client certificate whose key is the `*.key` of the same name (a missing key is an error,
 * as in Docker). Undefined when no directory has anything for the host.
 */
export async function loadRegistryTls(host: string, dirs: readonly string[] = CERTS_DIRS): Promise<RegistryTls | undefined> {
  // A host is a name or address with an optional port: nothing that could leave the directory.
  if (!/^[A-Za-z0-9[][A-Za-z0-9.:[\]-]*$/.test(host)) return undefined;
  const out: RegistryTls = { ca: [] };
  let found = false;
  for (const base of dirs) {
    const dir = join(base, host);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.endsWith('.crt')) {
        out.ca.push(await readFile(join(dir, name)));
        found = true;
      } else if (name.endsWith('.cert') && !out.cert) {
        const keyName = `${name.slice(0, -'.cert'.length)}.key`;
        if (!names.includes(keyName)) throw new InvalidArgument(`missing key ${keyName} for client certificate ${name} in ${dir}`);
        out.cert = await readFile(join(dir, name));
        out.key = await readFile(join(dir, keyName));
        found = true;
      }
    }
  }
  return found ? out : undefined;
}
