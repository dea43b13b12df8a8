import { NotFound } from '../../core/errors.js';
import type { ExecInspect } from '../../core/wire/exec.js';

/** Docker's `GET /exec/{id}/json` shape, plus what starting the process needs. */
export interface ExecRecord extends ExecInspect {
  Env: string[];
  WorkingDir: string;
  /** Set once start was called; an exec runs at most once. */
  Started: boolean;
}

/**
 * Exec sessions live in memory, as in Docker: they are gone after a berthd
 * restart (the processes themselves, run by conmon, are not).
 */
export class ExecStore {
  readonly #execs = new Map<string, ExecRecord>();

  add(rec: ExecRecord): void {
    this.#execs.set(rec.ID, rec);
  }

  get(id: string): ExecRecord {
    const rec = this.#execs.get(id);
    if (!rec) throw new NotFound(`No such exec instance: ${id}`);
    return rec;
  }

  /** Drops the sessions of a container that is gone. */
  removeContainer(containerId: string): void {
    for (const [id, rec] of this.#execs) if (rec.ContainerID === containerId) this.#execs.delete(id);
  }
}
