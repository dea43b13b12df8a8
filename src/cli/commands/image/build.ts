import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { buildPrune, imageBuild, type ImageBuildOptions } from '../../../client/build.js';
import type { JsonMessage } from '../../../core/wire/images.js';
import type { CliContext } from '../../context.js';
import { renderProgress } from '../../format/progress.js';
import { humanSize } from '../../format/units.js';
import { collect } from '../../options.js';
import { contextTar, dockerfileOnlyTar } from './build-context.js';
import { exportImageFiles, parseOutput } from './build-export.js';

interface BuildFlags {
  file?: string;
  tag?: string[];
  buildArg?: string[];
  label?: string[];
  target?: string;
  network?: string;
  cache?: boolean;
  pull?: boolean;
  cacheFrom?: string[];
  quiet?: boolean;
  iidfile?: string;
  progress?: string;
  rm?: boolean;
  forceRm?: boolean;
  output?: string;
  platform?: string;
}

/** `--build-arg K=V`; a bare `K` takes K from the environment (null when unset), as docker does. */
function buildArgs(list: string[] | undefined, env: NodeJS.ProcessEnv): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const a of list ?? []) {
    const eq = a.indexOf('=');
    if (eq === 0) throw new InvalidArgumentError(`invalid key/value pair format: ${a}`);
    if (eq > 0) out[a.slice(0, eq)] = a.slice(eq + 1);
    else out[a] = env[a] ?? null;
  }
  // BuildKit's CLI passes SOURCE_DATE_EPOCH from the environment; so does berth.
  if (env.SOURCE_DATE_EPOCH && !(`SOURCE_DATE_EPOCH` in out)) out.SOURCE_DATE_EPOCH = env.SOURCE_DATE_EPOCH;
  return out;
}

function labels(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list ?? []) {
    const eq = l.indexOf('=');
    out[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return out;
}

/** stdin as a context: a tar (plain or gzip) is sent as is; anything else is a Dockerfile. */
async function stdinContext(): Promise<{ tar: Readable; dockerfile?: string } | { text: string }> {
  const it = process.stdin[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let len = 0;
  let ended = false;
  while (len < 512) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value as Buffer);
    len += (r.value as Buffer).length;
  }
  const first = Buffer.concat(head);
  const isTar = (first[0] === 0x1f && first[1] === 0x8b) || first.subarray(257, 262).toString('latin1') === 'ustar';
  if (!isTar) {
    const rest: Buffer[] = [first];
    if (!ended) for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value as Buffer);
    return { text: Buffer.concat(rest).toString('utf8') };
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield first;
    if (!ended) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
  }
  return { tar: Readable.from(all()) };
}

export function registerBuild(program: Command, image: Command, ctx: CliContext): void {
  const action = async (path: string, opts: BuildFlags) => {
    const progress = opts.progress ?? 'auto';
    if (!['auto', 'plain', 'tty', 'quiet', 'rawjson'].includes(progress)) throw new InvalidArgumentError(`invalid progress mode: ${progress}`);
    const quiet = opts.quiet === true || progress === 'quiet';
    const dest = opts.output ? parseOutput(opts.output) : undefined;
    let body: Readable;
    let dockerfile: string | undefined;
    let sent = () => 0;
    if (path === '-') {
      if (opts.file === '-') throw new Error('invalid argument: can\'t use stdin for both build context and dockerfile');
      const ctxIn = await stdinContext();
      if ('text' in ctxIn) {
        const t = dockerfileOnlyTar(ctxIn.text);
        body = t.tar;
        dockerfile = t.dockerfile;
        sent = t.sent;
      } else {
        body = ctxIn.tar;
        dockerfile = opts.file;
      }
    } else {
      const st = await stat(path).catch(() => undefined);
      if (!st?.isDirectory()) throw new Error(`unable to prepare context: path "${path}" not found`);
      let df: string | { text: string } | undefined = opts.file;
      if (opts.file === '-') df = { text: await readFile('/dev/stdin', 'utf8') };
      else if (opts.file === undefined) {
        const dfPath = `${path}/Dockerfile`;
        if (!(await stat(dfPath).catch(() => undefined))) throw new Error(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dfPath}: no such file or directory`);
      } else if (!(await stat(opts.file).catch(() => undefined))) {
        throw new Error(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${opts.file}: no such file or directory`);
      }
      const t = await contextTar(path, df);
      body = t.tar;
      dockerfile = t.dockerfile;
      sent = t.sent;
    }
    const req: ImageBuildOptions = {
      tags: opts.tag,
      ...(dockerfile ? { dockerfile } : {}),
      buildArgs: buildArgs(opts.buildArg, process.env),
      labels: labels(opts.label),
      ...(opts.target ? { target: opts.target } : {}),
      noCache: opts.cache === false,
      pull: opts.pull ?? false,
      cacheFrom: opts.cacheFrom,
      ...(opts.network ? { networkMode: opts.network } : {}),
      quiet,
      rm: opts.rm !== false,
      forceRm: opts.forceRm ?? false,
      ...(opts.platform ? { platform: opts.platform } : {}),
    };
    const messages = await imageBuild(ctx.client(), body, req);
    if (!quiet) ctx.out(`Sending build context to Docker daemon  ${humanSize(sent(), 4)}\n`);
    let imageId: string | undefined;
    let failed: JsonMessage | undefined;
    async function* untilError(): AsyncGenerator<JsonMessage> {
      for await (const m of messages) {
        if (m.error) {
          failed = m;
          return;
        }
        yield m;
      }
    }
    // Step lines and a base image pull's progress, rendered as `docker build` does (bars on a terminal only).
    const tty = progress === 'tty' || (progress === 'auto' && process.stdout.isTTY === true);
    await renderProgress(untilError(), { write: (t) => ctx.out(t), isTTY: tty, columns: process.stdout.columns ?? 200 }, (aux) => {
      if (typeof aux.ID === 'string') imageId = aux.ID;
    });
    if (failed) {
      // The daemon's in-band error: docker prints it and exits with the failed RUN's code.
      ctx.err(`${failed.error}\n`);
      process.exitCode = failed.errorDetail?.code || 1;
      return;
    }
    if (opts.iidfile && imageId) await writeFile(opts.iidfile, imageId);
    if (dest && imageId) await exportImageFiles(ctx.client(), imageId, dest);
  };
  for (const cmd of [program.command('build'), image.command('build')]) {
    cmd
      .description('Build an image from a Dockerfile')
      .argument('<PATH|->', 'context directory, or - to read a tar (or a Dockerfile) from stdin')
      .option('-f, --file <string>', "Name of the Dockerfile (default: \"PATH/Dockerfile\")")
      .option('-t, --tag <name>', "Name and optionally a tag in the 'name:tag' format", collect)
      .option('--build-arg <list>', 'Set build-time variables', collect)
      .option('--label <list>', 'Set metadata for an image', collect)
      .option('--target <string>', 'Set the target build stage to build')
      .option('--network <string>', 'Set the networking mode for the RUN instructions during build (default "default")')
      .option('--no-cache', 'Do not use cache when building the image')
      .option('--pull', 'Always attempt to pull a newer version of the image')
      .option('--cache-from <image>', 'Images to consider as cache sources', collect)
      .option('-q, --quiet', 'Suppress the build output and print image ID on success')
      .option('--iidfile <file>', 'Write the image ID to the file')
      .option('--progress <type>', 'Set type of progress output ("auto", "plain", "tty", "quiet")', 'auto')
      .option('--rm', 'Remove intermediate containers after a successful build (default true)')
      .option('--no-rm', 'Keep intermediate containers')
      .option('--force-rm', 'Always remove intermediate containers')
      .option('-o, --output <spec>', 'Output destination (format: "type=local,dest=path")')
      .option('--platform <string>', 'Set platform if server is multi-platform capable')
      .action(action);
  }
  const builder = program.command('builder').description('Manage builds');
  builder
    .command('prune')
    .description('Remove build cache')
    .option('-a, --all', 'Remove all unused build cache, not just dangling ones')
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (opts: { all?: boolean }) => {
      const r = await buildPrune(ctx.client(), opts.all ?? false);
      ctx.out(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    });
}
