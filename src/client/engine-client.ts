import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { HistoryResponseItem, ImageDeleteResponseItem, ImageInspect, ImagePruneResponse, ImageSummary, JsonMessage } from '../core/wire/images.js';
import type { SystemDiskUsage, SystemInfo, SystemVersion } from '../core/wire/system.js';
import { Transport } from './transport.js';
import { jsonMessages } from './json-messages.js';
import { hijackRequest } from './hijack.js';
import type { Socket } from 'node:net';
import type { ContainerCreateBody, ContainerInspect, ContainerSummary, ContainerWaitResponse } from '../core/wire/containers.js';
import type { ContainerTopResponse, ContainerUpdateConfig } from './ops-types.js';
import type { ExecCreateBody } from '../core/wire/exec.js';
import type { CommitRequest, ContainerPathStat, FilesystemChange as ContainerChange } from '../core/wire/container-fs.js';
import * as registry from './registry-calls.js';

export type Filters = Record<string, string[]>;

/** `POST /containers/{id}/exec` body. */
export type { ExecCreateBody as ExecCreateRequest };

function filtersParam(f?: Filters): string | undefined {
  return f && Object.keys(f).length ? JSON.stringify(f) : undefined;
}

/** Typed Docker Engine API client; the berth CLI talks to berthd only through this. */
export class EngineClient {
  readonly transport: Transport;

  constructor(host?: string) {
    this.transport = new Transport(host);
  }

  ping(): Promise<void> {
    return this.transport.empty('GET', '/_ping');
  }
  version(): Promise<SystemVersion> {
    return this.transport.json('GET', '/version');
  }
  info(): Promise<SystemInfo> {
    return this.transport.json('GET', '/info');
  }
  diskUsage(): Promise<SystemDiskUsage> {
    return this.transport.json('GET', '/system/df');
  }

  imageList(opts: { all?: boolean; filters?: Filters; digests?: boolean } = {}): Promise<ImageSummary[]> {
    return this.transport.json('GET', '/images/json', { query: { all: opts.all ? 1 : undefined, filters: filtersParam(opts.filters), digests: opts.digests ? 1 : undefined } });
  }
  imageInspect(name: string): Promise<ImageInspect> {
    return this.transport.json('GET', `/images/${encodeURIComponent(name)}/json`);
  }
  imageHistory(name: string): Promise<HistoryResponseItem[]> {
    return this.transport.json('GET', `/images/${encodeURIComponent(name)}/history`);
  }
  imageTag(name: string, repo: string, tag?: string): Promise<void> {
    return this.transport.empty('POST', `/images/${encodeURIComponent(name)}/tag`, { query: { repo, tag } });
  }
  imageRemove(name: string, opts: { force?: boolean; noPrune?: boolean } = {}): Promise<ImageDeleteResponseItem[]> {
    return this.transport.json('DELETE', `/images/${encodeURIComponent(name)}`, { query: { force: opts.force ? 1 : undefined, noprune: opts.noPrune ? 1 : undefined } });
  }
  imagePrune(filters?: Filters): Promise<ImagePruneResponse> {
    return this.transport.json('POST', '/images/prune', { query: { filters: filtersParam(filters) } });
  }
  async imageImport(source: Readable, opts: { repo?: string; tag?: string; changes?: string[]; message?: string; platform?: string }): Promise<AsyncGenerator<JsonMessage>> {
    const res = await this.transport.request('POST', '/images/create', {
      query: { fromSrc: '-', repo: opts.repo, tag: opts.tag, changes: opts.changes, message: opts.message, platform: opts.platform },
      body: source,
      headers: { 'Content-Type': 'application/x-tar' },
    });
    return jsonMessages(res);
  }
  async imageLoad(source: Readable, quiet = false): Promise<AsyncGenerator<JsonMessage>> {
    const res = await this.transport.request('POST', '/images/load', {
      query: { quiet: quiet ? 1 : undefined },
      body: source,
      headers: { 'Content-Type': 'application/x-tar' },
    });
    return jsonMessages(res);
  }
  imagePull(opts: Parameters<typeof registry.imagePull>[1]) { return registry.imagePull(this.transport, opts); }
  imagePush(opts: Parameters<typeof registry.imagePush>[1]) { return registry.imagePush(this.transport, opts); }
  registryLogin(auth: Parameters<typeof registry.registryLogin>[1]) { return registry.registryLogin(this.transport, auth); }
  distributionInspect(name: string, auth?: Parameters<typeof registry.distributionInspect>[2]) { return registry.distributionInspect(this.transport, name, auth); }
  imageSave(names: string[]): Promise<IncomingMessage> {
    return this.transport.request('GET', '/images/get', { query: { names } });
  }

  containerCreate(body: ContainerCreateBody, name?: string): Promise<{ Id: string; Warnings: string[] }> {
    return this.transport.json('POST', '/containers/create', { query: { name }, json: body });
  }
  containerList(opts: { all?: boolean; limit?: number; size?: boolean; filters?: Filters } = {}): Promise<ContainerSummary[]> {
    return this.transport.json('GET', '/containers/json', {
      query: { all: opts.all ? 1 : undefined, limit: opts.limit, size: opts.size ? 1 : undefined, filters: filtersParam(opts.filters) },
    });
  }
  containerInspect(ref: string): Promise<ContainerInspect> {
    return this.transport.json('GET', `/containers/${encodeURIComponent(ref)}/json`);
  }
  containerStart(ref: string): Promise<void> {
    return this.transport.empty('POST', `/containers/${encodeURIComponent(ref)}/start`);
  }
  containerStop(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    return this.transport.empty('POST', `/containers/${encodeURIComponent(ref)}/stop`, { query: { t: opts.timeout, signal: opts.signal } });
  }
  containerRestart(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    return this.transport.empty('POST', `/containers/${encodeURIComponent(ref)}/restart`, { query: { t: opts.timeout, signal: opts.signal } });
  }
  containerKill(ref: string, signal?: string): Promise<void> {
    return this.transport.empty('POST', `/containers/${encodeURIComponent(ref)}/kill`, { query: { signal } });
  }
  containerRemove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    return this.transport.empty('DELETE', `/containers/${encodeURIComponent(ref)}`, { query: { force: opts.force ? 1 : undefined, v: opts.volumes ? 1 : undefined } });
  }
  containerRename(ref: string, name: string): Promise<void> {
    return this.transport.empty('POST', `/containers/${encodeURIComponent(ref)}/rename`, { query: { name } });
  }
  containerPrune(): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
    return this.transport.json('POST', '/containers/prune');
  }
  containerWait(ref: string, condition?: 'not-running' | 'next-exit' | 'removed', signal?: AbortSignal): Promise<ContainerWaitResponse> {
    return this.transport.json('POST', `/containers/${encodeURIComponent(ref)}/wait`, { query: { condition }, signal });
  }
  containerLogs(ref: string, opts: { follow?: boolean; tail?: string; since?: string; until?: string; timestamps?: boolean }): Promise<IncomingMessage> {
    return this.transport.request('GET', `/containers/${encodeURIComponent(ref)}/logs`, {
      query: { stdout: 1, stderr: 1, follow: opts.follow ? 1 : undefined, tail: opts.tail, since: opts.since, until: opts.until, timestamps: opts.timestamps ? 1 : undefined },
    });
  }
  /** Attaches to a container's output; resolves once the daemon switched the connection to the stream. */
  containerAttach(ref: string, opts: { stdout?: boolean; stderr?: boolean; stdin?: boolean; detachKeys?: string } = {}): Promise<Socket> {
    const socketPath = this.transport.socketPath;
    if (!socketPath) throw new Error('attach needs a unix socket host');
    const q = new URLSearchParams({ stream: '1', stdout: opts.stdout === false ? '0' : '1', stderr: opts.stderr === false ? '0' : '1', stdin: opts.stdin ? '1' : '0' });
    if (opts.detachKeys) q.set('detachKeys', opts.detachKeys);
    return hijackRequest(socketPath, `/containers/${encodeURIComponent(ref)}/attach?${q.toString()}`);
  }
  containerResize(ref: string, height: number, width: number): Promise<void> {
    return this.transport.empty('POST', `/containers/${encodeURIComponent(ref)}/resize`, { query: { h: height, w: width } });
  }
  execCreate(ref: string, body: ExecCreateBody): Promise<{ Id: string }> {
    return this.transport.json('POST', `/containers/${encodeURIComponent(ref)}/exec`, { json: body });
  }
  /** Starts an exec attached: resolves with its stream once the daemon switched the connection over. */
  execStartAttached(id: string, body: { Tty: boolean; ConsoleSize?: [number, number] }): Promise<Socket> {
    const socketPath = this.transport.socketPath;
    if (!socketPath) throw new Error('exec needs a unix socket host');
    return hijackRequest(socketPath, `/exec/${encodeURIComponent(id)}/start`, { Detach: false, ...body });
  }
  execStartDetached(id: string, body: { Tty: boolean }): Promise<void> {
    return this.transport.empty('POST', `/exec/${encodeURIComponent(id)}/start`, { json: { Detach: true, ...body } });
  }
  execInspect(id: string): Promise<{ ID: string; Running: boolean; ExitCode: number | null; Pid: number; ContainerID: string }> {
    return this.transport.json('GET', `/exec/${encodeURIComponent(id)}/json`);
  }
  execResize(id: string, height: number, width: number): Promise<void> {
    return this.transport.empty('POST', `/exec/${encodeURIComponent(id)}/resize`, { query: { h: height, w: width } });
  }
  containerChanges(ref: string): Promise<ContainerChange[] | null> {
    return this.transport.json('GET', `/containers/${encodeURIComponent(ref)}/changes`);
  }
  containerCommit(ref: string, opts: Partial<Pick<CommitRequest, 'repo' | 'tag' | 'comment' | 'author' | 'pause' | 'changes'>> = {}): Promise<{ Id: string }> {
    return this.transport.json('POST', '/commit', {
      query: { container: ref, repo: opts.repo, tag: opts.tag, comment: opts.comment, author: opts.author, pause: opts.pause === false ? 0 : undefined, changes: opts.changes },
    });
  }
  containerExport(ref: string): Promise<IncomingMessage> {
    return this.transport.request('GET', `/containers/${encodeURIComponent(ref)}/export`);
  }
  /** HEAD /containers/{id}/archive: what is at `path` in the container. */
  async containerStatPath(ref: string, path: string): Promise<ContainerPathStat> {
    const res = await this.transport.request('HEAD', `/containers/${encodeURIComponent(ref)}/archive`, { query: { path } });
    res.resume();
    return decodePathStat(res);
  }
  /** GET /containers/{id}/archive: a tar of `path`, and its stat. */
  async containerArchive(ref: string, path: string): Promise<{ stat: ContainerPathStat; tar: IncomingMessage }> {
    const res = await this.transport.request('GET', `/containers/${encodeURIComponent(ref)}/archive`, { query: { path } });
    return { stat: decodePathStat(res), tar: res };
  }
  /** PUT /containers/{id}/archive: extracts a tar into the directory `path`. */
  containerExtract(ref: string, path: string, tar: Readable, opts: { copyUIDGID?: boolean } = {}): Promise<void> {
    return this.transport.empty('PUT', `/containers/${encodeURIComponent(ref)}/archive`, {
      query: { path, noOverwriteDirNonDir: 1, copyUIDGID: opts.copyUIDGID ? 1 : undefined },
      body: tar,
      headers: { 'Content-Type': 'application/x-tar' },
    });
  }
  containerPause(ref: string): Promise<void> {
    return this.transport.empty('POST', `/containers/${encodeURIComponent(ref)}/pause`);
  }
  containerUnpause(ref: string): Promise<void> {
    return this.transport.empty('POST', `/containers/${encodeURIComponent(ref)}/unpause`);
  }
  containerTop(ref: string, psArgs?: string): Promise<ContainerTopResponse> {
    return this.transport.json('GET', `/containers/${encodeURIComponent(ref)}/top`, { query: { ps_args: psArgs } });
  }
  /** GET /containers/{id}/stats: one JSON frame (stream false) or a frame per second, one per line. */
  containerStats(ref: string, opts: { stream: boolean; signal?: AbortSignal }): Promise<IncomingMessage> {
    return this.transport.request('GET', `/containers/${encodeURIComponent(ref)}/stats`, { query: { stream: opts.stream ? 1 : 0 }, signal: opts.signal });
  }
  containerUpdate(ref: string, body: ContainerUpdateConfig): Promise<{ Warnings: string[] | null }> {
    return this.transport.json('POST', `/containers/${encodeURIComponent(ref)}/update`, { json: body });
  }
  /** GET /events: one JSON event per line until `until` passes or the request is aborted. */
  events(opts: { since?: string; until?: string; filters?: Filters; signal?: AbortSignal } = {}): Promise<IncomingMessage> {
    return this.transport.request('GET', '/events', { query: { since: opts.since, until: opts.until, filters: filtersParam(opts.filters) }, signal: opts.signal });
  }
}

export type { ContainerPathStat, ContainerChange };

function decodePathStat(res: IncomingMessage): ContainerPathStat {
  const raw = res.headers['x-docker-container-path-stat'];
  const text = Buffer.from(typeof raw === 'string' ? raw : '', 'base64').toString('utf8');
  try {
    return JSON.parse(text) as ContainerPathStat;
  } catch {
    throw new Error('unable to decode container path stat header');
  }
}
