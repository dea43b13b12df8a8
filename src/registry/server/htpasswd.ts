import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import bcrypt from 'bcryptjs';

/**
 * Basic-auth credentials from an Apache htpasswd file, bcrypt entries only (what
 * `htpasswd -B` writes and the reference registry accepts). Other hash kinds are
 * refused at load so a misconfigured file fails loudly instead of locking users out.
 */
export class Htpasswd {
  readonly #users: Map<string, string>;
  /** bcrypt costs ~50-100 ms a check; verified (user, password hash) pairs are remembered. */
  readonly #verified = new Set<string>();

  private constructor(users: Map<string, string>) {
    this.#users = users;
  }

  static parse(text: string, source = 'htpasswd'): Htpasswd {
    const users = new Map<string, string>();
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const colon = line.indexOf(':');
      const user = line.slice(0, colon);
      const hash = line.slice(colon + 1);
      if (colon <= 0 || !/^\$2[abxy]\$\d\d\$.{53}$/.test(hash)) {
        throw new Error(`${source}:${i + 1}: not a "user:bcrypt-hash" entry (create it with htpasswd -B)`);
      }
      users.set(user, hash);
    });
    return new Htpasswd(users);
  }

  static async load(path: string): Promise<Htpasswd> {
    return Htpasswd.parse(await readFile(path, 'utf8'), path);
  }

  async verify(user: string, password: string): Promise<boolean> {
    const hash = this.#users.get(user);
    if (!hash) return false;
    const key = `${user}\0${createHash('sha256').update(hash).update('\0').update(password).digest('hex')}`;
    if (this.#verified.has(key)) return true;
    // Apache's $2y$ is the same algorithm as $2b$.
    const ok = await bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
    if (ok) this.#verified.add(key);
    return ok;
  }
}

/** Decodes `Authorization: Basic <base64 user:pass>`; undefined for anything else. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const m = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
