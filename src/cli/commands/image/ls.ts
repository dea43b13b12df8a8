import type { Command } from 'commander';
import type { ImageSummary } from '../../../core/wire/images.js';
import type { CliContext } from '../../context.js';
import { collect, filtersFrom } from '../../options.js';
import { renderList } from '../../format/list-output.js';
import { goTime, humanSize, timeAgo } from '../../format/units.js';

interface LsOptions {
  all?: boolean;
  quiet?: boolean;
  digests?: boolean;
  trunc?: boolean;
  filter?: string[];
  format?: string;
}

const HEADERS = {
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  ID: 'IMAGE ID',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
};

/** One row per repository:tag, `<none>` for untagged ones, as `docker images` prints. */
function rowsOf(img: ImageSummary, opts: LsOptions) {
  const noTrunc = opts.trunc === false;
  const id = noTrunc ? img.Id : img.Id.replace(/^sha256:/, '').slice(0, 12);
  const base = {
    ID: id,
    CreatedSince: timeAgo(img.Created),
    CreatedAt: goTime(img.Created),
    Size: humanSize(img.Size),
    Containers: img.Containers < 0 ? 'N/A' : String(img.Containers),
  };
  const digestOf = (repo: string) => img.RepoDigests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>';
  if (img.RepoTags.length === 0) {
    const digests = img.RepoDigests.length ? img.RepoDigests : ['<none>@<none>'];
    return digests.map((d) => ({ Repository: d.split('@')[0]!, Tag: '<none>', Digest: d.split('@')[1]!, ...base }));
  }
  return img.RepoTags.map((t) => {
    const colon = t.lastIndexOf(':');
    const repo = t.slice(0, colon);
    return { Repository: repo, Tag: t.slice(colon + 1), Digest: digestOf(repo), ...base };
  });
}

export function imagesAction(ctx: CliContext) {
  return async (repository: string | undefined, opts: LsOptions) => {
    const filters = filtersFrom(opts.filter);
    if (repository) (filters.reference ??= []).push(repository);
    const images = await ctx.client().imageList({ all: opts.all, filters, digests: opts.digests });
    const noTrunc = opts.trunc === false;
    if (opts.quiet) {
      const ids = [...new Set(images.map((i) => (noTrunc ? i.Id : i.Id.replace(/^sha256:/, '').slice(0, 12))))];
      ctx.out(ids.map((i) => i + '\n').join(''));
      return;
    }
    const rows = images.flatMap((i) => rowsOf(i, opts));
    const defaultTable = opts.digests
      ? '{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
      : '{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    ctx.out(renderList(rows, { defaultTable, headers: HEADERS }, opts.format));
  };
}

function lsOptions(cmd: Command): Command {
  return cmd
    .option('-a, --all', 'Show all images (default hides intermediate images)')
    .option('--digests', 'Show digests')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs');
}

export function registerImageLs(program: Command, image: Command, ctx: CliContext): void {
  lsOptions(program.command('images').argument('[REPOSITORY[:TAG]]').description('List images')).action(imagesAction(ctx));
  lsOptions(image.command('ls').alias('list').argument('[REPOSITORY[:TAG]]').description('List images')).action(imagesAction(ctx));
}
