import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A TCP port nobody listens on right now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** HTTP GET from the host with curl; '' when nothing answers. */
export async function curl(url: string): Promise<string> {
  return run('curl', ['-sS', '-m', '5', url]).then(
    (r) => r.stdout,
    () => '',
  );
}

/** Polls `url` until its body matches (servers in containers take a moment to listen); the last body otherwise. */
export async function curlUntil(url: string, re: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await curl(url);
    if (re.test(body) || Date.now() > deadline) return body;
    await new Promise((r) => setTimeout(r, 200));
  }
}
