import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import type { CliContext } from '../../context.js';
import { credentialKey, HUB_KEY, storeCredentials } from '../../registry/credentials.js';

interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/[\r\n]+$/, '');
}

/** Reads a line from the terminal; `hidden` turns echo off (passwords). */
function prompt(question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    if (hidden) {
      const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(question)) write.call(rl, question);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stdout.write('\n');
      resolve(answer);
    });
  });
}

export function registerLogin(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('Authenticate to a registry')
    .argument('[SERVER]')
    .option('-u, --username <string>', 'Username')
    .option('-p, --password <string>', 'Password or Personal Access Token (PAT)')
    .option('--password-stdin', 'Take the Password or Personal Access Token (PAT) from stdin')
    .action(async (server: string | undefined, flags: LoginFlags) => {
      if (flags.password !== undefined) {
        ctx.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
        if (flags.passwordStdin) throw new Error('--password and --password-stdin are mutually exclusive');
      }
      let password = flags.password;
      if (flags.passwordStdin) {
        if (!flags.username) throw new Error('Must provide --username with --password-stdin');
        password = await readStdin();
      }
      const key = server ? credentialKey(server) : HUB_KEY;
      let username = flags.username;
      if (!username || password === undefined) {
        if (!process.stdin.isTTY) throw new Error('Cannot perform an interactive login from a non TTY device');
        if (!username) username = (await prompt('Username: ', false)).trim();
        if (!username) throw new Error('Username is required');
        if (password === undefined) password = await prompt('Password: ', true);
      }
      if (!password) throw new Error('Password is required');
      const res = await ctx.client().registryLogin({ username, password, serveraddress: key });
      const stored = await storeCredentials(key, username, password);
      if (!stored.helper) {
        ctx.err(
          `WARNING! Your credentials are stored unencrypted in '${stored.path}'.\n` +
            'Configure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n',
        );
      }
      ctx.out(`${res.Status || 'Login Succeeded'}\n`);
    });
}
