// Writes a `docker save`-style archive (manifest.json + blobs) of an image with N layers
// of random (incompressible) content, streaming, to stdout: node make-random-image.mjs TAG LAYERS MB_PER_LAYER
import { createHash, randomBytes } from 'node:crypto';
import tarStream from 'tar-stream';

const [tag, layersArg, mbArg] = process.argv.slice(2);
const layers = Number(layersArg ?? 4);
const bytes = Number(mbArg ?? 50) * 1e6;
const pack = tarStream.pack();
pack.pipe(process.stdout);

// A layer tar: one file of random bytes. Hash it as it is written to know its DiffID.
function layerTar(i) {
  const inner = tarStream.pack();
  const chunks = [];
  inner.on('data', (c) => chunks.push(c));
  const done = new Promise((r) => inner.on('end', r));
  inner.entry({ name: `layer${i}.bin`, size: bytes, mode: 0o644, mtime: new Date(0) }, randomBytes(bytes));
  inner.finalize();
  return done.then(() => Buffer.concat(chunks));
}

const entry = (name, body) => new Promise((res, rej) => pack.entry({ name, mtime: new Date(0) }, body, (e) => (e ? rej(e) : res())));
const names = [];
const diffIds = [];
for (let i = 0; i < layers; i++) {
  const tar = await layerTar(i);
  const hex = createHash('sha256').update(tar).digest('hex');
  diffIds.push(`sha256:${hex}`);
  names.push(`blobs/sha256/${hex}`);
  await entry(names[i], tar);
}
const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: diffIds }, history: diffIds.map(() => ({ created_by: 'random' })) });
const cfgName = `blobs/sha256/${createHash('sha256').update(config).digest('hex')}`;
await entry(cfgName, config);
await entry('manifest.json', JSON.stringify([{ Config: cfgName, RepoTags: [tag], Layers: names }]));
pack.finalize();
