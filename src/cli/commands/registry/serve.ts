import type { Command } from 'commander';

/** The flags of `berth registry serve`, handed to the server the composition root injects. */
export interface RegistryServeFlags {
  addr: string;
  root: string;
  htpasswd?: string;
  realm?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/**
 * Runs the registry server until it is told to stop; resolves with the exit code.
 * Injected by `cmd/berth.ts` (the CLI may not import the server), which loads the
 * server lazily so other commands do not pay for it at start-up.
 */
export type ServeRegistry = (flags: RegistryServeFlags) => Promise<number>;

export function registerRegistry(program: Command, serve: ServeRegistry | undefined): void {
  const registry = program.command('registry').description('Run an OCI distribution registry').exitOverride();
  registry
    .command('serve')
    .description('Serve an OCI distribution (Docker Registry v2) registry')
    .option('--addr <host:port>', 'Address to listen on', '127.0.0.1:5000')
    .requiredOption('--root <dir>', 'Directory holding the registry storage')
    .option('--htpasswd <file>', 'Require basic auth with the bcrypt users of this htpasswd file')
    .option('--realm <realm>', 'Realm of the basic-auth challenge', 'Berth Registry')
    .option('--tls-cert <file>', 'Serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'Private key of --tls-cert (PEM)')
    .exitOverride()
    .action(async (flags: RegistryServeFlags) => {
      if (!serve) throw new Error('registry serve is not available in this build');
      process.exitCode = await serve(flags);
    });
}
