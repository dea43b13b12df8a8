import type { ContainerCreateConfig } from './containers.js';

/** Docker Engine API shapes of container file-system operations: diff, commit, cp. */

/** One entry of `GET /containers/{id}/changes` (FilesystemChange): Kind 0 modified, 1 added, 2 deleted. */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** Docker's ContainerPathStat, sent base64-encoded in `X-Docker-Container-Path-Stat`. */
export interface ContainerPathStat {
  name: string;
  size: number;
  /** A Go os.FileMode: permission bits plus Go's type bits (ModeDir = 1<<31, symlink 1<<27, ...). */
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** `POST /commit`: its query, and its body as `config`. */
export interface CommitRequest {
  container: string;
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  /** Docker's default: freeze a running container while its changes are read. */
  pause: boolean;
  changes: string[];
  /** The request body: config fields that override the container's. */
  config?: ContainerCreateConfig;
  signal?: AbortSignal;
}
