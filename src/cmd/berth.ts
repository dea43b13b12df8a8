import { runCli } from '../cli/main.js';

runCli(process.argv.slice(2), {
  // Loaded on first use only, so the registry server costs other commands nothing at start-up.
  serveRegistry: async (flags) => (await import('../registry/server/serve.js')).serveRegistry(flags),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`berth: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
