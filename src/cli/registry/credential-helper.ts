import { spawn } from 'node:child_process';

/**
 * Docker's credential helper protocol: `docker-credential-<name> get|store|erase`, the server
 * on stdin (JSON for store), JSON on stdout. The same helpers the docker CLI uses (pass,
 * secretservice, ecr-login...) so `berth` finds what `docker login` put there.
 */
export interface HelperCredentials {
  ServerURL?: string;
  Username: string;
  Secret: string;
}

/** What a helper prints when it has nothing for the server (docker-credential-helpers' errCredentialsNotFound). */
const NOT_FOUND = 'credentials not found in native keychain';

export async function helperGet(name: string, server: string, env: NodeJS.ProcessEnv = process.env): Promise<HelperCredentials | undefined> {
  const r = await runHelper(name, 'get', server, env);
  if (r.code !== 0) {
    if (r.stdout.includes(NOT_FOUND)) return undefined;
    throw helperError(name, 'getting credentials', r);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new Error(`error getting credentials - docker-credential-${name} printed no JSON: ${r.stdout.trim().slice(0, 200)}`);
  }
  const c = parsed as Partial<HelperCredentials>;
  if (typeof c.Username !== 'string' || typeof c.Secret !== 'string') return undefined;
  return { ServerURL: c.ServerURL, Username: c.Username, Secret: c.Secret };
}

export async function helperStore(name: string, creds: HelperCredentials, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const r = await runHelper(name, 'store', JSON.stringify(creds), env);
  if (r.code !== 0) throw helperError(name, 'storing credentials', r);
}

/** Erases the server's entry; a helper that had none is not an error. */
export async function helperErase(name: string, server: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const r = await runHelper(name, 'erase', server, env);
  if (r.code !== 0 && !r.stdout.includes(NOT_FOUND)) throw helperError(name, 'erasing credentials', r);
}

interface HelperResult {
  code: number;
  stdout: string;
  stderr: string;
  missing?: boolean;
}

function runHelper(name: string, verb: string, input: string, env: NodeJS.ProcessEnv): Promise<HelperResult> {
  return new Promise((resolve) => {
    const child = spawn(`docker-credential-${name}`, [verb], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) => resolve({ code: -1, stdout, stderr: err.message, missing: err.code === 'ENOENT' }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    // A helper that exits without reading its stdin must not fail us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Docker's wording: `error getting credentials - err: ..., out: ...`. */
function helperError(name: string, what: string, r: HelperResult): Error {
  const err = r.missing ? `exec: "docker-credential-${name}": executable file not found in $PATH` : r.stderr.trim() || `exit status ${r.code}`;
  return new Error(`error ${what} - err: ${err}, out: \`${r.stdout.trim()}\``);
}
