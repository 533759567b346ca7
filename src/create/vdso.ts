import { TargetExitedError } from '../errors.js';
import type { GdbSession } from '../gdb/session.js';
import { AT_IGNORE, AT_NULL, AT_SYSINFO_EHDR } from '../capture/procfs/auxv.js';
import type { ProcAccess } from '../capture/proc-access.js';

/** How far above the initial stack pointer the auxiliary vector may lie, bytes (argv+envp pointers). */
const MAX_VECTOR_BYTES = 1024 * 1024;

/**
 * Find the address of the AT_SYSINFO_EHDR entry in the auxiliary vector on the initial stack
 * (System V x86-64 psABI 3.4.1: at RSP, argc, argv[], NULL, envp[], NULL, then auxv pairs).
 * Returns undefined when there is none.
 */
export function findSysinfoEntry(stack: Buffer, rsp: bigint): bigint | undefined {
  let at = 8 + Number(stack.readBigUInt64LE(0)) * 8 + 8; // argc, argv[], NULL
  while (at + 8 <= stack.length && stack.readBigUInt64LE(at) !== 0n) at += 8; // envp[]
  at += 8;
  for (; at + 16 <= stack.length; at += 16) {
    const type = stack.readBigUInt64LE(at);
    if (type === AT_NULL) return undefined;
    if (type === AT_SYSINFO_EHDR) return rsp + BigInt(at);
  }
  return undefined;
}

/**
 * At the program's first instruction (before ld.so runs), turn AT_SYSINFO_EHDR into AT_IGNORE
 * on the stack, so glibc never finds the vDSO and makes real system calls for clock_gettime,
 * gettimeofday, time and getcpu, which gem5 SE emulates. No patched glibc needed.
 * @returns whether an entry was removed.
 */
export async function removeVdsoFromAuxv(session: GdbSession, proc: ProcAccess, pid: number, rsp: bigint, stackEnd: bigint): Promise<boolean> {
  const length = Number(stackEnd - rsp < BigInt(MAX_VECTOR_BYTES) ? stackEnd - rsp : BigInt(MAX_VECTOR_BYTES));
  const stack = Buffer.alloc(length);
  const mem = await proc.openReader(`/proc/${pid}/mem`).catch(() => {
    throw new TargetExitedError(`cannot open /proc/${pid}/mem to edit the auxiliary vector`);
  });
  try {
    await mem.read(stack, 0, length, Number(rsp));
  } finally {
    await mem.close();
  }
  const entry = findSysinfoEntry(stack, rsp);
  if (entry === undefined) return false;
  const ignore = Buffer.alloc(8);
  ignore.writeBigUInt64LE(AT_IGNORE);
  await session.send(`-data-write-memory-bytes 0x${entry.toString(16)} ${ignore.toString('hex')}`);
  return true;
}
