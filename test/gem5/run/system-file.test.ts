import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SystemFileError } from '../../../src/errors.js';
import { parseParams, readSystemFile } from '../../../src/gem5/run/system-file.js';
import { ROOT } from '../../helpers/paths.js';
import { testWorkDir } from '../../helpers/work-dir.js';

const work = testWorkDir('lapidary-sysfile-');
const SKYLAKE = join(ROOT, 'config', 'systems', 'skylake_o3.py');

function file(name: string, text: string): string {
  const path = join(work(), name);
  writeFileSync(path, text);
  return path;
}

async function refusal(promise: Promise<unknown>): Promise<SystemFileError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SystemFileError);
  return error as SystemFileError;
}

describe('system files: PARAMS read with Python\'s own parser, before gem5 runs', () => {
  it('reads the shipped Skylake example\'s parameters with their Python types, in declaration order', async () => {
    const system = await readSystemFile(SKYLAKE);
    expect(system.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(system.params.slice(0, 2)).toEqual([{ name: 'rob', type: 'int', default: 224 }, { name: 'iq', type: 'int', default: 97 }]);
    expect(system.params.find((p) => p.name === 'l2_size')).toEqual({ name: 'l2_size', type: 'str', default: '256KiB' });
    expect(system.params.find((p) => p.name === 'bp')).toEqual({ name: 'bp', type: 'str', default: 'TAGE_SC_L_64KB' });
  });

  it('types --param values from the declared defaults and refuses unknown keys with the known ones listed', async () => {
    const system = await readSystemFile(file('typed.py', 'PARAMS = {"rob": 192, "scale": 1.0, "prefetch": True, "l2": "1MiB"}\ndef detailed_cpu(params):\n    pass\n'));
    expect(parseParams(system, ['rob=96', 'scale=2', 'prefetch=false', 'l2=4MiB', 'rob=128'])).toEqual({ rob: 128, scale: 2, prefetch: false, l2: '4MiB' });
    expect(system.params.find((p) => p.name === 'scale')!.type).toBe('float');
    const unknown = (() => { try { parseParams(system, ['l3_size=8MiB']); } catch (e) { return e as SystemFileError; } })()!;
    expect(unknown).toBeInstanceOf(SystemFileError);
    expect(unknown.message).toMatch(/declares no parameter "l3_size"/);
    expect(unknown.hint).toBe('known parameters: rob (int, default 192), scale (float, default 1), prefetch (bool, default true), l2 (str, default "1MiB")');
    expect(() => parseParams(system, ['rob=1.5'])).toThrow(/rob=1.5: rob is a int/);
    expect(() => parseParams(system, ['prefetch=maybe'])).toThrow(/prefetch is a bool/);
    expect(() => parseParams(system, ['scale=fast'])).toThrow(/scale is a float/);
    expect(() => parseParams(system, ['rob'])).toThrow(/expected KEY=VALUE/);
  });

  it('refuses a file that is not Python, a PARAMS that is not a literal dict, and a file without detailed_cpu', async () => {
    expect((await refusal(readSystemFile(file('syntax.py', 'PARAMS = {"rob": 192\ndef detailed_cpu(params):\n    pass\n')))).message).toMatch(/line 1: .*Python syntax error/);
    expect((await refusal(readSystemFile(file('computed.py', 'ROB = 192\nPARAMS = {"rob": ROB}\ndef detailed_cpu(params):\n    pass\n')))).message).toMatch(/line 2: PARAMS is not a literal/);
    expect((await refusal(readSystemFile(file('list.py', 'PARAMS = [1]\ndef detailed_cpu(params):\n    pass\n')))).message).toMatch(/PARAMS is a list, not a dict/);
    expect((await refusal(readSystemFile(file('object.py', 'PARAMS = {"sizes": [1, 2]}\ndef detailed_cpu(params):\n    pass\n')))).message).toMatch(/defaults must be int, float, bool or str/);
    expect((await refusal(readSystemFile(file('nocpu.py', 'PARAMS = {}\ndef caches(system, cpu, params):\n    pass\n')))).message).toMatch(/defines no detailed_cpu\(params\) function/);
    expect((await refusal(readSystemFile(join(work(), 'absent.py')))).message).toMatch(/cannot read system file/);
  });

  it('accepts a file without PARAMS (no parameters) and never runs the file', async () => {
    const system = await readSystemFile(file('plain.py', 'raise SystemExit("executed")\ndef detailed_cpu(params):\n    pass\n'));
    expect(system.params).toEqual([]);
    expect(() => parseParams(system, ['rob=1'])).toThrow(SystemFileError);
  });
});
