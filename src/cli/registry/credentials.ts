import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AuthConfig } from '../../core/wire/registry-auth.js';
import { helperErase, helperGet, helperStore } from './credential-helper.js';

/** Docker Hub's key in config.json, as Docker's CLI writes it. */
export const HUB_KEY = 'https://index.docker.io/v1/';

interface ConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string; email?: string }>;
  /** A credential helper for every registry (`docker-credential-<credsStore>`). */
  credsStore?: string;
  /** Per-registry helpers; they win over credsStore. */
  credHelpers?: Record<string, string>;
  [other: string]: unknown;
}

/** The username a helper stores for an identity token instead of a password, as Docker does. */
const TOKEN_USERNAME = '<token>';

/** The helper that keeps the registry's credentials, as Docker's CLI picks it; undefined: config.json itself. */
function helperFor(cfg: ConfigFile, key: string): string | undefined {
  for (const [registry, helper] of Object.entries(cfg.credHelpers ?? {})) {
    if (helper && credentialKey(registry) === key) return helper;
  }
  return cfg.credsStore || undefined;
}

/**
 * Where credentials live: Docker's own client config (`$DOCKER_CONFIG/config.json`,
 * else `~/.docker/config.json`), so `berth login` and `docker login` share them.
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** `https://127.0.0.1:5000/v2/` -> `127.0.0.1:5000`; Docker Hub's names -> HUB_KEY. */
export function credentialKey(server: string): string {
  const host = server.trim().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (host === '' || host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io') return HUB_KEY;
  return host;
}

async function readConfig(path: string): Promise<ConfigFile> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ConfigFile) : {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`loading config file ${path}: ${(err as Error).message}`);
  }
}

/** Rewrites config.json keeping every other key; temp file + rename, mode 0600 (it holds passwords). */
async function writeConfig(path: string, cfg: ConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(cfg, null, '\t') + '\n', { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** The stored credentials for a registry (matching `host`, `http(s)://host[/...]` keys), as an AuthConfig. */
export async function findCredentials(server: string, env: NodeJS.ProcessEnv = process.env): Promise<AuthConfig | undefined> {
  const key = credentialKey(server);
  const cfg = await readConfig(configPath(env));
  const helper = helperFor(cfg, key);
  if (helper) {
    const c = await helperGet(helper, key, env);
    if (!c || !c.Username) return undefined;
    return c.Username === TOKEN_USERNAME ? { serveraddress: key, identitytoken: c.Secret } : { serveraddress: key, username: c.Username, password: c.Secret };
  }
  for (const [k, v] of Object.entries(cfg.auths ?? {})) {
    if (credentialKey(k) !== key || !v) continue;
    const out: AuthConfig = { serveraddress: key };
    if (v.auth) {
      const plain = Buffer.from(v.auth, 'base64').toString('utf8');
      const colon = plain.indexOf(':');
      if (colon > 0) {
        out.username = plain.slice(0, colon);
        out.password = plain.slice(colon + 1);
      }
    }
    if (v.identitytoken) out.identitytoken = v.identitytoken;
    return out.username || out.identitytoken ? out : undefined;
  }
  return undefined;
}

/**
 * Stores a login: in the registry's credential helper when config.json names one (config.json
 * then keeps only an empty `auths` entry, as Docker's does), else base64 in config.json.
 */
export async function storeCredentials(
  server: string,
  username: string,
  password: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ path: string; helper?: string }> {
  const path = configPath(env);
  const cfg = await readConfig(path);
  const key = credentialKey(server);
  const helper = helperFor(cfg, key);
  if (helper) await helperStore(helper, { ServerURL: key, Username: username, Secret: password }, env);
  cfg.auths = { ...(cfg.auths ?? {}), [key]: helper ? {} : { auth: Buffer.from(`${username}:${password}`).toString('base64') } };
  await writeConfig(path, cfg);
  return { path, helper };
}

/** Removes every entry for the registry; false when there was none. */
export async function removeCredentials(server: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const path = configPath(env);
  const cfg = await readConfig(path);
  const key = credentialKey(server);
  const keys = Object.keys(cfg.auths ?? {}).filter((k) => credentialKey(k) === key);
  const helper = helperFor(cfg, key);
  if (keys.length === 0 && !(helper && (await helperGet(helper, key, env)))) return false;
  if (helper) await helperErase(helper, key, env);
  if (keys.length === 0) return true;
  for (const k of keys) delete cfg.auths![k];
  await writeConfig(path, cfg);
  return true;
}
