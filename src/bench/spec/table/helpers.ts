/**
 * Builders for the benchmark table. `gcc`, `xz` and `perlMail` apply the output-naming rules of
 * the corresponding object.pm `invoke()` so the long command lines are written once.
 */
import type { SpecInvocationSpec, SpecPreRunRewrite } from '../types.js';

/** One invocation: `exe args… [< stdin] > stdout 2>> stderr`. */
export function run(exe: string, args: readonly string[], stdout: string, stderr: string, stdin?: string): SpecInvocationSpec {
  return stdin === undefined ? { exe, args, stdout, stderr } : { exe, args, stdout, stderr, stdin };
}

/**
 * 502.gcc_r / 602.gcc_s: `<src> <opts…> -o <base>.s > <base>.out`, where base is
 * `basename(src, '.c') + '.opts' + opts.join('_')` with `=` replaced by `_` (object.pm `invoke()`).
 */
export function gcc(exe: string, [src = '', ...opts]: readonly string[]): SpecInvocationSpec {
  const base = `${src.replace(/\.c$/, '')}.opts${opts.join('_')}`.replace(/=/g, '_');
  return run(exe, [src, ...opts, '-o', `${base}.s`], `${base}.out`, `${base}.err`);
}

/**
 * 557.xz_r / 657.xz_s: `<name>.xz <size> <sha512> <min> <max> <levels…> > <name>-<size>-<levels>.out`
 * (object.pm `invoke()`, one per control-file line).
 */
export function xz(exe: string, args: readonly string[]): SpecInvocationSpec {
  const [file = '', size = ''] = args;
  const stem = `${file.replace(/\.xz$/, '')}-${size}-${args.slice(5).join('_')}`;
  return run(exe, args, `${stem}.out`, `${stem}.err`);
}

/**
 * 500.perlbench_r / 600.perlbench_s mail scripts: `-I./lib <script> <params…>`, output
 * `<script stem>.<params joined by '.'>.out` (object.pm `invoke()`, one per `<stem>.in` line).
 */
export function perlMail(exe: string, [script = '', ...params]: readonly string[]): SpecInvocationSpec {
  const stem = `${script.replace(/\.pl$/, '')}.${params.join('.')}`;
  return run(exe, ['-I./lib', script, ...params], `${stem}.out`, `${stem}.err`);
}

/** 628.pop2_s pre_run(): `*.in` → same name without `.in`, `ocn_nthreads = 1`. */
export const POP2_NTHREADS: SpecPreRunRewrite = {
  stripSuffix: '.in',
  substitutions: [{ pattern: 'ocn_nthreads = \\d+', replacement: 'ocn_nthreads = 1' }],
};

/**
 * 654.roms_s pre_run(): `*.x` → same name without `.x`, tiling for one thread. object.pm
 * `_calculate_dimensions(1)` gives NtileJ = 1 and NtileI = 1 doubled up to the minimum of 4.
 */
export const ROMS_TILES: SpecPreRunRewrite = {
  stripSuffix: '.x',
  substitutions: [
    { pattern: '^(\\s+NtileI ==)\\s+\\d+', replacement: '$1 4' },
    { pattern: '^(\\s+NtileJ ==)\\s+\\d+', replacement: '$1 1' },
  ],
};

/** SHA-512 of the uncompressed xz inputs, from 557.xz_r `data/<size>/input/control`. */
export const SHA512_CPU2006DOCS_TAR =
  '055ce243071129412e9dd0b3b69a21654033a9b723d874b2015c774fac1553d9713be561ca86f74e4f16f22e664fc17a79f30caa5ad2c04fbc447549c2810fae';
/** SHA-512 of cld.tar (ClamAV databases). */
export const SHA512_CLD_TAR =
  '19cf30ae51eddcbefda78dd06014b4b96281456e078ca7c13e1c0c9e6aaea8dff3efb4ad6b0456697718cede6bd5454852652806a657bb56e07d61128434b474';
/** SHA-512 of input.combined (from CPU2006 401.bzip2). */
export const SHA512_INPUT_COMBINED =
  'a841f68f38572a49d86226b7ff5baeb31bd19dc637a922a972b2e6d1257a890f6a544ecab967c313e370478c74f760eb229d4eef8a8d2836d233d3e9dd1430bf';
/** SHA-512 of IMG_2560.cr2 (Canon raw image). */
export const SHA512_IMG_2560_CR2 =
  'ec03e53b02deae89b6650f1de4bed76a012366fb3d4bdc791e8633d1a5964e03004523752ab008eff0d9e693689c53056533a05fc4b277f0086544c6c3cbbbf6';
