import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../../core/errors.js';
import { formatGoDuration } from '../../core/go-duration.js';
import type { ExecRuntime } from '../../core/stdio.js';
import type { HealthcheckResult } from '../../core/wire/containers.js';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { execProcess } from '../exec/exec-use-cases.js';
import { emitContainerEvent } from '../events/emit.js';
import { afterProbe, MAX_OUTPUT, probeCommand, probeTiming } from './health-rules.js';

/**
 * Runs each running container's healthcheck, as dockerd's health monitor: a probe is an exec of
 * the check (through the same monitor as `docker exec`), its exit code and first 4 KiB of output
 * go to State.Health, and a change of status is a `health_status: <status>` event.
 */
export class HealthMonitors {
  readonly #ctx: DaemonContext;
  readonly #exec: ExecRuntime;
  readonly #loops = new Map<string, AbortController>();

  constructor(ctx: DaemonContext, exec: ExecRuntime) {
    this.#ctx = ctx;
    this.#exec = exec;
  }

  /** Starts probing a container that just started (`fresh`: Health begins at starting) or was found running. */
  watch(c: ContainerRecord, fresh = true): void {
    const command = probeCommand(c.Config.Healthcheck);
    if (!command || this.#loops.has(c.Id)) return;
    if (fresh || !c.State.Health) c.State = { ...c.State, Health: { Status: 'starting', FailingStreak: 0, Log: [] } };
    const stop = new AbortController();
    this.#loops.set(c.Id, stop);
    this.#loop(c.Id, command, stop.signal).catch((err: unknown) => {
      if (!stop.signal.aborted) this.#ctx.logger.warn('health monitor stopped', { id: c.Id, error: messageOf(err) });
    });
  }

  unwatch(id: string): void {
    this.#loops.get(id)?.abort();
    this.#loops.delete(id);
  }

  async #loop(id: string, command: string[], signal: AbortSignal): Promise<void> {
    const { store } = this.#ctx.containers;
    for (;;) {
      const c = store.tryGet(id);
      if (!c?.State.Running) return this.unwatch(id);
      const timing = probeTiming(c.Config.Healthcheck ?? {});
      const sinceStart = Date.now() - Date.parse(c.State.StartedAt);
      const inStartPeriod = sinceStart < timing.startPeriodMs;
      await sleep(inStartPeriod ? timing.startIntervalMs : timing.intervalMs, undefined, { signal });
      const now = store.tryGet(id);
      if (!now?.State.Running) return this.unwatch(id);
      if (now.State.Paused) continue;
      const result = await this.#probe(now, command, timing.timeoutMs);
      if (signal.aborted) return;
      const prev = now.State.Health ?? { Status: 'starting' as const, FailingStreak: 0, Log: [] };
      const startedInPeriod = Date.parse(result.Start) - Date.parse(now.State.StartedAt) < timing.startPeriodMs;
      const next = afterProbe(prev, result, timing.retries, startedInPeriod);
      now.State = { ...now.State, Health: next };
      await store.save(now);
      if (next.Status !== prev.Status) emitContainerEvent(this.#ctx, now, `health_status: ${next.Status}`);
    }
  }

  /** One exec of the check with its timeout; a check that cannot even start counts as a failure. */
  async #probe(c: ContainerRecord, command: string[], timeoutMs: number): Promise<HealthcheckResult> {
    const start = new Date();
    const execId = `health-${randomBytes(16).toString('hex')}`;
    let output = '';
    const keep = (data: Buffer) => {
      if (output.length < MAX_OUTPUT) output = (output + data.toString('utf8')).slice(0, MAX_OUTPUT);
    };
    try {
      const started = await this.#exec.start({
        containerId: c.Id,
        execId,
        stdin: false,
        attach: true,
        process: await execProcess(this.#ctx, c, { args: command, tty: false }),
      });
      const drained = new Promise<void>((resolve) => {
        if (!started.connection) return resolve();
        started.connection.onOutput((_stream, data) => keep(data));
        started.connection.onEnd(resolve);
      });
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const code = await this.#exec.waitExit(c.Id, execId, timeout);
        await Promise.race([drained, sleep(1000)]);
        return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: code, Output: output };
      } catch (err) {
        if (!timeout.aborted) throw err;
        // The check's process is killed; Docker reports -1 with this text.
        try {
          process.kill(started.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: -1, Output: `Health check exceeded timeout (${formatGoDuration(timeoutMs * 1e6)})` };
      } finally {
        started.connection?.close();
      }
    } catch (err) {
      return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: -1, Output: messageOf(err) };
    } finally {
      await this.#exec.remove(execId).catch(() => undefined);
    }
  }
}
