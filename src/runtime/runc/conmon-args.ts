import { join } from 'node:path';
import type { CreateOptions } from '../../core/runtime.js';

export interface ConmonPaths {
  runcPath: string;
  runcRoot: string;
  /** Parent of the per-container attach socket directories. */
  socketDir: string;
}

/** Files conmon writes for one container; all under the persist dir so they survive restarts. */
export function conmonFiles(opts: CreateOptions): { pidFile: string; conmonPidFile: string } {
  return { pidFile: join(opts.persistDir, 'pid'), conmonPidFile: join(opts.persistDir, 'conmon.pid') };
}

/**
 * conmon's command line for creating a container (API version 1, as Podman uses it).
 * runc gets `--root` through `--runtime-arg` so every runtime call shares one state dir.
 * The sync pipe fd travels in `_OCI_SYNCPIPE`, not here.
 */
export function conmonArgs(opts: CreateOptions, paths: ConmonPaths): string[] {
  const files = conmonFiles(opts);
  const args = [
    '--api-version', '1',
    '-c', opts.id,
    '-u', opts.id,
    '-n', opts.id,
    '-r', paths.runcPath,
    '-b', opts.bundle,
    '-p', files.pidFile,
    '--conmon-pidfile', files.conmonPidFile,
    '-l', `k8s-file:${opts.logPath}`,
    '--exit-dir', opts.exitDir,
    '--persist-dir', opts.persistDir,
    '--socket-dir-path', paths.socketDir,
    '--runtime-arg', `--root=${paths.runcRoot}`,
    '--log-level', 'info',
  ];
  if (opts.logMaxSize !== undefined && opts.logMaxSize > 0) args.push('--log-size-max', String(opts.logMaxSize));
  if (opts.terminal) args.push('-t');
  if (opts.stdin) args.push('-i');
  if (opts.stdin && opts.leaveStdinOpen) args.push('--leave-stdin-open');
  return args;
}
