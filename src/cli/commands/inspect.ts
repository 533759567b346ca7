import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { cptValue, parseCpt } from '../../gem5/checkpoint/ini.js';
import { listCheckpoints } from '../../gem5/checkpoint/layout.js';
import { closedFdNote, MANIFEST_FILE, readManifest } from '../../gem5/checkpoint/manifest.js';
import { sePyArguments } from '../../gem5/checkpoint/se-py.js';
import { verifyCheckpoint } from '../../gem5/checkpoint/verify.js';
import { defineCommand } from '../command.js';
import { formatBytes, shellWords } from '../format.js';
import { println, type CliIo } from '../io.js';

const hex = (text: string | undefined): string => (text === undefined ? '?' : `0x${BigInt(text).toString(16)}`);

export const inspectCommand = defineCommand({
  command: 'inspect <checkpoint>',
  describe: 'show what a checkpoint holds: program, registers, VMAs, files',
  builder: (y) =>
    y
      .positional('checkpoint', { type: 'string', demandOption: true, describe: 'a cpt.N directory' })
      .option('check', { type: 'boolean', default: false, describe: 'first check every file against the sha256 its manifest records (refuses a damaged checkpoint)' }),
  run: async (args, io: CliIo) => {
    const dir = resolve(io.cwd, args.checkpoint);
    const manifest = await readManifest(dir);
    if (args.check) {
      await verifyCheckpoint(dir, manifest);
      println(io.stdout, `checked: ${Object.keys(manifest.checksums).length} files match the sha256 recorded in ${MANIFEST_FILE}`);
    }
    const cpt = parseCpt(await readFile(join(dir, 'm5.cpt'), 'utf8'));
    const value = (section: string, key: string): string | undefined => cptValue(cpt, section, key);
    println(io.stdout, `checkpoint ${manifest.index}: ${manifest.target.argv.join(' ')} (pid ${manifest.target.pid}) after ${manifest.elapsedSeconds.toFixed(3)} s`);
    println(io.stdout, `pc ${hex(value('system.cpu.xc.0', '_pc'))}  rsp ${manifest.registers.rsp}  rflags ${manifest.registers.rflags}  fs_base ${manifest.registers.fsBase}`);
    println(io.stdout, `brk ${hex(value('system.cpu.workload', 'brkPoint'))}  stack ${hex(value('system.cpu.workload', 'stackMin'))}-${hex(value('system.cpu.workload', 'stackBase'))}  mmapEnd ${hex(value('system.cpu.workload', 'mmapEnd'))}`);
    const m = manifest.memory;
    println(io.stdout, `memory: ${m.pagesStored} pages stored (${formatBytes(m.bytesStored)}, ${formatBytes(m.bytesCompressed)} gzip), ${m.zeroPagesSkipped} zero and ${m.untouchedPagesSkipped} untouched pages left to gem5; mem size ${formatBytes(Number(manifest.gem5.memSize))}`);
    const vmas = Number(value('system.cpu.workload.vmalist', 'size') ?? 0);
    println(io.stdout, `VMAs (${vmas}):`);
    for (let i = 0; i < vmas; i++) {
      const s = `system.cpu.workload.vmalist.Vma${i}`;
      println(io.stdout, `  ${hex(value(s, 'addrRangeStart'))}-${hex(value(s, 'addrRangeEnd'))}  ${value(s, 'name')}`);
    }
    println(io.stdout, `files reopened by gem5 (${manifest.files.length}):`);
    for (const f of manifest.files) println(io.stdout, `  fd ${f.fd}  ${f.path} at ${f.offset}${f.snapshot ? ` (snapshot ${f.snapshot})` : ''}`);
    println(io.stdout, `descriptors closed after restore (${manifest.closedFds.length}):`);
    for (const f of manifest.closedFds) println(io.stdout, `  fd ${f.fd}  ${f.target}: ${f.reason}`);
    const stdin = manifest.stdio.stdin;
    if (stdin?.rest !== undefined) println(io.stdout, `stdin: ${stdin.target} at ${stdin.offset}; the unread rest (${stdin.restBytes} bytes) is ${join(dir, stdin.rest)}`);
    // The closed descriptors' notes repeat the list above.
    const listed = new Set(manifest.closedFds.map(closedFdNote));
    for (const note of manifest.notes.filter((n) => !listed.has(n))) println(io.stdout, `note: ${note}`);
    // se.py's -r k is the k-th cpt.N of the directory in numeric order (configs/common/Simulation.py findCptDir).
    const k = (await listCheckpoints(dirname(dir))).findIndex((c) => c.name === basename(dir)) + 1;
    if (k > 0) println(io.stdout, `gem5's se.py restores it with: gem5.opt ${shellWords(sePyArguments(dir, k, manifest))}`);
    return 0;
  },
});
