import { Unauthorized } from '../../core/errors.js';
import type { AuthConfig } from '../../core/wire/registry-auth.js';
import type { RegistryTls } from './certs-dir.js';
import { parseChallenges, type Challenge } from './challenge.js';
import { readBody, send } from './http.js';
import { registryErrorText } from './registry-errors.js';

interface CachedToken {
  header: string;
  /** ms since epoch after which the token is not used again. */
  expires: number;
}

/** Tokens live at least this long when the server does not say (distribution's default is 60 s). */
const DEFAULT_TOKEN_SECONDS = 60;

/**
 * Authorises requests to one registry endpoint for one set of credentials, as
 * Docker's auth handlers: nothing until the registry challenges; then Basic with the
 * credentials, or a Bearer token fetched from the challenge's realm for the needed
 * scopes (`repository:library/busybox:pull`). Tokens are cached per scope set until
 * they expire; a 401 on a cached token drops it, and the request is retried once.
 */
export class Authorizer {
  readonly #creds: AuthConfig;
  readonly #skipVerify: boolean;
  readonly #tls: RegistryTls | undefined;
  #challenge: Challenge | undefined;
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<CachedToken>>();

  /** Token requests go out with the registry's TLS settings, as Docker's do. */
  constructor(creds: AuthConfig, skipVerify: boolean, tls?: RegistryTls) {
    this.#creds = creds;
    this.#skipVerify = skipVerify;
    this.#tls = tls;
  }

  get hasCredentials(): boolean {
    return Boolean(this.#creds.username || this.#creds.registrytoken || this.#creds.identitytoken);
  }

  /** Takes the challenges of a 401 (or of the /v2/ ping); returns false when none is usable. */
  learn(header: string | string[] | undefined): boolean {
    const all = parseChallenges(header);
    const pick = all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
    if (!pick) return false;
    this.#challenge = pick;
    return true;
  }

  /** The Authorization header for these scopes, or undefined while the registry asked for none. */
  async header(scopes: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
    const ch = this.#challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') {
      if (!this.#creds.username) return undefined;
      return `Basic ${Buffer.from(`${this.#creds.username}:${this.#creds.password ?? ''}`).toString('base64')}`;
    }
    if (this.#creds.registrytoken) return `Bearer ${this.#creds.registrytoken}`;
    const key = [...scopes].sort().join(' ');
    const cached = this.#tokens.get(key);
    if (cached && cached.expires > Date.now()) return cached.header;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#fetchToken(ch, scopes, signal).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const tok = await pending;
    this.#tokens.set(key, tok);
    return tok.header;
  }

  /** Forgets the token of these scopes (the registry refused it). */
  invalidate(scopes: readonly string[]): void {
    this.#tokens.delete([...scopes].sort().join(' '));
  }

  async #fetchToken(ch: Challenge, scopes: readonly string[], signal?: AbortSignal): Promise<CachedToken> {
    const realm = ch.params.realm;
    if (!realm) throw new Unauthorized('unauthorized: the registry asked for a bearer token without a realm');
    const url = new URL(realm);
    if (ch.params.service) url.searchParams.set('service', ch.params.service);
    const wanted = new Set(scopes);
    if (ch.params.scope) for (const s of ch.params.scope.split(' ')) wanted.add(s);
    for (const s of wanted) url.searchParams.append('scope', s);
    if (this.#creds.username) url.searchParams.set('account', this.#creds.username);
    const headers: Record<string, string> = {};
    if (this.#creds.username) {
      headers.Authorization = `Basic ${Buffer.from(`${this.#creds.username}:${this.#creds.password ?? ''}`).toString('base64')}`;
    }
    const res = await send(url, { method: 'GET', headers, skipVerify: this.#skipVerify, tls: this.#tls, signal });
    const body = await readBody(res, 1 << 20);
    if (res.status === 401 || res.status === 403) {
      throw new Unauthorized(`Get "${url.origin}${url.pathname}": ${registryErrorText(body) ?? 'unauthorized: incorrect username or password'}`);
    }
    if (res.status !== 200) {
      throw new Unauthorized(`Get "${url.origin}${url.pathname}": unexpected status from token server: ${res.status}`);
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new Unauthorized(`the token server ${url.origin} answered with something that is not JSON`);
    }
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || !token) throw new Unauthorized(`the token server ${url.origin} answered without a token`);
    const seconds = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_SECONDS;
    // Renew a little early so a token never expires between check and use.
    return { header: `Bearer ${token}`, expires: Date.now() + Math.max(1, seconds - 5) * 1000 };
  }
}
