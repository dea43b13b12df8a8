import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** `80/tcp -> 0.0.0.0:8080`; IPv6 hosts in brackets, as Docker prints them. */
function bindingText(b: PortBinding): string {
  const ip = b.HostIp || '0.0.0.0';
  return `${ip.includes(':') ? `[${ip}]` : ip}:${b.HostPort ?? ''}`;
}

/** `port CONTAINER [PRIVATE_PORT[/PROTO]]`: the published ports from inspect. */
export function registerPort(program: Command, container: Command, ctx: CliContext): void {
  const action = async (ref: string, privatePort: string | undefined) => {
    const info = await ctx.client().containerInspect(ref);
    const ports = ((info.NetworkSettings as { Ports?: Record<string, PortBinding[] | null> | null }).Ports ?? {}) as Record<string, PortBinding[] | null>;
    if (privatePort) {
      const [port, proto = 'tcp'] = privatePort.split('/');
      const key = `${port}/${proto}`;
      const bindings = ports[key];
      if (!bindings?.length) {
        ctx.err(`Error: No public port '${key}' published for ${ref}\n`);
        process.exitCode = 1;
        return;
      }
      ctx.out(bindings.map((b) => `${bindingText(b)}\n`).join(''));
      return;
    }
    const lines: string[] = [];
    for (const [key, bindings] of Object.entries(ports)) for (const b of bindings ?? []) lines.push(`${key} -> ${bindingText(b)}\n`);
    ctx.out(lines.sort().join(''));
  };
  for (const cmd of [program.command('port'), container.command('port')]) {
    cmd.description('List port mappings or a specific mapping for the container').argument('<CONTAINER>').argument('[PRIVATE_PORT[/PROTO]]').action(action);
  }
}
