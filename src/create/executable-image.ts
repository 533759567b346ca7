import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UnsupportedTargetError } from '../errors.js';

/** ELF identification and header fields (System V gABI "ELF Header"; elf(5)). */
const ELF_MAGIC = 0x7f454c46;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const EM_X86_64 = 62;
/** Bytes the kernel reads to recognise a binary and a `#!` line (include/uapi/linux/binfmts.h, BINPRM_BUF_SIZE). */
const BINPRM_BUF_SIZE = 256;
/** Interpreter nesting the kernel allows for `#!` scripts (fs/exec.c, search_binary_handler: 5 levels). */
const MAX_SCRIPT_DEPTH = 4;

const E_TYPES: Record<number, string> = { 0: 'no file type', 1: 'a relocatable object file (.o)', 4: 'a core dump' };
const MACHINES: Record<number, string> = { 3: 'i386', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 40: 'ARM', 183: 'AArch64', 243: 'RISC-V' };

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(BINPRM_BUF_SIZE);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Why an ELF header cannot be run as an x86-64 Linux target, or undefined when it can:
 * 64-bit little-endian, machine x86-64, and an executable (ET_EXEC) or position-independent
 * executable / static-pie (ET_DYN) (gABI "ELF Header": e_ident[EI_CLASS], e_ident[EI_DATA] at
 * bytes 4 and 5, e_type at 16, e_machine at 18).
 */
export function elfProblem(head: Buffer): string | undefined {
  if (head.length < 20) return 'a truncated ELF file (shorter than its header)';
  if (head[4] !== ELFCLASS64) return head[4] === 1 ? `a 32-bit ELF (${MACHINES[head.readUInt16LE(18)] ?? `machine ${head.readUInt16LE(18)}`})` : `an ELF of unknown class ${head[4]}`;
  if (head[5] !== ELFDATA2LSB) return 'a big-endian ELF';
  const machine = head.readUInt16LE(18);
  if (machine !== EM_X86_64) return `an ELF for ${MACHINES[machine] ?? `machine ${machine}`}, not x86-64`;
  const type = head.readUInt16LE(16);
  if (type !== ET_EXEC && type !== ET_DYN) return `${E_TYPES[type] ?? `an ELF of type ${type}`}, not an executable`;
  return undefined;
}

/**
 * Check, before anything is started, that `path` is something lapidary can run and gem5 v24 X86
 * SE can restore: an x86-64 ELF executable (static, dynamic or static-pie), or a `#!` script
 * whose interpreter (followed as the kernel follows it, fs/binfmt_script.c) is one.
 * @param path an absolute path to an existing regular file.
 * @param cwd the target's working directory, against which the kernel resolves a relative interpreter.
 * @throws UnsupportedTargetError naming what the file is (32-bit, another machine, an object
 * file, neither ELF nor `#!`).
 */
export function checkExecutableImage(path: string, cwd: string, depth = 0): void {
  const head = readHead(path);
  const refuse = (what: string, hint: string): never => {
    throw new UnsupportedTargetError(`${path} is ${what}; lapidary runs x86-64 Linux programs only (gem5 v24 X86 SE)`, { hint });
  };
  if (head.length >= 4 && head.readUInt32BE(0) === ELF_MAGIC) {
    const problem = elfProblem(head);
    if (problem !== undefined) refuse(problem, 'build the program for x86-64 (e.g. without -m32) as an executable');
    return;
  }
  if (head.subarray(0, 2).toString('latin1') === '#!') {
    const line = head.subarray(2).toString('latin1').split('\n')[0]!.trim();
    const interpreter = line.split(/[ \t]/)[0] ?? '';
    if (interpreter === '') refuse('a #! script without an interpreter', 'put the interpreter\'s path after #!');
    if (depth >= MAX_SCRIPT_DEPTH) refuse(`a #! script nested more than ${MAX_SCRIPT_DEPTH} interpreters deep`, 'point --cmd at the interpreter itself');
    const absolute = isAbsolute(interpreter) ? interpreter : resolve(cwd, interpreter);
    try {
      checkExecutableImage(absolute, cwd, depth + 1);
    } catch (error) {
      if (error instanceof UnsupportedTargetError) throw error;
      refuse(`a #! script whose interpreter ${interpreter} cannot be read (${(error as Error).message})`, 'install the interpreter or fix the #! line');
    }
    return;
  }
  refuse('neither an ELF executable nor a #! script (execve would fail with ENOEXEC)', 'give a compiled program, or start a script with a #! line');
}
