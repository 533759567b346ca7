import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cptValue, parseCpt, type CptSection } from '../../src/gem5/checkpoint/ini.js';
import type { CheckpointManifest } from '../../src/gem5/checkpoint/manifest.js';

/** A checkpoint directory read back for assertions: m5.cpt, the manifest and the decompressed pmem. */
export interface CheckpointOnDisk {
  sections: CptSection[];
  manifest: CheckpointManifest;
  pmem: Buffer;
  value(section: string, key: string): string | undefined;
  /** vaddr → page bytes, from the page table and the pmem image. */
  pages(): Map<bigint, Buffer>;
}

export function readCheckpoint(dir: string): CheckpointOnDisk {
  const sections = parseCpt(readFileSync(join(dir, 'm5.cpt'), 'utf8'));
  const pmem = gunzipSync(readFileSync(join(dir, 'system.physmem.store0.pmem')));
  const value = (section: string, key: string) => cptValue(sections, section, key);
  return {
    sections,
    manifest: JSON.parse(readFileSync(join(dir, 'lapidary.json'), 'utf8')) as CheckpointManifest,
    pmem,
    value,
    pages() {
      const size = Number(value('system.cpu.workload.ptable', 'size'));
      const pages = new Map<bigint, Buffer>();
      for (let i = 0; i < size; i++) {
        const entry = `system.cpu.workload.ptable.Entry${i}`;
        const paddr = Number(value(entry, 'paddr'));
        pages.set(BigInt(value(entry, 'vaddr')!), pmem.subarray(paddr, paddr + 4096));
      }
      return pages;
    },
  };
}

/** The cpt.N directory names under `dir`, in checkpoint order (cpt.2 before cpt.10). */
export function checkpointNames(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^cpt\.\d+$/.test(n)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
}

/**
 * Why `dir` is not a whole checkpoint lapidary wrote, or undefined when it is: m5.cpt, the pmem
 * image and lapidary.json present, every file's sha256 as the manifest records it, the image
 * decompressing to one page per page-table entry and to the manifest's pagesStored.
 */
export function checkpointDefect(dir: string): string | undefined {
  try {
    const cpt = readCheckpoint(dir);
    for (const [file, sha256] of Object.entries(cpt.manifest.checksums)) {
      const actual = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
      if (actual !== sha256) return `${file}: sha256 ${actual}, manifest says ${sha256}`;
    }
    if (cpt.manifest.checksums['m5.cpt'] === undefined || cpt.manifest.checksums['system.physmem.store0.pmem'] === undefined) return 'manifest lacks checksums';
    if (cpt.pmem.length !== cpt.manifest.memory.pagesStored * 4096) return `pmem holds ${cpt.pmem.length} bytes for ${cpt.manifest.memory.pagesStored} pages`;
    if (cpt.pages().size !== cpt.manifest.memory.pagesStored) return 'page table and manifest disagree';
    return undefined;
  } catch (error) {
    return String(error);
  }
}
