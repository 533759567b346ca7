/**
 * object.pm `pre_run()` rewrites (628.pop2_s, 654.roms_s) as pure text functions.
 */
import type { SpecPreRunRewrite } from './types.js';

/**
 * Apply a rewrite's substitutions line by line (first match per line, like Perl `s///`).
 * Line endings are kept as they are.
 */
export function rewriteText(rewrite: SpecPreRunRewrite, text: string): string {
  const subs = rewrite.substitutions.map((s) => ({ re: new RegExp(s.pattern), to: s.replacement }));
  return text
    .split(/(?<=\n)/)
    .map((line) => {
      const eol = line.endsWith('\n') ? '\n' : '';
      let body = eol === '' ? line : line.slice(0, -1);
      for (const s of subs) body = body.replace(s.re, s.to);
      return body + eol;
    })
    .join('');
}

/** Input files the rewrite applies to, paired with the file each one produces. */
export function rewriteTargets(rewrite: SpecPreRunRewrite, inputTargets: readonly string[]): Array<{ from: string; to: string }> {
  return inputTargets
    .filter((t) => t.endsWith(rewrite.stripSuffix) && t.length > rewrite.stripSuffix.length)
    .map((from) => ({ from, to: from.slice(0, -rewrite.stripSuffix.length) }));
}
