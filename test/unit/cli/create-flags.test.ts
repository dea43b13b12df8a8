import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBody, parseBytes, type CreateFlags } from '../../../src/cli/commands/container/create-flags.js';

test('parseBytes: Docker RAMInBytes, binary units, optional b suffix, any case', () => {
  const cases: Array<[string, number]> = [
    ['512', 512],
    ['100k', 102400],
    ['64m', 67108864],
    ['64M', 67108864],
    ['64mb', 67108864],
    ['1g', 1073741824],
    ['1.5m', 1572864],
    ['1t', 1024 ** 4],
    ['10b', 10],
  ];
  for (const [v, n] of cases) assert.equal(parseBytes(v, '--memory'), n, v);
  for (const bad of ['abc', '', '-1m', '1x', 'm']) assert.throws(() => parseBytes(bad, '--memory'), /invalid size: '.*'/, bad);
});

const body = (f: CreateFlags, cmd: string[] = []) => createBody('busybox', cmd, f);

test('createBody maps flags to Docker field names', (t) => {
  process.env.BERTH_TEST_PASSTHROUGH = 'from-host';
  const dir = mkdtempSync(join(tmpdir(), 'berth-flags-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const envFile = join(dir, 'env');
  writeFileSync(envFile, '# comment\n\nFILE=1\nBERTH_TEST_PASSTHROUGH\n');
  const b = body(
    {
      name: 'x', env: ['A=1', 'BERTH_TEST_PASSTHROUGH'], envFile: [envFile], workdir: '/w', user: 'nobody', hostname: 'h', entrypoint: 'sh',
      label: ['a=b', 'flag'], restart: 'on-failure:2', memory: '64m', memorySwap: '-1', cpus: '0.5', pidsLimit: '50', ulimit: ['nofile=1000:2000', 'nproc=10'],
      capDrop: ['ALL'], readOnly: true, securityOpt: ['no-new-privileges'], tmpfs: ['/run:size=64m', '/tmp'], network: 'none', rm: true,
    },
    ['-c', 'true'],
  );
  assert.deepEqual(b.Cmd, ['-c', 'true']);
  assert.deepEqual(b.Entrypoint, ['sh']);
  assert.deepEqual(b.Env, ['FILE=1', 'BERTH_TEST_PASSTHROUGH=from-host', 'A=1', 'BERTH_TEST_PASSTHROUGH=from-host']);
  assert.deepEqual([b.WorkingDir, b.User, b.Hostname], ['/w', 'nobody', 'h']);
  assert.deepEqual(b.Labels, { a: 'b', flag: '' });
  const hc = b.HostConfig!;
  assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
  assert.equal(hc.Memory, 67108864);
  assert.equal(hc.MemorySwap, -1);
  assert.equal(hc.NanoCpus, 500_000_000);
  assert.equal(hc.PidsLimit, 50);
  assert.deepEqual(hc.Ulimits, [{ Name: 'nofile', Soft: 1000, Hard: 2000 }, { Name: 'nproc', Soft: 10, Hard: 10 }]);
  assert.deepEqual(hc.CapDrop, ['ALL']);
  assert.equal(hc.ReadonlyRootfs, true);
  assert.deepEqual(hc.SecurityOpt, ['no-new-privileges']);
  assert.deepEqual(hc.Tmpfs, { '/run': 'size=64m', '/tmp': '' });
  assert.equal(hc.NetworkMode, 'none');
  assert.equal(hc.AutoRemove, true);
  delete process.env.BERTH_TEST_PASSTHROUGH;
});

test('createBody defaults: no command, image entrypoint, restart no, default network', () => {
  const b = body({});
  assert.equal(b.Cmd, null);
  assert.equal(b.Entrypoint, null);
  assert.deepEqual(b.HostConfig!.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
  assert.equal(b.HostConfig!.NetworkMode, 'default');
  assert.equal(b.HostConfig!.PidsLimit, null);
  assert.deepEqual(body({ entrypoint: '' }).Entrypoint, [''], '--entrypoint "" clears the image entrypoint');
});

test('createBody validation errors use Docker\'s words', () => {
  const cases: Array<[CreateFlags, RegExp]> = [
    [{ memory: 'abc' }, /: invalid argument "abc" for "-m, --memory" flag: invalid size: 'abc'$/],
    [{ shmSize: '1x' }, /: invalid argument "1x" for "--shm-size" flag: invalid size: '1x'$/],
    [{ restart: 'bogus' }, /invalid restart policy format: bogus/],
    [{ restart: 'always:3' }, /maximum retry count cannot be used with restart policy 'always'/],
    [{ restart: 'on-failure:x' }, /maximum retry count must be an integer/],
    [{ ulimit: ['nofile=2000:1000'] }, /: invalid argument "nofile=2000:1000" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: 2000 > 1000$/],
    [{ ulimit: ['bad'] }, /: invalid argument "bad" for "--ulimit" flag: invalid ulimit argument: bad$/],
    [{ cpus: 'abc' }, /: invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number$/],
    [{ pidsLimit: 'x' }, /: invalid argument "x" for "--pids-limit" flag: strconv\.ParseInt: parsing "x": invalid syntax$/],
    [{ stopTimeout: '1.5' }, /: invalid argument "1\.5" for "--stop-timeout" flag: strconv\.ParseInt: parsing "1\.5": invalid syntax$/],
    [{ cpuShares: 'x' }, /: invalid argument "x" for "-c, --cpu-shares" flag/],
    [{ envFile: ['/nonexistent/env'] }, /: open \/nonexistent\/env: no such file or directory$/],
    [{ label: ['=x'] }, /invalid argument "=x" for "-l, --label" flag: invalid key value pair format: =x/],
  ];
  for (const [flags, re] of cases) assert.throws(() => body(flags), re, JSON.stringify(flags));
});
