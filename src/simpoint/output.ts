import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimPointAnalysis } from './cluster.js';

/**
 * The files of a SimPoint analysis, in SimPoint's own output format and as gem5's stdlib takes it:
 *
 * - `simpoints`: one line `<interval index> <cluster id>` per non-empty cluster, by cluster id
 *   (SimPoint 3.2's `-saveSimpoints`: "the simulation point (index into the clustered vectors,
 *   starting at 0) and cluster label", analysiscode/SimpointOptions.cpp);
 * - `weights`: `<weight> <cluster id>` in the same order (`-saveSimpointWeights`: "Saved in the
 *   same format as -saveSimpoints, but with weights"). gem5's SimpointDirectoryResource reads the
 *   two files line by line in step and takes the first field of each (gem5 v24
 *   src/python/gem5/resources/resource.py, `_get_weights_and_simpoints_from_file`);
 * - `simpoint.json`: the arguments of gem5's `SimpointResource` (resource.py:444-458, v24):
 *   `simpoint_interval` (instructions), `simpoint_list` (interval indices), `weight_list` (same
 *   order), `warmup_interval` (instructions), with `category: "simpoint"` and an `id` so that it is
 *   also a resource entry gem5's JSON client loads (GEM5_RESOURCE_JSON). The list is sorted by
 *   interval, as SimpointDirectoryResource sorts it;
 * - `bbv.bb`: the basic-block vectors clustered, for SimPoint 3.2 itself (`-loadFVFile`).
 *
 * Interval k covers instructions k·interval .. (k+1)·interval − 1 counted from `main`; gem5's
 * SimPoint flow counts from the program's first instruction, so a point run there starts the
 * instructions before main (the dynamic loader's and libc's start-up) early. The JSON says so in
 * its `description`; lapidary's own checkpoints (`create --simpoints`) are at the exact positions.
 */
export interface SimPointFiles {
  simpoints: string;
  weights: string;
  json: string;
  bb: string;
}

/** The gem5 stdlib SimpointResource arguments (resource.py, v24). */
export interface Gem5SimpointJson {
  category: 'simpoint';
  id: string;
  resource_version: string;
  description: string;
  simpoint_interval: number;
  simpoint_list: number[];
  weight_list: number[];
  warmup_interval: number;
}

/** The texts of the four files (see the module comment). `interval` and `warmup` in instructions. */
export function simPointFileTexts(analysis: SimPointAnalysis, bbText: string, meta: { id: string; interval: bigint; warmup: bigint }): SimPointFiles {
  const simpoints = analysis.points.map((p) => `${p.interval} ${p.cluster}\n`).join('');
  const weights = analysis.points.map((p) => `${p.weight} ${p.cluster}\n`).join('');
  const sorted = [...analysis.points].sort((a, b) => a.interval - b.interval);
  const json: Gem5SimpointJson = {
    category: 'simpoint',
    id: meta.id,
    resource_version: '1.0.0',
    description: `SimPoint analysis by lapidary: ${analysis.chosen.k} clusters of ${analysis.chosen.labels.length} intervals of ${meta.interval} instructions counted from main (gem5 counts from the first instruction)`,
    simpoint_interval: Number(meta.interval),
    simpoint_list: sorted.map((p) => p.interval),
    weight_list: sorted.map((p) => p.weight),
    warmup_interval: Number(meta.warmup),
  };
  return { simpoints, weights, json: `${JSON.stringify(json, null, 2)}\n`, bb: bbText };
}

/**
 * Write `simpoints`, `weights`, `bbv.bb` and `simpoint.json` into `dir` (made if missing). Each
 * file is written under a temporary name and renamed; simpoint.json comes last, so its presence
 * means the others are whole.
 * @returns the paths written.
 */
export async function writeSimPointFiles(dir: string, files: SimPointFiles): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of [['bbv.bb', files.bb], ['simpoints', files.simpoints], ['weights', files.weights], ['simpoint.json', files.json]] as const) {
    const path = join(dir, name);
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
    written.push(path);
  }
  return written;
}
