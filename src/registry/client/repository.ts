import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { digestFromHex, type Digest } from '../../core/digest.js';
import { Forbidden, Internal, InvalidArgument, NotFound, Unauthorized, Unavailable, type BerthError } from '../../core/errors.js';
import { MediaType } from '../../core/mediatypes.js';
import type { Authorizer } from './auth.js';
import type { Endpoint } from './endpoints.js';
import { discard, readBody, send, type Response } from './http.js';
import { registryErrorText } from './registry-errors.js';

/** Every manifest form Berth understands, as Docker asks for them. */
export const MANIFEST_ACCEPT = [MediaType.DockerManifest, MediaType.DockerManifestList, MediaType.OciManifest, MediaType.OciIndex].join(', ');

/** Manifests and indexes are small documents; anything bigger is not one. */
const MANIFEST_LIMIT = 4 << 20;
const MAX_REDIRECTS = 5;

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  /** sha256 of the bytes as received: the manifest's identity. */
  digest: Digest;
}

interface RequestOptions {
  headers?: Record<string, string>;
  /** Made anew for a retry after a 401, so a stream body is never sent twice. */
  body?: () => Buffer | Readable | Promise<Buffer | Readable>;
  signal?: AbortSignal;
  /** Scopes beyond this repository's own (cross-repository mount needs the source's pull). */
  extraScopes?: string[];
}

/**
 * The distribution API for one repository on one endpoint (`/v2/<path>/...`), with
 * authorisation from the Authorizer and Docker's error wording. Bodies of blob
 * downloads are handed out as streams; everything else is read and closed here.
 */
export class RegistryRepository {
  readonly endpoint: Endpoint;
  /** Repository path in the registry (`library/busybox`). */
  readonly path: string;
  readonly #auth: Authorizer;
  readonly #actions: string;

  constructor(endpoint: Endpoint, path: string, auth: Authorizer, actions: 'pull' | 'pull,push') {
    this.endpoint = endpoint;
    this.path = path;
    this.#auth = auth;
    this.#actions = actions;
  }

  /** `/v2/` answers 200 or 401 on a registry; the 401's challenge says how to authenticate. */
  async ping(signal?: AbortSignal): Promise<void> {
    const res = await send(new URL(`${this.endpoint.base}/v2/`), { method: 'GET', skipVerify: this.endpoint.skipVerify, tls: this.endpoint.tls, signal });
    await discard(res);
    if (res.status === 401) {
      this.#auth.learn(res.headers['www-authenticate']);
      return;
    }
    if (res.status !== 200) throw new Unavailable(`${this.endpoint.base}/v2/ does not look like a registry: HTTP ${res.status}`);
  }

  /**
   * GET a manifest or index by tag or digest. Pulled by digest, the bytes must hash
   * to it (a registry cannot swap content under a digest).
   */
  async getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const res = await this.#request('GET', `manifests/${reference}`, { headers: { Accept: MANIFEST_ACCEPT }, signal });
    if (res.status !== 200) throw await this.#failure(res);
    const bytes = await readBody(res, MANIFEST_LIMIT);
    const digest = digestFromHex(createHash('sha256').update(bytes).digest('hex'));
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new InvalidArgument(`manifest verification failed for digest ${reference}`);
    }
    return { bytes, digest, mediaType: manifestMediaType(bytes, res.headers['content-type']) };
  }

  /** GET a blob; the caller consumes the body. Redirects to storage are followed. */
  async getBlob(digest: Digest, signal?: AbortSignal): Promise<Response> {
    const res = await this.#request('GET', `blobs/${digest}`, { signal });
    if (res.status !== 200) throw await this.#failure(res, `blob ${digest}`);
    return res;
  }

  /** Size of a blob the registry has in this repository, or undefined. */
  async statBlob(digest: Digest, signal?: AbortSignal): Promise<number | undefined> {
    const res = await this.#request('HEAD', `blobs/${digest}`, { signal });
    await discard(res);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw await this.#failure(res, `blob ${digest}`);
    const len = Number(res.headers['content-length']);
    return Number.isFinite(len) ? len : 0;
  }

  /**
   * Cross-repository mount: `POST /blobs/uploads/?mount=<digest>&from=<repo>`. 201 means
   * mounted; a registry that cannot mount answers 202 with a fresh upload session.
   */
  async mountBlob(digest: Digest, from: string, signal?: AbortSignal): Promise<{ mounted: true } | { mounted: false; upload: UploadSession }> {
    const res = await this.#request('POST', `blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, {
      signal,
      extraScopes: [`repository:${from}:pull`],
      body: () => Buffer.alloc(0),
    });
    await discard(res);
    if (res.status === 201) return { mounted: true };
    if (res.status === 202) return { mounted: false, upload: this.#session(res) };
    throw await this.#failure(res, `blob ${digest}`);
  }

  async startUpload(signal?: AbortSignal): Promise<UploadSession> {
    const res = await this.#request('POST', 'blobs/uploads/', { signal, body: () => Buffer.alloc(0) });
    await discard(res);
    if (res.status !== 202) throw await this.#failure(res);
    return this.#session(res);
  }

  /** Monolithic upload: the whole blob in the closing PUT. */
  async putBlob(session: UploadSession, digest: Digest, size: number, body: () => Promise<Readable>, signal?: AbortSignal): Promise<void> {
    const url = withDigest(session.location, digest);
    const res = await this.#request('PUT', url, {
      signal,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
      body,
    });
    await discard(res);
    if (res.status !== 201) throw await this.#failure(res, `blob ${digest}`);
  }

  /** One chunk of a chunked upload (`Content-Range: start-end`); returns the session's next location. */
  async patchChunk(session: UploadSession, start: number, length: number, body: () => Promise<Readable>, signal?: AbortSignal): Promise<UploadSession> {
    const res = await this.#request('PATCH', session.location, {
      signal,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(length),
        'Content-Range': `${start}-${start + length - 1}`,
      },
      body,
    });
    await discard(res);
    if (res.status !== 202) throw await this.#failure(res);
    return this.#session(res);
  }

  /** Closes a chunked upload: PUT with the digest and no body. */
  async finishUpload(session: UploadSession, digest: Digest, signal?: AbortSignal): Promise<void> {
    const res = await this.#request('PUT', withDigest(session.location, digest), {
      signal,
      headers: { 'Content-Length': '0' },
      body: () => Buffer.alloc(0),
    });
    await discard(res);
    if (res.status !== 201) throw await this.#failure(res, `blob ${digest}`);
  }

  async putManifest(reference: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<void> {
    const res = await this.#request('PUT', `manifests/${reference}`, { signal, headers: { 'Content-Type': mediaType }, body: () => bytes });
    if (res.status !== 201 && res.status !== 200) throw await this.#failure(res);
    await discard(res);
  }

  /** All tags, following `Link: <…>; rel="next"` pages. */
  async listTags(signal?: AbortSignal): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = 'tags/list';
    for (let page = 0; next !== undefined && page < 1000; page++) {
      const res = await this.#request('GET', next, { signal });
      if (res.status !== 200) throw await this.#failure(res);
      const body = JSON.parse((await readBody(res)).toString('utf8')) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(String(res.headers.link ?? ''));
      next = link ? new URL(link[1]!, res.url).href : undefined;
    }
    return tags;
  }

  #session(res: Response): UploadSession {
    const loc = res.headers.location;
    if (!loc) throw new Internal(`the registry started an upload without a Location (${res.url.href})`);
    const min = Number(res.headers['oci-chunk-min-length']);
    return { location: new URL(loc, res.url).href, minChunk: Number.isFinite(min) && min > 0 ? min : undefined };
  }

  #scopes(extra: string[] = []): string[] {
    return [`repository:${this.path}:${this.#actions}`, ...extra];
  }

  /**
   * Sends with authorisation; a 401 teaches the challenge and the request is sent once
   * more (with a fresh token). GET/HEAD follow redirects, without credentials when the
   * redirect leaves the registry (blob storage has its own signed URLs).
   */
  async #request(method: string, target: string, opts: RequestOptions): Promise<Response> {
    let url = /^https?:\/\//.test(target) ? new URL(target) : new URL(`${this.endpoint.base}/v2/${this.path}/${target}`);
    const scopes = this.#scopes(opts.extraScopes);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const authz = await this.#auth.header(scopes, opts.signal);
      if (authz) headers.Authorization = authz;
      let res = await send(url, { method, headers, body: opts.body ? await opts.body() : undefined, skipVerify: this.endpoint.skipVerify, tls: this.endpoint.tls, signal: opts.signal });
      for (let hops = 0; (method === 'GET' || method === 'HEAD') && [301, 302, 303, 307, 308].includes(res.status) && hops < MAX_REDIRECTS; hops++) {
        await discard(res);
        const next = new URL(String(res.headers.location ?? ''), res.url);
        const sameOrigin = next.origin === new URL(this.endpoint.base).origin;
        const h = { ...headers };
        if (!sameOrigin) delete h.Authorization;
        res = await send(next, { method, headers: h, skipVerify: this.endpoint.skipVerify, tls: this.endpoint.tls, signal: opts.signal });
      }
      if (res.status !== 401 || attempt > 0) return res;
      const learned = this.#auth.learn(res.headers['www-authenticate']);
      if (!learned) return res;
      await discard(res);
      this.#auth.invalidate(scopes);
      url = new URL(url.href);
    }
  }

  /** Turns a non-success answer into Berth's error classes with the registry's words. */
  async #failure(res: Response, what?: string): Promise<BerthError> {
    const body = res.body.readableEnded ? Buffer.alloc(0) : await readBody(res, 1 << 20).catch(() => Buffer.alloc(0));
    const text = registryErrorText(body) ?? `received unexpected HTTP status: ${res.status} ${STATUS_CODES[res.status] ?? ''}`.trim();
    const msg = what && res.status >= 500 ? `${what}: ${text}` : text;
    switch (res.status) {
      case 401:
        return new Unauthorized(this.#auth.hasCredentials ? msg : `${msg.startsWith('unauthorized') ? msg : `unauthorized: ${msg}`}`);
      case 403:
        return new Forbidden(msg);
      case 404:
        return new NotFound(msg);
      default:
        return res.status >= 500 ? new Unavailable(msg) : new InvalidArgument(msg);
    }
  }
}

/** An upload in progress: where to send the next request. */
export interface UploadSession {
  location: string;
  /** OCI-Chunk-Min-Length: the registry wants chunks at least this big. */
  minChunk?: number;
}

function withDigest(location: string, digest: Digest): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.href;
}

/** The manifest's media type: its own `mediaType` field wins over Content-Type. */
function manifestMediaType(bytes: Buffer, contentType: string | undefined): string {
  try {
    const mt = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown }).mediaType;
    if (typeof mt === 'string' && mt) return mt;
    if (Array.isArray((JSON.parse(bytes.toString('utf8')) as { manifests?: unknown }).manifests)) return MediaType.OciIndex;
  } catch {
    throw new InvalidArgument('the registry sent a manifest that is not JSON');
  }
  const ct = (contentType ?? '').split(';')[0]!.trim();
  return ct && ct !== 'application/json' && ct !== 'text/plain' ? ct : MediaType.OciManifest;
}
