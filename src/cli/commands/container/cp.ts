import type { Command } from 'commander';
import { lstat, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../client/transport.js';
import type { ContainerPathStat } from '../../../client/engine-client.js';
import type { CliContext } from '../../context.js';
import { extractToHost, packHostPath } from './cp-tar.js';

interface CpOpts {
  archive?: boolean;
  followLink?: boolean;
}

/** Docker's splitCpArg: `ctr:/path` names a container path unless the argument starts like a local path. */
function splitCpArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

/** The Go os.FileMode directory bit (1<<31). */
function isDirMode(mode: number): boolean {
  return Math.floor(mode / 2 ** 31) % 2 === 1;
}

function isSymlinkMode(mode: number): boolean {
  return Math.floor(mode / 2 ** 27) % 2 === 1;
}

async function hostStat(path: string) {
  return stat(path).catch(() => null);
}

async function copyFromContainer(ctx: CliContext, container: string, srcPath: string, dst: string, opts: CpOpts): Promise<void> {
  const client = ctx.client();
  let path = srcPath;
  if (opts.followLink) {
    const st = await client.containerStatPath(container, srcPath);
    if (isSymlinkMode(st.mode) && st.linkTarget) path = st.linkTarget;
  }
  const { stat: src, tar } = await client.containerArchive(container, path);
  if (dst === '-') {
    await pipeline(tar, process.stdout);
    return;
  }
  const srcIsDir = isDirMode(src.mode);
  const srcBase = src.name;
  const dstAbs = resolve(dst);
  const existing = await hostStat(dstAbs);
  if (existing?.isDirectory()) {
    // A `dir/.` source is the directory's contents: its entries are `.` and `./x`, extracted as they are.
    await extractToHost(tar, dstAbs);
    return;
  }
  const parent = dirname(dstAbs);
  let refusal: string | undefined;
  if (existing && srcIsDir) refusal = 'cannot copy directory';
  else if (!existing && (dst.endsWith('/') || dst.endsWith('/.')) && !srcIsDir) refusal = `destination directory ${dst} does not exist`;
  else if (!(await hostStat(parent))?.isDirectory()) refusal = `destination directory ${parent} does not exist`;
  if (refusal) {
    tar.destroy();
    throw new Error(refusal);
  }
  await extractToHost(tar, parent, { from: srcBase, to: basename(dstAbs) });
}

async function statOrMissing(ctx: CliContext, container: string, path: string): Promise<ContainerPathStat | null> {
  try {
    return await ctx.client().containerStatPath(container, path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

async function copyToContainer(ctx: CliContext, src: string, container: string, dstPath: string, opts: CpOpts): Promise<void> {
  const client = ctx.client();
  let dst = dstPath;
  let dstStat = await statOrMissing(ctx, container, dst);
  // Copying onto a symlink copies to what it points at, as Docker does.
  if (dstStat && isSymlinkMode(dstStat.mode) && dstStat.linkTarget) {
    dst = dstStat.linkTarget;
    dstStat = await statOrMissing(ctx, container, dst);
  }
  if (src === '-') {
    if (!dstStat || !isDirMode(dstStat.mode)) throw new Error(`destination "${container}:${dstPath}" must be a directory`);
    await client.containerExtract(container, dst, process.stdin, { copyUIDGID: opts.archive });
    return;
  }
  const srcStat = await (opts.followLink ? stat(src) : lstat(src)).catch(() => null);
  if (!srcStat) throw new Error(`lstat ${resolve(src)}: no such file or directory`);
  const srcIsDir = srcStat.isDirectory();
  const contents = srcIsDir && (src.endsWith('/.') || src === '.');
  const srcName = basename(resolve(src));
  if (dstStat && isDirMode(dstStat.mode)) {
    await client.containerExtract(container, dst, packHostPath(src, contents ? '' : srcName), { copyUIDGID: opts.archive });
    return;
  }
  if (dstStat && srcIsDir) throw new Error('cannot copy directory');
  if (!dstStat && dst.endsWith('/') && !srcIsDir) throw new Error(`destination directory ${dstPath} does not exist`);
  const clean = dst.replace(/\/+$/, '') || '/';
  const parent = clean.slice(0, clean.lastIndexOf('/')) || '/';
  await client.containerExtract(container, parent, packHostPath(src, basename(clean)), { copyUIDGID: opts.archive });
}

export function registerCp(program: Command, container: Command, ctx: CliContext): void {
  const action = async (srcArg: string, dstArg: string, opts: CpOpts) => {
    const src = splitCpArg(srcArg);
    const dst = splitCpArg(dstArg);
    if (src.container && dst.container) throw new Error('copying between containers is not supported');
    if (!src.container && !dst.container) throw new Error('must specify at least one container source');
    if (src.container) {
      if (src.path === '') throw new Error('filepath can not be empty');
      await copyFromContainer(ctx, src.container, src.path, dst.path, opts);
    } else {
      if (dst.path === '') throw new Error('filepath can not be empty');
      await copyToContainer(ctx, src.path, dst.container!, dst.path, opts);
    }
  };
  for (const cmd of [program.command('cp'), container.command('cp')]) {
    cmd
      .description('Copy files/folders between a container and the local filesystem')
      .usage('[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n       berth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH')
      .argument('<SRC>')
      .argument('<DEST>')
      .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
      .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
      .action(action);
  }
}
