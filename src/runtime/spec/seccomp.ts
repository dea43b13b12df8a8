import type { OciSeccomp, OciSyscallRule } from './oci-types.js';
import type { MobySeccompFilter, MobySeccompProfile } from './seccomp-default.js';

export interface SeccompHost {
  /** Go's GOARCH naming, as moby profiles use it (`amd64`, `arm64`, ...). */
  arch: string;
  /** Kernel release, e.g. `6.1.0-18-amd64`; only major.minor is compared. */
  kernel: string;
}

const NODE_TO_GO_ARCH: Record<string, string> = {
  x64: 'amd64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64',
  loong64: 'loong64', mips: 'mips', mipsel: 'mipsle',
};

export function goArch(nodeArch: string): string {
  return NODE_TO_GO_ARCH[nodeArch] ?? nodeArch;
}

const GO_TO_SECCOMP_ARCH: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64', x86: 'SCMP_ARCH_X86', arm64: 'SCMP_ARCH_AARCH64', arm: 'SCMP_ARCH_ARM',
  s390x: 'SCMP_ARCH_S390X', riscv64: 'SCMP_ARCH_RISCV64', loong64: 'SCMP_ARCH_LOONGARCH64', ppc64le: 'SCMP_ARCH_PPC64LE',
};

function kernelAtLeast(kernel: string, min: string): boolean {
  const parse = (v: string) => v.split(/[.-]/).slice(0, 2).map((x) => Number.parseInt(x, 10) || 0);
  const [ka = 0, kb = 0] = parse(kernel);
  const [ma = 0, mb = 0] = parse(min);
  return ka > ma || (ka === ma && kb >= mb);
}

function matches(f: MobySeccompFilter, caps: ReadonlySet<string>, host: SeccompHost): { any: boolean; all: boolean } {
  const tests: boolean[] = [];
  if (f.caps?.length) tests.push(f.caps.some((c) => caps.has(c)));
  if (f.arches?.length) tests.push(f.arches.includes(host.arch));
  if (f.minKernel) tests.push(kernelAtLeast(host.kernel, f.minKernel));
  return { any: tests.some(Boolean), all: tests.every(Boolean) };
}

/**
 * Resolves moby's profile for one container, as moby `seccomp.setupSeccomp` does:
 * a rule is kept when every `includes` condition holds and no `excludes` condition
 * does. Capabilities are the container's effective set, so `--cap-add SYS_ADMIN`
 * also opens the syscalls that capability needs.
 */
export function resolveSeccomp(profile: MobySeccompProfile, capabilities: readonly string[], host: SeccompHost): OciSeccomp {
  const caps = new Set(capabilities);
  const syscalls: OciSyscallRule[] = [];
  for (const rule of profile.syscalls) {
    if (rule.includes && !matches(rule.includes, caps, host).all) continue;
    if (rule.excludes && matches(rule.excludes, caps, host).any) continue;
    const out: OciSyscallRule = { names: [...rule.names], action: rule.action };
    if (rule.errnoRet !== undefined) out.errnoRet = rule.errnoRet;
    if (rule.args?.length) out.args = rule.args.map((a) => ({ ...a }));
    syscalls.push(out);
  }
  const native = GO_TO_SECCOMP_ARCH[host.arch];
  const entry = profile.archMap.find((a) => a.architecture === native);
  const architectures = entry ? [entry.architecture, ...(entry.subArchitectures ?? [])] : undefined;
  const result: OciSeccomp = { defaultAction: profile.defaultAction, syscalls };
  if (profile.defaultErrnoRet !== undefined) result.defaultErrnoRet = profile.defaultErrnoRet;
  if (architectures) result.architectures = architectures;
  return result;
}
