import type { AuthConfig } from './registry-auth.js';

/** `POST /build` query, parsed (the legacy builder's ImageBuildOptions). */
export interface BuildRequest {
  /** Dockerfile path inside the context. */
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  cacheFrom: string[];
  /** `default`, `none`, `host`, a network name. */
  networkMode: string;
  rm: boolean;
  forceRm: boolean;
  platform?: string;
  /** -q: only the image ID is reported (the rest of the output only if the build fails). */
  quiet: boolean;
  /** X-Registry-Config: credentials for pulling base images, by registry. */
  authConfigs: Record<string, AuthConfig>;
}
