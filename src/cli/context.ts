import { EngineClient } from '../client/engine-client.js';
import { DEFAULT_HOST } from '../client/transport.js';

/** What every command gets: the client for the chosen daemon and output sinks. */
export interface CliContext {
  client(): EngineClient;
  out(text: string): void;
  err(text: string): void;
}

/** `-H` wins, then BERTH_HOST, then DOCKER_HOST, then the default socket. */
export function resolveHost(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.BERTH_HOST || env.DOCKER_HOST || DEFAULT_HOST;
}

export function createContext(host: () => string): CliContext {
  let client: EngineClient | undefined;
  return {
    client: () => (client ??= new EngineClient(host())),
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
  };
}
