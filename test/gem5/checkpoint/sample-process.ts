import type { ProcessState } from '../../../src/process/types.js';

/** A small hand-made process state for writer tests (values chosen to be recognisable). */
export function sampleProcess(overrides: Partial<ProcessState> = {}): ProcessState {
  const st = Array.from({ length: 8 }, () => new Uint8Array(10));
  const xmm = Array.from({ length: 16 }, (_, i) => Uint8Array.from({ length: 16 }, (_, b) => (i * 16 + b) & 0xff));
  return {
    pid: 1234,
    exe: '/usr/bin/sample',
    argv: ['sample'],
    cwd: '/work',
    threads: [{
      tid: 1234,
      gpr: {
        rax: 1n, rbx: 2n, rcx: 3n, rdx: 4n, rsi: 5n, rdi: 6n, rbp: 7n, rsp: 0x7fffffffe000n,
        r8: 8n, r9: 9n, r10: 10n, r11: 11n, r12: 12n, r13: 13n, r14: 14n, r15: 15n,
        rip: 0x401000n, rflags: 0x293n,
      },
      segments: { cs: 0x33, ss: 0x2b, ds: 0, es: 0, fs: 0, gs: 0, fsBase: 0x7ffff7d8a740n, gsBase: 0n },
      x87: { st, fcw: 0x37f, fsw: 0, ftw: 0xffff, fop: 0, fioff: 0n, fooff: 0n },
      sse: { xmm, mxcsr: 0x1f80 },
    }],
    regions: [
      { start: 0x400000n, end: 0x402000n, prot: { read: true, write: false, exec: true }, shared: false, offset: 0n, device: 'fe:00', inode: 1, path: '/usr/bin/sample', deleted: false, kind: 'file' },
      { start: 0x7ffff7ff8000n, end: 0x7ffff7ffc000n, prot: { read: true, write: false, exec: false }, shared: false, offset: 0n, device: '00:00', inode: 0, path: '[vvar]', deleted: false, kind: 'vvar' },
      { start: 0x7ffffffde000n, end: 0x7ffffffff000n, prot: { read: true, write: true, exec: false }, shared: false, offset: 0n, device: '00:00', inode: 0, path: '[stack]', deleted: false, kind: 'stack' },
    ],
    brk: { start: 0x403000n, current: 0x403000n },
    stack: { start: 0x7ffffffde000n, end: 0x7ffffffff000n, maxSize: 8388608n },
    fds: [
      { fd: 2, target: '/dev/pts/0', flags: 2, offset: 0n, closeOnExec: false, type: 'chardev', disposition: 'stdio' },
      { fd: 3, target: '/work/input.txt', flags: 0, offset: 4096n, closeOnExec: false, type: 'file', disposition: 'reopen' },
      { fd: 4, target: 'pipe:[123]', flags: 1, offset: 0n, closeOnExec: true, type: 'fifo', disposition: 'closed', reason: 'pipe' },
    ],
    notes: [],
    ...overrides,
  };
}
