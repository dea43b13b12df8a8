import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berth, docker, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

let d: Daemon;
useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });

test('an OOM kill ends with 137 and State.OOMKilled, and a clean rerun clears the flag', async () => {
  const hog = await docker(d, ['run', '--name', 'hog', '--memory', '8m', '--memory-swap', '8m', 'busybox', 'sh', '-c', 'x=$(head -c 50000000 /dev/zero | tr "\\0" a)']);
  assert.equal(hog.code, 137, hog.stderr);
  const st = await docker(d, ['inspect', '--format', '{{.State.ExitCode}} {{.State.OOMKilled}}', 'hog']);
  assert.equal(st.stdout.trim(), '137 true');
  const ok = await docker(d, ['run', '--name', 'fine', '--memory', '64m', 'busybox', 'true']);
  assert.equal(ok.code, 0, ok.stderr);
  const st2 = await berth(d, ['inspect', '--format', '{{.State.ExitCode}} {{.State.OOMKilled}}', 'fine']);
  assert.equal(st2.stdout.trim(), '0 false');
});
