import type { StdioConnection } from '../stdio.js';

/** `POST /containers/{id}/attach` to a container that keeps stdin open: what the API bridges to the hijacked socket. */
export interface StdioAttach {
  tty: boolean;
  /** Resolves once connected to the container's monitor: at once when it runs, else at its next start. */
  connection: Promise<StdioConnection>;
}
