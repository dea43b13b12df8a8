import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { applyLayer } from '../../archive/index.js';
import { InvalidArgument, messageOf } from '../../core/errors.js';
import type { BuildImage } from '../backend.js';
import type { BuildContext } from '../context/build-context.js';
import { copyInto, type CopySource } from '../copy/copy-write.js';
import { DirTree } from '../copy/dir-tree.js';
import { parseChmod, resolveChown, type Owner } from '../copy/owner.js';
import type { CopyInstruction } from '../dockerfile/ast.js';
import { processWord } from '../dockerfile/shell-lex.js';
import { fromFlagStageIndex } from '../dockerfile/stage-graph.js';
import { nopCreatedByOneArg } from '../dispatch/history.js';
import { lexEnv, runtimeOf, shellOf, type StageState } from '../dispatch/stage-state.js';
import { inputsOf, makeDraft, type Session } from '../session.js';
import type { StageOutput } from '../output.js';
import type { PreparedStep } from '../stage-runner.js';
import { downloadUrl, heredocTree, isLocalArchive, isUrl, openArchive, resolveSources } from './copy-sources.js';
import { mkdirInRoot } from './workdir-step.js';

const UNSUPPORTED_FLAGS = ['parents', 'exclude', 'checksum', 'keep-git-dir'];

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Docker's normalizeDest: a relative destination is under WORKDIR; a trailing slash is kept. */
export function normalizeDest(workdir: string, dest: string): string {
  if (dest.startsWith('/')) return dest;
  const joined = posix.join('/', workdir || '/', dest);
  return dest.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

/** The label COPY puts in history for its sources: `file:<hash>`, `dir:<hash>` or `multi:<hash>`. */
export function contextHash(context: BuildContext, sources: CopySource[], files: Record<string, string>): string {
  const labels = sources.map((src) => {
    if (src.entry.type === 'file') {
      const h = context.entry(src.entry.path)!.hash;
      files[src.entry.path] = h;
      return `file:${h}`;
    }
    const lines: string[] = [];
    const base = src.entry.path;
    for (const [p, h] of context.hashesUnder(base)) {
      files[p] = h;
      lines.push(`${base === '' ? p : p.slice(base.length + 1)}:${h}`);
    }
    return `dir:${sha(lines.join('\n'))}`;
  });
  return labels.length === 1 ? labels[0]! : `multi:${sha(labels.join(','))}`;
}

/**
 * COPY and ADD. The cache key holds a hash of every source's content and metadata, known
 * from the context index without reading a file; files are read only on a miss. ADD
 * also fetches URLs (in berthd) and unpacks local tar archives.
 */
export async function copyStep(s: Session, st: StageState, ins: CopyInstruction, out: StageOutput): Promise<PreparedStep> {
  const kind = ins.kind;
  for (const f of UNSUPPORTED_FLAGS) {
    if (ins.flags[f] !== undefined || (f in ins.flags)) throw new InvalidArgument(`${kind} --${f} is not supported by Berth's builder`);
  }
  const env = lexEnv(st);
  const word = (w: string) => processWord(w, env, st.escape);
  const dest = word(ins.dest);
  const words = ins.sources.map(word);
  const chown = ins.flags.chown !== undefined ? word(ins.flags.chown) : undefined;
  const chmodText = ins.flags.chmod !== undefined ? word(ins.flags.chmod) : undefined;
  const chmod = chmodText !== undefined ? parseChmod(chmodText) : undefined;
  const destAbs = normalizeDest(runtimeOf(st).WorkingDir ?? '', dest);
  const flagText = `${chown !== undefined ? `--chown=${chown} ` : ''}${chmodText !== undefined ? `--chmod=${chmodText} ` : ''}`;
  const multi = (n: number) => {
    if (n > 1 && !dest.endsWith('/')) throw new InvalidArgument(`When using ${kind} with more than one source file, the destination must be a directory and end with a /`);
  };
  const ownerIn = async (rootfs: string, fallback: Owner | undefined) => (chown !== undefined ? resolveChown(rootfs, chown) : fallback);

  if (ins.flags.from !== undefined) {
    if (kind === 'ADD') throw new InvalidArgument('ADD --from is not supported; use COPY --from');
    const from = word(ins.flags.from);
    const dep = fromFlagStageIndex(s.dockerfile, from, st.stage);
    const image = dep !== undefined ? await s.stageImage(dep) : await s.images.get(from, out).catch((err: unknown) => {
      throw new InvalidArgument(`invalid from flag value ${from}: ${messageOf(err)}`, { cause: err });
    });
    // An image's files are fixed by its ID: ID and paths key the cache without reading them.
    const hash = sha(`${image.id}\n${words.join('\n')}`);
    const createdBy = nopCreatedByOneArg(shellOf(st), `${kind} ${flagText}--from=${from} source:${hash} in ${dest} `);
    return {
      createdBy,
      inputs: inputsOf(st, createdBy, { source: { name: from, id: image.id } }),
      execute: () =>
        s.backend.withImageRootfs(image.id, async (srcRoot) => {
          const sources = await resolveSources(new DirTree(srcRoot, from), words, kind);
          multi(sources.length);
          return commit(s, st, createdBy, async (rootfs) => {
            await copyInto(rootfs, sources, destAbs, { owner: await ownerIn(rootfs, undefined), mode: chmod });
          });
        }),
    };
  }

  const sources: CopySource[] = [];
  const labels: string[] = [];
  const files: Record<string, string> = {};
  const localWords = words.filter((w) => !(kind === 'ADD' && isUrl(w)));
  if (localWords.length > 0) {
    const found = await resolveSources(s.context, localWords, kind, () => s.context.paths());
    sources.push(...found);
    labels.push(contextHash(s.context, found, files));
  }
  if (kind === 'ADD') {
    for (const url of words.filter(isUrl)) {
      const { tree, hash } = await downloadUrl(s.backend, url, s.scratchDir, s.signal);
      const entry = (await tree.stat((await tree.list(''))[0]!))!;
      sources.push({ tree, entry });
      labels.push(`file:${hash}`);
      files[url] = hash;
    }
  }
  if (ins.heredocs.length > 0) {
    const tree = heredocTree(ins.heredocs, env);
    for (const name of await tree.list('')) {
      const entry = (await tree.stat(name))!;
      sources.push({ tree, entry });
      const h = sha((await tree.readAll(name)).toString('latin1'));
      labels.push(`file:${h}`);
    }
  }
  multi(sources.length);
  const srcHash = labels.length === 1 ? labels[0]! : `multi:${sha(labels.join(','))}`;
  const createdBy = nopCreatedByOneArg(shellOf(st), `${kind} ${flagText}${srcHash} in ${dest} `);
  return {
    createdBy,
    inputs: inputsOf(st, createdBy, { files }),
    execute: () =>
      commit(s, st, createdBy, async (rootfs) => {
        const owner = await ownerIn(rootfs, { uid: 0, gid: 0 });
        const plain: CopySource[] = [];
        for (const src of sources) {
          if (kind === 'ADD' && src.tree === s.context && (await isLocalArchive(src))) {
            // A local tar is unpacked into the destination directory, owners as archived
            // unless --chown is given (BuildKit since v0.23 chowns the unpacked entries; the
            // classic builder ignored --chown here, a long-standing complaint).
            const dir = await mkdirInRoot(rootfs, destAbs);
            const tarOwner = chown !== undefined ? owner : undefined;
            await applyLayer(await openArchive(src), `${rootfs}/${dir}`, { whiteouts: 'remove', signal: s.signal, ...(tarOwner ? { owner: tarOwner } : {}) });
          } else plain.push(src);
        }
        if (plain.length > 0) await copyInto(rootfs, plain, destAbs, { owner, mode: chmod });
      }),
  };
}

function commit(s: Session, st: StageState, createdBy: string, write: (rootfs: string) => Promise<void>): Promise<BuildImage> {
  return s.backend.commitFiles(st.imageId, write, makeDraft(s, st, structuredClone(runtimeOf(st)), createdBy, false), s.signal);
}
