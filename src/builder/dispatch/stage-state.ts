import type { ContainerConfig, ImageConfig } from '../../core/image-config.js';
import type { Stage } from '../dockerfile/ast.js';
import type { EscapeToken } from '../dockerfile/shell-lex.js';
import type { StageArgs } from './build-args.js';

export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];

/** Where a stage's dispatch stands: the image so far and what the next step needs. */
export interface StageState {
  stage: Stage;
  /** The image so far; undefined while a FROM scratch stage has no step yet. */
  imageId: string | undefined;
  config: ImageConfig;
  /** The FROM as written (after ARG expansion) and what it resolved to ('' for scratch). */
  base: { ref: string; id: string };
  args: StageArgs;
  escape: EscapeToken;
  maintainer?: string;
  /** A CMD was set in this stage: ENTRYPOINT then keeps it (Docker resets an inherited one). */
  cmdSet: boolean;
}

export function runtimeOf(st: StageState): ContainerConfig {
  return st.config.config ?? {};
}

export function shellOf(st: StageState): readonly string[] {
  const sh = runtimeOf(st).Shell;
  return sh && sh.length > 0 ? sh : DEFAULT_SHELL;
}

/** Variables a word of this stage expands with: build args, overridden by ENV. */
export function lexEnv(st: StageState): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of st.args.values()) env[k] = v;
  for (const e of runtimeOf(st).Env ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return env;
}

/** Build args RUN sees as environment, minus those ENV already sets (sorted as K=V). */
export function buildArgEnv(st: StageState): string[] {
  const envKeys = new Set((runtimeOf(st).Env ?? []).map((e) => e.split('=', 1)[0]));
  return [...st.args.values()].filter(([k]) => !envKeys.has(k)).map(([k, v]) => `${k}=${v}`);
}

/** A deep copy of a runtime config, so a draft never aliases the state it came from. */
export function cloneRuntime(c: ContainerConfig): ContainerConfig {
  return structuredClone(c);
}
