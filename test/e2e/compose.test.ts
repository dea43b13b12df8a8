import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, exists, runCmd, type CmdResult } from '../helpers/berthd.js';
import { expectOk as ok, lines } from '../helpers/expect.js';
import { useBusyboxDaemon } from '../helpers/fixture.js';
import { curlUntil, freePort } from '../helpers/net.js';

/**
 * docker-compose (Debian's 1.29.2, docker-py underneath) as an outside client of berthd:
 * a project with a named volume, a user network, a published port and depends_on goes
 * up, answers, and comes down leaving nothing of the project behind.
 */
const COMPOSE = '/usr/bin/docker-compose';
const daemon = useBusyboxDaemon();
const dirs: string[] = [];

after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function projectDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-compose-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** Interactive commands (run, exec) go through the docker CLI, as compose does by default; `noCli` makes compose use docker-py's attach. */
function compose(dir: string, project: string, args: string[], opts: { noCli?: boolean } = {}): Promise<CmdResult> {
  const d = daemon();
  const env: NodeJS.ProcessEnv = { DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.root, 'docker-config') };
  if (opts.noCli) env.COMPOSE_INTERACTIVE_NO_CLI = '1';
  return runCmd(COMPOSE, ['-f', join(dir, 'docker-compose.yml'), '--project-directory', dir, '-p', project, ...args], { env });
}


/** The project's containers, networks and volumes as the daemon lists them. */
async function leftovers(project: string): Promise<string[]> {
  const d = daemon();
  const label = `label=com.docker.compose.project=${project}`;
  const ctrs = await docker(d, ['ps', '-a', '--filter', label, '--format', '{{.Names}}']);
  const nets = await docker(d, ['network', 'ls', '--format', '{{.Name}}']);
  const vols = await docker(d, ['volume', 'ls', '--format', '{{.Name}}']);
  for (const r of [ctrs, nets, vols]) ok(r, 'list');
  return [...lines(ctrs.stdout), ...lines(nets.stdout), ...lines(vols.stdout)].filter((n) => n.startsWith(project));
}

test('docker-compose up/ps/logs/exec/down -v with a volume, a user network, a published port and depends_on', async (t) => {
  if (!(await exists(COMPOSE))) return t.skip('docker-compose is not installed (scripts/setup.sh installs it)');
  const port = await freePort();
  const project = `bt${randomBytes(4).toString('hex')}`;
  const dir = await projectDir({
    'docker-compose.yml': `version: "3.8"
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "echo served-from-volume > /www/index.html && exec httpd -f -p 80 -h /www"]
    ports:
      - "${port}:80"
    volumes:
      - site:/www
    networks:
      - appnet
  client:
    image: busybox:latest
    command: ["sh", "-c", "while true; do wget -q -O - http://web/ && echo fetched-ok; sleep 0.3; done"]
    depends_on:
      - web
    networks:
      - appnet
volumes:
  site:
networks:
  appnet:
`,
  });
  try {
    const up = await compose(dir, project, ['up', '-d']);
    ok(up, 'up -d');
    assert.match(up.stderr, new RegExp(`Creating network "${project}_appnet" with the default driver`));
    assert.match(up.stderr, new RegExp(`Creating volume "${project}_site" with default driver`));
    assert.ok(up.stderr.indexOf(`${project}_web_1`) < up.stderr.indexOf(`${project}_client_1`), 'web is created before client (depends_on)');

    // A second up finds the same containers by their labels and config hash.
    const again = await compose(dir, project, ['up', '-d']);
    ok(again, 'second up -d');
    assert.match(again.stderr, new RegExp(`${project}_web_1 is up-to-date`));

    const ps = await compose(dir, project, ['ps']);
    ok(ps, 'ps');
    assert.match(ps.stdout, new RegExp(`${project}_web_1 .* Up .*0\\.0\\.0\\.0:${port}->80/tcp`));
    assert.match(ps.stdout, new RegExp(`${project}_client_1 .* Up`));

    // The host reaches the published port; the file came through the named volume.
    assert.equal(await curlUntil(`http://127.0.0.1:${port}/`, /served-from-volume/), 'served-from-volume\n');

    // The client reaches web by its service name (the network alias compose sets on connect).
    let logs: CmdResult | undefined;
    for (let i = 0; i < 50; i++) {
      logs = await compose(dir, project, ['logs', '--no-color', 'client']);
      if (logs.stdout.includes('fetched-ok')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    ok(logs!, 'logs');
    assert.match(logs!.stdout, /client_1 +\| served-from-volume/);
    assert.match(logs!.stdout, /client_1 +\| fetched-ok/);

    const exec = await compose(dir, project, ['exec', '-T', 'client', 'wget', '-q', '-O', '-', 'http://web/']);
    ok(exec, 'exec');
    assert.equal(exec.stdout, 'served-from-volume\n');
    const aliases = await docker(daemon(), ['inspect', '-f', `{{json (index .NetworkSettings.Networks "${project}_appnet").Aliases}}`, `${project}_web_1`]);
    ok(aliases, 'inspect');
    assert.ok((JSON.parse(aliases.stdout) as string[]).includes('web'), aliases.stdout);

    const down = await compose(dir, project, ['down', '-v', '-t', '1']);
    ok(down, 'down -v');
    assert.match(down.stderr, new RegExp(`Removing network ${project}_appnet`));
    assert.match(down.stderr, new RegExp(`Removing volume ${project}_site`));
    assert.deepEqual(await leftovers(project), []);
    assert.equal(await curlUntil(`http://127.0.0.1:${port}/`, /^$/, 0), '');
  } finally {
    await compose(dir, project, ['down', '-v', '-t', '0']);
  }
});

test('docker-compose build (legacy builder) and run --rm', async (t) => {
  if (!(await exists(COMPOSE))) return t.skip('docker-compose is not installed (scripts/setup.sh installs it)');
  const project = `bt${randomBytes(4).toString('hex')}`;
  const image = `${project}_tool:latest`;
  const dir = await projectDir({
    'docker-compose.yml': `version: "3.8"
services:
  tool:
    build: ./app
    image: ${image}
`,
    'app/Dockerfile': 'FROM busybox:latest\nRUN echo built-by-compose > /built.txt\nCMD ["cat", "/built.txt"]\n',
  });
  try {
    const build = await compose(dir, project, ['build']);
    ok(build, 'build');
    assert.match(build.stdout, new RegExp(`Successfully tagged ${image}`));

    const run = await compose(dir, project, ['run', '--rm', '-T', 'tool']);
    ok(run, 'run --rm');
    assert.equal(run.stdout, 'built-by-compose\n', run.stderr);
    const args = await compose(dir, project, ['run', '--rm', '-T', 'tool', 'sh', '-c', 'echo $0; exit 3', 'custom']);
    assert.equal(args.code, 3, args.stderr);
    assert.equal(args.stdout, 'custom\n');
    // docker-py attaches only after start: a process that is already gone ends the stream
    // quietly (its output raced past, as with Docker), never with a daemon error inside it.
    const late = await compose(dir, project, ['run', '--rm', '-T', 'tool'], { noCli: true });
    ok(late, 'run --rm through docker-py');
    assert.match(late.stdout, /^(built-by-compose\n)?$/);

    // --rm removed the one-off containers; down takes the default network and the built image.
    const oneoff = await docker(daemon(), ['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
    assert.equal(oneoff.stdout, '');
    ok(await compose(dir, project, ['down', '--rmi', 'all', '-v']), 'down --rmi all');
    assert.deepEqual(await leftovers(project), []);
    assert.notEqual((await docker(daemon(), ['image', 'inspect', image])).code, 0);
  } finally {
    await compose(dir, project, ['down', '-v', '-t', '0']);
  }
});
