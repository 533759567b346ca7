import { open } from 'node:fs/promises';

/** ELF constants (System V gABI, "Object Files"; elf(5)). */
const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const PT_LOAD = 1;

/**
 * Look up a symbol in an ELF64 little-endian file: .dynsym first, then .symtab.
 * @returns the symbol's link-time address (st_value) and the lowest PT_LOAD virtual address,
 * so that runtime address = symbol - lowestLoad + (start of the file's first mapping);
 * undefined if the file has no such symbol or is not ELF64.
 */
export async function findElfSymbol(path: string, name: string): Promise<{ value: bigint; lowestLoad: bigint } | undefined> {
  const file = await open(path, 'r');
  try {
    const read = async (offset: bigint | number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, Number(offset));
      return buffer;
    };
    const header = await read(0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
    const phoff = header.readBigUInt64LE(32);
    const shoff = header.readBigUInt64LE(40);
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const shentsize = header.readUInt16LE(58);
    const shnum = header.readUInt16LE(60);
    const programHeaders = await read(phoff, phentsize * phnum);
    let lowestLoad: bigint | undefined;
    for (let i = 0; i < phnum; i++) {
      const ph = programHeaders.subarray(i * phentsize);
      if (ph.readUInt32LE(0) !== PT_LOAD) continue;
      const vaddr = ph.readBigUInt64LE(16) & ~0xfffn;
      if (lowestLoad === undefined || vaddr < lowestLoad) lowestLoad = vaddr;
    }
    if (lowestLoad === undefined || shoff === 0n) return undefined;
    const sections = await read(shoff, shentsize * shnum);
    const section = (i: number): { type: number; offset: bigint; size: bigint; link: number; entsize: bigint } => {
      const sh = sections.subarray(i * shentsize);
      return { type: sh.readUInt32LE(4), offset: sh.readBigUInt64LE(24), size: sh.readBigUInt64LE(32), link: sh.readUInt32LE(40), entsize: sh.readBigUInt64LE(56) };
    };
    for (const wanted of [SHT_DYNSYM, SHT_SYMTAB]) {
      for (let i = 0; i < shnum; i++) {
        const table = section(i);
        if (table.type !== wanted || table.entsize === 0n) continue;
        const strings = section(table.link);
        const [symbols, names] = await Promise.all([read(table.offset, Number(table.size)), read(strings.offset, Number(strings.size))]);
        const entsize = Number(table.entsize);
        for (let at = 0; at + entsize <= symbols.length; at += entsize) {
          const nameOffset = symbols.readUInt32LE(at);
          if (names.toString('latin1', nameOffset, nameOffset + name.length + 1) !== `${name}\0`) continue;
          const value = symbols.readBigUInt64LE(at + 8);
          if (value !== 0n) return { value, lowestLoad };
        }
      }
    }
    return undefined;
  } finally {
    await file.close();
  }
}
