/**
 * How lapidary prepares a native run so that gem5 v24 can continue it. Each measure is on by
 * default, can be switched off, and is recorded in every checkpoint's manifest.
 */
export interface NativeEnvironment {
  /** Address-space randomisation stays on (gdb's `disable-randomization off`). Default false. */
  aslr: boolean;
  /**
   * LD_BIND_NOW=1: resolve every PLT entry at start-up, so glibc's lazy-binding trampoline
   * (`_dl_runtime_resolve_xsavec`, which uses XSAVEC) never runs after restore. Default true.
   */
  bindNow: boolean;
  /** GLIBC_TUNABLES lapidary adds (GEM5_GLIBC_TUNABLES: CPU features gem5 v24 cannot execute, no rseq); '' for none. */
  glibcTunables: string;
  /**
   * OPENSSL_ia32cap lapidary sets (GEM5_OPENSSL_IA32CAP): OpenSSL's libcrypto dispatches on CPUID
   * itself, not through glibc, and picks SHA-NI, AES-NI, PCLMULQDQ and AVX code gem5 cannot run
   * (python3's hashlib does); '' for none. A value the user already set is kept.
   */
  opensslIa32cap: string;
  /**
   * Remove AT_SYSINFO_EHDR from the auxiliary vector before the dynamic loader reads it, so
   * glibc uses real system calls instead of the vDSO (gem5 SE provides no vDSO). Default true.
   */
  removeVdso: boolean;
}

/**
 * glibc 2.36 `glibc.cpu.hwcaps` names (sysdeps/x86/cpu-tunables.c; unknown names are silently
 * ignored) of features gem5 v24's X86 decoder lacks or runs wrongly. With this mask every IFUNC
 * in libc, libm and libmvec resolves to an SSE2, generic or C variant and the lazy-binding
 * trampoline is `_dl_runtime_resolve_fxsave`; docs/research-isa.md has the evidence.
 * XSAVE/XSAVEC off also drops every AVX/FMA/AVX-512 variant; SSE4_2 off avoids pcmpistri
 * (gem5 panics); SSE4_1 and SSSE3 off avoid instructions gem5 runs as no-ops.
 */
export const GEM5_HWCAPS_MASK = [
  'XSAVE', 'XSAVEC', 'AVX', 'AVX2', 'FMA', 'FMA4', 'AVX512F', 'AVX512VL', 'AVX512BW', 'AVX512CD', 'AVX512DQ',
  'AVX_Fast_Unaligned_Load', 'BMI1', 'BMI2', 'LZCNT', 'MOVBE', 'SSE4_2', 'SSE4_1', 'SSSE3', 'RTM', 'ERMS',
].map((name) => `-${name}`).join(',');

/**
 * The GLIBC_TUNABLES lapidary sets by default: the hwcaps mask, and no rseq registration
 * (gem5 ignores rseq(2), so the per-thread CPU number glibc reads would be stale after restore).
 */
export const GEM5_GLIBC_TUNABLES = `glibc.cpu.hwcaps=${GEM5_HWCAPS_MASK}:glibc.pthread.rseq=0`;

/**
 * OpenSSL capability bits to clear (OPENSSL_ia32cap(3): `~` clears bits of logical vector 0,
 * CPUID.1 EDX:ECX, and of vector 1, CPUID.7 EBX:ECX). Vector 0: PCLMULQDQ (33), SSSE3 (41),
 * FMA (44), SSE4.1 (51), SSE4.2 (52), MOVBE (54), AES-NI (57), XSAVE (58), OSXSAVE (59),
 * AVX (60), F16C (61), RDRAND (62). Vector 1: BMI1 (3), AVX2 (5), BMI2 (8), AVX512F/DQ (16, 17),
 * ADX (19), AVX512IFMA (21), AVX512CD (28), SHA (29), AVX512BW/VL (30, 31), and from CPUID.7 ECX
 * VBMI (33), VBMI2 (38), GFNI (40), VAES (41), VPCLMULQDQ (42), VNNI (43), BITALG (44),
 * VPOPCNTDQ (46). gem5 v24 lacks or mis-executes every one of them (docs/research-isa.md).
 */
export const GEM5_OPENSSL_IA32CAP = '~0x7e58120200000000:~0x5f42f02b0128';

/**
 * The target's environment: the user's, with PWD set to the target's working directory (as a
 * shell would), plus LD_BIND_NOW, lapidary's tunables merged into an existing GLIBC_TUNABLES
 * (hwcaps masks are concatenated; lapidary's other settings win) and OPENSSL_ia32cap.
 * Returned as `NAME=value` strings.
 */
export function targetEnvironment(base: NodeJS.ProcessEnv, native: NativeEnvironment, cwd: string): string[] {
  const env = new Map(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
  env.set('PWD', cwd);
  if (native.bindNow) env.set('LD_BIND_NOW', '1');
  if (native.glibcTunables !== '') env.set('GLIBC_TUNABLES', mergeTunables(env.get('GLIBC_TUNABLES') ?? '', native.glibcTunables));
  if (native.opensslIa32cap && !env.has('OPENSSL_ia32cap')) env.set('OPENSSL_ia32cap', native.opensslIa32cap);
  return [...env].map(([key, value]) => `${key}=${value}`);
}

/** Merge two GLIBC_TUNABLES strings (`name=value:name=value`); glibc.cpu.hwcaps lists are joined. */
export function mergeTunables(user: string, ours: string): string {
  const merged = new Map<string, string>();
  for (const [source, text] of [['user', user], ['ours', ours]] as const) {
    for (const item of text.split(':').filter((t) => t.includes('='))) {
      const eq = item.indexOf('=');
      const name = item.slice(0, eq);
      const value = item.slice(eq + 1);
      const previous = merged.get(name);
      merged.set(name, name === 'glibc.cpu.hwcaps' && previous !== undefined && source === 'ours' ? `${previous},${value}` : value);
    }
  }
  return [...merged].map(([name, value]) => `${name}=${value}`).join(':');
}
