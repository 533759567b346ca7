import { readFileSync } from 'node:fs';
import { skipMarker } from './skip.js';

/** The host CPU's feature flags as the kernel reports them (the `flags` line of /proc/cpuinfo). */
export const HOST_CPU_FLAGS: ReadonlySet<string> = new Set(
  /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim().split(/\s+/) ?? [],
);

/**
 * Why a test that needs glibc's AVX2 (or EVEX) string variants cannot run here, or '' when it
 * can: glibc 2.36's resolvers (sysdeps/x86_64/multiarch/ifunc-avx2.h) pick `__strlen_avx2` or
 * `__strlen_evex` only on a CPU with AVX2 and BMI2; without them the SSE2 variants are chosen
 * with or without lapidary's GLIBC_TUNABLES, and there is nothing to tell apart.
 */
export const AVX2_STRING_SKIP_REASON = ['avx2', 'bmi2'].every((f) => HOST_CPU_FLAGS.has(f))
  ? ''
  : skipMarker({
    tier: 'host CPU with AVX2',
    reason: `the host CPU lacks ${['avx2', 'bmi2'].filter((f) => !HOST_CPU_FLAGS.has(f)).join(' and ')}, so glibc has no AVX2 string variants to pick`,
    enable: 'npm test on an x86-64 host with AVX2 and BMI2 (Haswell or later)',
  });
