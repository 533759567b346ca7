import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { findElfSymbol } from '../capture/elf-symbols.js';

const PT_LOAD = 1;
const PT_INTERP = 3;

interface ProgramHeader {
  type: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
}

/** The program headers of an ELF64 little-endian file, or undefined if it is not one. */
async function programHeaders(path: string): Promise<ProgramHeader[] | undefined> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(64);
    await file.read(header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    await file.read(table, 0, table.length, phoff);
    const result: ProgramHeader[] = [];
    for (let i = 0; i < phnum; i++) {
      const ph = table.subarray(i * phentsize);
      result.push({ type: ph.readUInt32LE(0), offset: ph.readBigUInt64LE(8), vaddr: ph.readBigUInt64LE(16), filesz: ph.readBigUInt64LE(32) });
    }
    return result;
  } finally {
    await file.close();
  }
}

/** The file offset of a symbol (from .dynsym or .symtab), or undefined if there is none. */
export async function symbolFileOffset(path: string, name: string): Promise<bigint | undefined> {
  const symbol = await findElfSymbol(path, name);
  const headers = await programHeaders(path);
  if (symbol === undefined || headers === undefined) return undefined;
  const load = headers.find((ph) => ph.type === PT_LOAD && symbol.value >= ph.vaddr && symbol.value < ph.vaddr + ph.filesz);
  return load === undefined ? undefined : symbol.value - load.vaddr + load.offset;
}

/** PT_INTERP of an executable (its dynamic loader), or undefined for a static one. */
export async function interpreterOf(path: string): Promise<string | undefined> {
  const headers = await programHeaders(path);
  const interp = headers?.find((ph) => ph.type === PT_INTERP);
  if (interp === undefined) return undefined;
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Number(interp.filesz));
    await file.read(buffer, 0, buffer.length, Number(interp.offset));
    return buffer.toString('latin1').replace(/\0.*$/s, '');
  } finally {
    await file.close();
  }
}

/**
 * The libc a dynamically linked program loads, as its own loader resolves it with the program's
 * environment (`ld.so --list`, which honours LD_LIBRARY_PATH), or undefined.
 */
export async function libcOf(exe: string, env: readonly string[]): Promise<string | undefined> {
  const interp = await interpreterOf(exe);
  if (interp === undefined) return undefined;
  const environment = Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const { stdout } = await promisify(execFile)(interp, ['--list', exe], { env: environment, maxBuffer: 1 << 20 });
  const line = stdout.split('\n').find((l) => /^\s*libc\.so\.\d+ => /.test(l));
  return line?.replace(/^\s*libc\.so\.\d+ => (\S+).*$/, '$1');
}
