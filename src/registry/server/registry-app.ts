import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { MediaType } from '../../core/mediatypes.js';
import type { Logger } from '../../util/logger.js';
import { BlobStore } from './blob-store.js';
import { listRepositories, paginate } from './catalog.js';
import { RegistryError } from './errors.js';
import { parseBasicAuth, type Htpasswd } from './htpasswd.js';
import {
  API_VERSION_HEADER, contentLength, hasBody, parseByteRange, parseContentRange, readCapped, sendEmpty, sendJson,
  type RequestLog,
} from './http-util.js';
import { RegistryLayout } from './layout.js';
import { ManifestStore } from './manifest-store.js';
import { isTag, parseDigestParam, parseManifestRef, parseRepoName, type RepoName } from './names.js';
import { UploadStore, uploadHeaders } from './uploads.js';

export interface RegistryAppOptions {
  root: string;
  logger: Logger;
  /** Basic auth for every /v2/ request when set. */
  htpasswd?: Htpasswd;
  realm?: string;
  /** Upload sessions older than this are dropped at start (default one week, as the reference registry purges). */
  uploadMaxAgeMs?: number;
  /** Manifests are buffered to validate them; the spec asks to accept at least 4 MB. */
  maxManifestBytes?: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, log: RequestLog, m: RegExpMatchArray) => Promise<void>;
interface Route {
  re: RegExp;
  methods: Partial<Record<string, Handler>>;
}

/**
 * The OCI distribution API over the stores. Protocol only: each handler parses the
 * request, calls one store operation and writes the spec's headers; errors are
 * rendered once, in `handle`.
 */
export class RegistryApp {
  readonly layout: RegistryLayout;
  readonly blobs: BlobStore;
  readonly uploads: UploadStore;
  readonly manifests: ManifestStore;
  readonly #opts: RegistryAppOptions;
  readonly #routes: Route[];

  constructor(opts: RegistryAppOptions) {
    this.#opts = opts;
    this.layout = new RegistryLayout(opts.root);
    this.blobs = new BlobStore(this.layout);
    this.uploads = new UploadStore(this.layout, this.blobs);
    this.manifests = new ManifestStore(this.layout, this.blobs);
    // Names contain slashes: each pattern anchors on the fixed tail, and uploads come before blobs.
    this.#routes = [
      { re: /^\/v2\/?$/, methods: { GET: this.#base, HEAD: this.#base } },
      { re: /^\/v2\/_catalog$/, methods: { GET: this.#catalog } },
      { re: /^\/v2\/(.+)\/tags\/list$/, methods: { GET: this.#tags } },
      { re: /^\/v2\/(.+)\/manifests\/([^/]+)$/, methods: { GET: this.#getManifest, HEAD: this.#getManifest, PUT: this.#putManifest, DELETE: this.#deleteManifest } },
      { re: /^\/v2\/(.+)\/blobs\/uploads\/?$/, methods: { POST: this.#startUpload } },
      { re: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, methods: { GET: this.#uploadStatus, PATCH: this.#patchUpload, PUT: this.#putUpload, DELETE: this.#cancelUpload } },
      { re: /^\/v2\/(.+)\/blobs\/([^/]+)$/, methods: { GET: this.#getBlob, HEAD: this.#getBlob, DELETE: this.#deleteBlob } },
      { re: /^\/v2\/(.+)\/referrers\/([^/]+)$/, methods: { GET: this.#referrers } },
    ];
  }

  /** Start-up reconciliation: stale or broken upload sessions go; blobs are only ever renamed in whole. */
  async init(): Promise<void> {
    await this.uploads.sweep(this.#opts.uploadMaxAgeMs ?? 7 * 24 * 3600_000, this.#opts.logger);
  }

  /** The request listener; writes one access-log line per request. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const log: RequestLog = { bytes: 0 };
    res.once('close', () => {
      this.#opts.logger.info('request', {
        method: req.method,
        path: req.url,
        status: res.statusCode,
        bytes: log.bytes,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        remote: req.socket.remoteAddress,
      });
    });
    for (const [k, v] of Object.entries(API_VERSION_HEADER)) res.setHeader(k, v);
    this.#dispatch(req, res, log).catch((err: unknown) => this.#fail(req, res, log, err));
  };

  async #dispatch(req: IncomingMessage, res: ServerResponse, log: RequestLog): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry');
    const method = req.method ?? 'GET';
    for (const route of this.#routes) {
      const m = url.pathname.match(route.re);
      if (!m) continue;
      await this.#authorize(req);
      const handler = route.methods[method];
      if (!handler) {
        throw new RegistryError('UNSUPPORTED', { method }, { headers: { Allow: Object.keys(route.methods).join(', ') } });
      }
      await handler.call(this, req, res, url, log, m);
      return;
    }
    req.resume();
    const text = '404 page not found\n';
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(text.length) });
    log.bytes += text.length;
    res.end(text);
  }

  async #authorize(req: IncomingMessage): Promise<void> {
    const htpasswd = this.#opts.htpasswd;
    if (!htpasswd) return;
    const creds = parseBasicAuth(req.headers.authorization);
    if (creds && (await htpasswd.verify(creds.user, creds.password))) return;
    throw new RegistryError('UNAUTHORIZED', null, {
      headers: { 'WWW-Authenticate': `Basic realm="${(this.#opts.realm ?? 'Berth Registry').replace(/"/g, '')}"` },
    });
  }

  #fail(req: IncomingMessage, res: ServerResponse, log: RequestLog, err: unknown): void {
    req.resume();
    const e = err instanceof RegistryError ? err : new RegistryError('UNKNOWN', undefined, { message: (err as Error)?.message ?? String(err), cause: err });
    if (e.status >= 500) this.#opts.logger.error('request failed', { method: req.method, path: req.url, error: String((err as Error)?.stack ?? err) });
    if (res.headersSent) {
      // Mid-stream failure: the only honest signal left is cutting the connection.
      res.destroy();
      return;
    }
    sendJson(res, log, e.status, e.toJSON(), e.headers, req.method === 'HEAD');
  }

  #base: Handler = async (req, res, _url, log) => {
    sendJson(res, log, 200, {}, {}, req.method === 'HEAD');
  };

  #catalog: Handler = async (_req, res, url, log) => {
    const page = paginate(await listRepositories(this.layout), url.searchParams.get('n'), url.searchParams.get('last'));
    const headers: Record<string, string> = {};
    if (page.next !== undefined) headers.Link = nextLink('/v2/_catalog', page.next, page.items.length);
    sendJson(res, log, 200, { repositories: page.items }, headers);
  };

  #tags: Handler = async (_req, res, url, log, m) => {
    const name = parseRepoName(m[1]!);
    const page = paginate(await this.manifests.tags(name), url.searchParams.get('n'), url.searchParams.get('last'));
    const headers: Record<string, string> = {};
    if (page.next !== undefined) headers.Link = nextLink(`/v2/${name}/tags/list`, page.next, page.items.length);
    sendJson(res, log, 200, { name, tags: page.items }, headers);
  };

  #getManifest: Handler = async (req, res, _url, log, m) => {
    const name = parseRepoName(m[1]!);
    const ref = manifestRefOrUnknown(m[2]!);
    const stored = await this.manifests.resolve(name, ref);
    const headers = {
      'Content-Type': stored.mediaType,
      'Content-Length': String(stored.size),
      'Docker-Content-Digest': stored.digest,
      ETag: `"${stored.digest}"`,
    };
    if (req.method === 'HEAD') {
      res.writeHead(200, headers);
      res.end();
      return;
    }
    const bytes = await this.manifests.read(stored);
    res.writeHead(200, headers);
    log.bytes += bytes.length;
    res.end(bytes);
  };

  #putManifest: Handler = async (req, res, url, _log, m) => {
    const name = parseRepoName(m[1]!);
    const ref = parseManifestRef(m[2]!);
    const extraTags = url.searchParams.getAll('tag');
    for (const t of extraTags) if (!isTag(t)) throw new RegistryError('MANIFEST_INVALID', { tag: t }, { message: 'invalid tag' });
    const bytes = await readCapped(req, this.#opts.maxManifestBytes ?? 4 * 1024 * 1024);
    const stored = await this.manifests.put(name, ref, bytes, req.headers['content-type'], extraTags);
    const headers: Record<string, string> = {
      Location: `/v2/${name}/manifests/${stored.digest}`,
      'Docker-Content-Digest': stored.digest,
    };
    if (stored.subject) headers['OCI-Subject'] = stored.subject;
    if (extraTags.length) headers['OCI-Tag'] = extraTags.join(', ');
    sendEmpty(res, 201, headers);
  };

  #deleteManifest: Handler = async (_req, res, _url, _log, m) => {
    const name = parseRepoName(m[1]!);
    await this.manifests.delete(name, manifestRefOrUnknown(m[2]!));
    sendEmpty(res, 202);
  };

  #getBlob: Handler = async (req, res, _url, log, m) => {
    const name = parseRepoName(m[1]!);
    const digest = parseDigestParam(m[2]!);
    const { size } = await this.blobs.stat(name, digest);
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'Docker-Content-Digest': digest,
      ETag: `"${digest}"`,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'max-age=31536000',
    };
    const range = parseByteRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
      res.end();
      return;
    }
    const len = range ? range.end - range.start + 1 : size;
    if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
    res.writeHead(range ? 206 : 200, { ...headers, 'Content-Length': String(len) });
    if (req.method === 'HEAD' || len === 0) {
      res.end();
      return;
    }
    const stream = this.blobs.read(digest, range);
    stream.on('data', (c: Buffer | string) => (log.bytes += c.length));
    await pipeline(stream, res);
  };

  #deleteBlob: Handler = async (_req, res, _url, _log, m) => {
    const name = parseRepoName(m[1]!);
    const digest = parseDigestParam(m[2]!);
    await this.blobs.unlink(name, digest);
    sendEmpty(res, 202, { 'Docker-Content-Digest': digest });
  };

  #startUpload: Handler = async (req, res, url, _log, m) => {
    const name = parseRepoName(m[1]!);
    const mount = url.searchParams.get('mount');
    const from = url.searchParams.get('from');
    if (mount !== null && from !== null) {
      const digest = parseDigestParam(mount);
      const fromName = parseRepoName(from);
      if (await this.blobs.mount(fromName, name, digest)) {
        req.resume();
        sendEmpty(res, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
        return;
      }
      // Not mountable: the spec says to fall back to an ordinary upload session.
    }
    const digestParam = url.searchParams.get('digest');
    if (digestParam !== null && mount === null) {
      const digest = parseDigestParam(digestParam);
      const session = await this.uploads.create(name);
      await this.#finish(req, res, name, session.id, digest);
      return;
    }
    req.resume();
    const session = await this.uploads.create(name);
    sendEmpty(res, 202, uploadHeaders(name, session.id, 0));
  };

  #uploadStatus: Handler = async (_req, res, _url, _log, m) => {
    const name = parseRepoName(m[1]!);
    const st = await this.uploads.status(name, m[2]!);
    sendEmpty(res, 204, uploadHeaders(name, st.id, st.size));
  };

  #patchUpload: Handler = async (req, res, _url, _log, m) => {
    const name = parseRepoName(m[1]!);
    const range = parseContentRange(req.headers['content-range']);
    const st = await this.uploads.append(name, m[2]!, req, range, contentLength(req));
    sendEmpty(res, 202, uploadHeaders(name, st.id, st.size));
  };

  #putUpload: Handler = async (req, res, url, _log, m) => {
    const name = parseRepoName(m[1]!);
    const digest = parseDigestParam(url.searchParams.get('digest'));
    await this.#finish(req, res, name, m[2]!, digest);
  };

  async #finish(req: IncomingMessage, res: ServerResponse, name: RepoName, id: string, digest: ReturnType<typeof parseDigestParam>): Promise<void> {
    const body = hasBody(req) ? req : undefined;
    if (!body) req.resume();
    await this.uploads.finalize(name, id, digest, body, parseContentRange(req.headers['content-range']), contentLength(req));
    sendEmpty(res, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
  }

  #cancelUpload: Handler = async (_req, res, _url, _log, m) => {
    const name = parseRepoName(m[1]!);
    await this.uploads.cancel(name, m[2]!);
    sendEmpty(res, 204);
  };

  #referrers: Handler = async (_req, res, url, log, m) => {
    const name = parseRepoName(m[1]!);
    const digest = parseDigestParam(m[2]!);
    const artifactType = url.searchParams.get('artifactType') ?? undefined;
    const manifests = await this.manifests.referrers(name, digest, artifactType);
    const headers: Record<string, string> = { 'Content-Type': MediaType.OciIndex };
    if (artifactType !== undefined) headers['OCI-Filters-Applied'] = 'artifactType';
    sendJson(res, log, 200, { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests }, headers);
  };
}

/** A tag or digest to look up; one that cannot exist is simply unknown. */
function manifestRefOrUnknown(s: string): ReturnType<typeof parseManifestRef> {
  try {
    return parseManifestRef(s);
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'MANIFEST_INVALID') throw new RegistryError('MANIFEST_UNKNOWN', { tag: s });
    throw err;
  }
}

function nextLink(path: string, last: string, n: number): string {
  return `<${path}?last=${encodeURIComponent(last)}&n=${n}>; rel="next"`;
}
