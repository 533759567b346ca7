import { CheckpointError } from '../../errors.js';

/**
 * One `[section]` of m5.cpt with its `key=value` lines in order.
 * Sections map to SimObject paths (`system.cpu.workload`) or nested state
 * (`system.cpu.xc.0`), see src/sim/serialize.cc (gem5 v24.0.0.1).
 */
export interface CptSection {
  name: string;
  entries: Array<[key: string, value: string]>;
}

/**
 * Render sections as gem5's ini dialect: an optional `##` comment before the first section
 * (ignored by IniFile::load, src/base/inifile.cc:170-204), then `\n[name]\n` and `key=value`
 * lines, as CheckpointOut writes them (src/sim/serialize.cc:121-127). No comments inside
 * sections: a line without `=` there makes restore fatal.
 */
export function serializeCpt(sections: readonly CptSection[], header?: string): string {
  const parts: string[] = [];
  if (header !== undefined) parts.push(`## ${header}\n`);
  for (const section of sections) {
    parts.push(`\n[${section.name}]\n`);
    for (const [key, value] of section.entries) {
      if (key.includes('=') || /[\n\r]/.test(key) || /[\n\r]/.test(value)) {
        throw new CheckpointError(`cannot write ${section.name}:${key}: keys must not contain '=' and values no newlines`);
      }
      parts.push(`${key}=${value}\n`);
    }
  }
  return parts.join('');
}

/**
 * Parse m5.cpt text the way gem5's IniFile::load does: lines before the first header are
 * ignored, values split at the first '=', both sides trimmed; a repeated section merges.
 * @throws CheckpointError on a non-empty line without '=' inside a section (gem5: fatal).
 */
export function parseCpt(text: string): CptSection[] {
  const byName = new Map<string, CptSection>();
  let current: CptSection | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line.slice(1, -1).trim();
      current = byName.get(name) ?? { name, entries: [] };
      byName.set(name, current);
      return;
    }
    if (current === undefined) return;
    const eq = line.indexOf('=');
    if (eq < 0) throw new CheckpointError(`m5.cpt line ${index + 1} in [${current.name}] has no '=': ${line}`);
    current.entries.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  });
  return [...byName.values()];
}

/** Look up one value; `undefined` when the section or key is absent. */
export function cptValue(sections: readonly CptSection[], section: string, key: string): string | undefined {
  const found = sections.find((s) => s.name === section);
  return found?.entries.find(([k]) => k === key)?.[1];
}

/** A value as gem5 expects unsigned integers: plain decimal, no leading zeros (src/base/str.hh:115-137). */
export function dec(value: bigint | number): string {
  return BigInt(value).toString(10);
}

/** Booleans must be `true`/`false`; `1`/`0` are rejected by to_bool (src/base/str.hh:191-205). */
export function bool(value: boolean): string {
  return value ? 'true' : 'false';
}

/** An array: elements separated by single spaces (arrayParamOut, src/sim/serialize.hh:386-425). */
export function list(values: ReadonlyArray<bigint | number>): string {
  return values.map(dec).join(' ');
}
