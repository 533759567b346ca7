import { UsageError } from '../errors.js';

/**
 * A CPU feature the guest does not see by default, by its QEMU `-cpu` property name
 * (QEMU 7.2 target/i386/cpu.c feature_word_info), with why gem5 v24 X86 cannot run it.
 * Sources: docs/research-isa.md (gem5 decoder files and lines).
 */
export interface HiddenFeature {
  /** QEMU property name, as in `-cpu max,-NAME`. */
  name: string;
  reason: string;
}

const VEX = 'VEX-encoded: gem5 decodes VEX as the legacy SSE instruction, ignoring VEX.vvvv and VEX.L (silently wrong), or panics on VEX-only opcodes';
const EVEX = 'EVEX-encoded (AVX-512): gem5 has no EVEX decoding, panics';
const PANIC = 'not in gem5\'s decoder: UD2/Unknown, gem5 panics';

/**
 * Features gem5 v24's X86 decoder lacks or executes wrongly. Hiding them from CPUID makes every
 * program in the guest (glibc, other libraries, code that checks CPUID itself) take the paths
 * that do not use them. Features the host CPU lacks are simply absent already.
 */
export const DEFAULT_HIDDEN_FEATURES: readonly HiddenFeature[] = [
  { name: 'avx', reason: VEX },
  { name: 'avx2', reason: VEX },
  { name: 'f16c', reason: VEX },
  { name: 'fma', reason: `FMA3 (VEX.66.0F38 96-BF): ${PANIC}` },
  { name: 'fma4', reason: `AMD FMA4 (XOP/VEX): ${PANIC}` },
  { name: 'xop', reason: `AMD XOP encoding: ${PANIC}` },
  { name: 'avx-vnni', reason: VEX },
  ...['avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl', 'avx512ifma', 'avx512vbmi', 'avx512vbmi2', 'avx512vnni',
    'avx512bitalg', 'avx512-vpopcntdq', 'avx512-bf16', 'avx512-fp16', 'avx512-vp2intersect']
    .map((name) => ({ name, reason: EVEX })),
  { name: 'vaes', reason: `VEX/EVEX AES: ${PANIC}` },
  { name: 'vpclmulqdq', reason: `VEX/EVEX carry-less multiply: ${PANIC}` },
  { name: 'gfni', reason: `Galois-field instructions (66 0F38 CF, 0F3A CE/CF): ${PANIC}` },
  { name: 'amx-bf16', reason: `AMX: ${PANIC}` },
  { name: 'amx-tile', reason: `AMX: ${PANIC}` },
  { name: 'amx-int8', reason: `AMX: ${PANIC}` },
  { name: 'bmi1', reason: `ANDN/BEXTR/BLS* are VEX 0F38: ${PANIC}; TZCNT runs as BSF (flags and zero input differ)` },
  { name: 'bmi2', reason: `BZHI/PDEP/PEXT/MULX/SARX/SHLX/SHRX/RORX are VEX: ${PANIC}` },
  { name: 'abm', reason: 'LZCNT (F3 0F BD) is decoded as BSR: silently wrong results' },
  { name: 'movbe', reason: `MOVBE (0F38 F0/F1): ${PANIC}` },
  { name: 'adx', reason: `ADCX/ADOX (66/F3 0F38 F6): ${PANIC}` },
  { name: 'sha-ni', reason: `SHA extensions: ${PANIC}` },
  { name: 'aes', reason: `AES-NI: ${PANIC}` },
  { name: 'pclmulqdq', reason: `PCLMULQDQ: ${PANIC}` },
  { name: 'sse4.2', reason: 'PCMPESTRx/PCMPISTRx (66 0F3A 60-63) hit UD2, gem5 panics; CRC32 is a no-op' },
  { name: 'sse4.1', reason: 'PTEST, PCMPEQQ, MOVNTDQA, ROUNDPS/PD, DPPS/DPPD, MPSADBW are WarnUnimpl no-ops (silently wrong)' },
  { name: 'ssse3', reason: 'PHADD*/PHSUB*, PMADDUBSW, PSIGN*, PMULHRSW and every MMX form are WarnUnimpl no-ops' },
  { name: 'sse4a', reason: `AMD EXTRQ/INSERTQ/MOVNTSD/MOVNTSS: ${PANIC}` },
  { name: 'xsave', reason: 'XSAVE/XRSTOR and XGETBV/XSETBV are no-ops, XSAVEOPT is UD2; hiding XSAVE (and so OSXSAVE) also makes glibc treat AVX as unusable and use _dl_runtime_resolve_fxsave' },
  { name: 'xsaveopt', reason: `XSAVEOPT (0F AE /6): ${PANIC}` },
  { name: 'xsavec', reason: `XSAVEC (0F C7 /4): ${PANIC}` },
  { name: 'xsaves', reason: `XSAVES/XRSTORS: ${PANIC}` },
  { name: 'xgetbv1', reason: 'XGETBV is a no-op in gem5 (EAX/EDX unchanged)' },
  { name: 'rtm', reason: `TSX XBEGIN/XABORT/XTEST: ${PANIC}` },
  { name: 'hle', reason: 'TSX hardware lock elision: hidden with RTM' },
  { name: 'rdrand', reason: 'RDRAND (0F C7 /6) is decoded as a WarnUnimpl no-op: destination and CF unchanged' },
  { name: 'rdseed', reason: 'RDSEED (0F C7 /7) is decoded as a WarnUnimpl no-op' },
  { name: 'rdpid', reason: 'RDPID (F3 0F C7 /7) is decoded as a WarnUnimpl no-op' },
  { name: 'fsgsbase', reason: `RDFSBASE/WRFSBASE/RDGSBASE/WRGSBASE (F3 0F AE /0-3): ${PANIC}` },
  { name: 'pku', reason: `RDPKRU/WRPKRU: ${PANIC}` },
  { name: 'waitpkg', reason: `UMONITOR/UMWAIT/TPAUSE: ${PANIC}` },
  { name: 'movdiri', reason: `MOVDIRI: ${PANIC}` },
  { name: 'movdir64b', reason: `MOVDIR64B: ${PANIC}` },
  { name: 'serialize', reason: `SERIALIZE: ${PANIC}` },
  { name: 'cldemote', reason: `CLDEMOTE: ${PANIC}` },
  { name: 'clzero', reason: `AMD CLZERO: ${PANIC}` },
  { name: 'erms', reason: 'REP MOVSB/STOSB run as a 6-micro-op-per-byte loop in gem5: correct but far slower than the SSE2 paths; hidden so string code picks those' },
  { name: 'fsrm', reason: 'fast short REP MOVSB: hidden with ERMS' },
];

/** A parsed `--vm-cpu` value: features to hide on top of (or instead of) the defaults, and defaults to expose. */
export interface CpuFeatureChoice {
  hide: string[];
  expose: string[];
  /** `none` was given: start from no hidden features. */
  noDefaults: boolean;
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Parse a `--vm-cpu` value: comma-separated QEMU feature names, `-NAME` (or a bare `NAME`) to
 * hide one more, `+NAME` to expose one of the default hidden ones, `none` to hide nothing by
 * default. Example: `+erms,+fsrm,-popcnt`.
 * @throws UsageError for a malformed item.
 */
export function parseCpuFeatures(text: string | undefined): CpuFeatureChoice {
  const choice: CpuFeatureChoice = { hide: [], expose: [], noDefaults: false };
  for (const raw of (text ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '')) {
    if (raw === 'none') { choice.noDefaults = true; continue; }
    const sign = raw[0] === '+' || raw[0] === '-' ? raw[0] : '-';
    const name = raw[0] === '+' || raw[0] === '-' ? raw.slice(1) : raw;
    if (!NAME.test(name)) throw new UsageError(`--vm-cpu: ${JSON.stringify(raw)} is not a QEMU CPU feature name`, { hint: 'e.g. --vm-cpu +erms,-popcnt (see docs/vm.md)' });
    (sign === '+' ? choice.expose : choice.hide).push(name);
  }
  return choice;
}

/** The features hidden for a choice: the defaults (unless `none`), minus exposed ones, plus extra ones, in order and unique. */
export function hiddenFeatures(choice: CpuFeatureChoice): string[] {
  const base = choice.noDefaults ? [] : DEFAULT_HIDDEN_FEATURES.map((f) => f.name);
  const hidden = base.filter((name) => !choice.expose.includes(name));
  for (const name of choice.hide) if (!hidden.includes(name)) hidden.push(name);
  return hidden;
}

/**
 * The `-cpu` argument (QEMU docs/system/qemu-cpu-models.rst): `host` under KVM (with
 * `-arch-capabilities`: nested KVM may refuse to set IA32_ARCH_CAPABILITIES, MSR 0x10a, and
 * abort), `max` under TCG (every feature TCG emulates; QEMU 7.2 TCG emulates AVX/AVX2 too),
 * each followed by `-NAME` for every hidden feature.
 */
export function cpuModel(accel: 'kvm' | 'tcg', hidden: readonly string[]): string {
  const base = accel === 'kvm' ? ['host', '-arch-capabilities'] : ['max'];
  return [...base, ...hidden.map((name) => `-${name}`)].join(',');
}
