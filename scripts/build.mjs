// Bundles each composition root into one file so `berth` starts with a single
// module read instead of resolving hundreds of files (keeps CLI start-up close to bare node).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const entries = { berth: 'src/cmd/berth.ts', berthd: 'src/cmd/berthd.ts' };
for (const [name, entry] of Object.entries(entries)) {
  const outfile = `dist/${name}.js`;
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    // native addons: must stay runtime requires
    external: ['fs-xattr', 'node-unix-socket'],
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
}
