import { connect, type Socket } from 'node:net';
import { open, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:os';
import { VmAgentError } from '../errors.js';
import type { FileKind, ProcAccess, RandomReader } from '../capture/proc-access.js';

/** Operation codes of lapidary-vm-agent (src/native/vm-agent.c). */
const OP = { hello: 1, readFile: 2, readlink: 3, readdir: 4, kind: 5, open: 6, pread: 7, close: 8, writeFile: 9, powerOff: 10 } as const;
/** Reply flag: the PREAD bytes are in the shared-memory window, not in the stream. */
const FLAG_SHM = 1;
/** The agent's largest PREAD, bytes (MAX_PREAD in vm-agent.c). */
export const AGENT_MAX_READ = 16 * 1024 * 1024;
const REQUEST_HEADER = 32;
const REPLY_HEADER = 16;

const KINDS: Record<string, FileKind> = { f: 'file', c: 'chardev', b: 'blockdev', d: 'directory', p: 'fifo', s: 'socket', o: 'other' };

/** errno number → name (ENOENT, EIO, …), so agent errors look like Node's fs errors. */
const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, number]) => [number, name]));

/** An error the agent reported for one request, shaped like Node's fs errors (`code` is the errno name). */
function agentErrno(status: number, what: string): NodeJS.ErrnoException {
  const code = ERRNO_NAMES.get(-status) ?? `E${-status}`;
  const error: NodeJS.ErrnoException = new Error(`${code}: ${what} (in the VM guest)`);
  error.code = code;
  error.errno = status;
  return error;
}

interface Pending {
  id: number;
  what: string;
  /** Where a PREAD's bytes go; other replies are collected into a new buffer. */
  into?: { buffer: Buffer; offset: number };
  resolve(reply: { status: number; data: Buffer; shm: boolean }): void;
  reject(error: Error): void;
}

/**
 * A connection to the agent in the guest over its virtio-serial port, whose host end is the
 * unix socket of a QEMU `socket` chardev (QEMU docs/system/invocation, "-chardev socket").
 * Requests are pipelined; the agent answers in order. PREAD answers may come through a shared
 * memory window (an ivshmem-plain device backed by a host file: QEMU docs/specs/ivshmem-spec.rst):
 * then at most one read is outstanding at a time, since the window is reused.
 */
export class AgentClient {
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private current: { pending: Pending; status: number; length: number; flags: number; received: number; data?: Buffer } | undefined;
  private failure: Error | undefined;
  private shmLock: Promise<void> = Promise.resolve();

  private shm: FileHandle | undefined;
  /** The agent's HELLO answer, e.g. `lapidary-vm-agent/1 shm=16777216`. */
  banner = '';

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.fail(new VmAgentError('the connection to the VM agent closed')));
    socket.on('error', (error) => this.fail(new VmAgentError(`the connection to the VM agent failed: ${error.message}`)));
  }

  /**
   * Connect to the agent's socket and exchange HELLO, retrying until `timeoutMs` (the guest may
   * still be starting the agent). `shmPath` is the host file behind the shared-memory window.
   * @throws VmAgentError when no agent answers in time.
   */
  static async connect(socketPath: string, options: { timeoutMs: number; shmPath?: string; alive?: () => boolean }): Promise<AgentClient> {
    const deadline = Date.now() + options.timeoutMs;
    let lastError = 'no answer';
    while (Date.now() < deadline && (options.alive?.() ?? true)) {
      const socket = await new Promise<Socket | undefined>((resolve) => {
        const s = connect(socketPath);
        s.once('connect', () => resolve(s));
        s.once('error', (error) => {
          lastError = error.message;
          resolve(undefined);
        });
      });
      if (socket !== undefined) {
        const shm = options.shmPath === undefined ? undefined : await open(options.shmPath, 'r').catch(() => undefined);
        const client = new AgentClient(socket);
        try {
          const hello = await withTimeout(client.request(OP.hello, 'HELLO'), Math.max(1000, deadline - Date.now()));
          const banner = hello.data.toString('utf8');
          if (!banner.startsWith('lapidary-vm-agent/1')) throw new VmAgentError(`unexpected agent banner ${JSON.stringify(banner)}`);
          const usesShm = Number(/shm=(\d+)/.exec(banner)?.[1] ?? 0) >= AGENT_MAX_READ && shm !== undefined;
          if (usesShm) client.shm = shm;
          else await shm?.close();
          client.banner = banner;
          return client;
        } catch (error) {
          client.detach();
          socket.destroy();
          await shm?.close();
          if (error instanceof VmAgentError && !/timed out/.test(error.message)) throw error;
          lastError = (error as Error).message;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new VmAgentError(`the VM agent did not answer within ${options.timeoutMs} ms (${lastError})`);
  }

  /** Whether PREAD data comes through shared memory. */
  get sharedMemory(): boolean {
    return this.shm !== undefined;
  }

  /** The guest file's contents. Rejects with an errno-coded error (ENOENT, …). */
  async readFile(path: string): Promise<Buffer> {
    return (await this.request(OP.readFile, `read ${path}`, { path })).data;
  }

  async readlink(path: string): Promise<string> {
    return (await this.request(OP.readlink, `readlink ${path}`, { path })).data.toString('utf8');
  }

  async readdir(path: string): Promise<string[]> {
    const data = (await this.request(OP.readdir, `readdir ${path}`, { path })).data.toString('utf8');
    return data.split('\0').filter((n) => n !== '');
  }

  async kind(path: string): Promise<FileKind | undefined> {
    try {
      return KINDS[(await this.request(OP.kind, `stat ${path}`, { path })).data.toString('latin1')] ?? 'other';
    } catch (error) {
      if (error instanceof VmAgentError) throw error;
      return undefined;
    }
  }

  /** Write (create or replace) a guest file, making its directories. */
  async writeFile(path: string, data: Buffer | string, mode = 0o644): Promise<void> {
    await this.request(OP.writeFile, `write ${path}`, { path, data: Buffer.isBuffer(data) ? data : Buffer.from(data), a: BigInt(mode) });
  }

  /** A positional reader of a guest file (/proc/PID/mem, /proc/PID/pagemap). */
  async openReader(path: string): Promise<RandomReader> {
    const handle = (await this.request(OP.open, `open ${path}`, { path })).status;
    let closed = false;
    return {
      read: (buffer, offset, length, position) => this.read(handle, path, buffer, offset, length, position),
      close: async () => {
        if (closed) return;
        closed = true;
        await this.request(OP.close, `close ${path}`, { a: BigInt(handle) });
      },
    };
  }

  /** Ask the guest to power off (sync, then reboot(RB_POWER_OFF)). */
  async powerOff(): Promise<void> {
    await this.request(OP.powerOff, 'power off');
  }

  /** Close the connection. */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.shm?.close().catch(() => undefined);
  }

  /** This agent as the ProcAccess capture reads through. */
  procAccess(): ProcAccess {
    return {
      readFile: (path) => this.readFile(path),
      readlink: (path) => this.readlink(path),
      readdir: (path) => this.readdir(path),
      kind: (path) => this.kind(path),
      openReader: (path) => this.openReader(path),
    };
  }

  /**
   * pread(2) semantics over the agent: up to `length` bytes, fewer at an unreadable page, EIO
   * (rejected with code EIO) when the first byte is unreadable. Long reads go in AGENT_MAX_READ
   * pieces and stop at the first short piece.
   */
  private async read(handle: number, path: string, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    let done = 0;
    while (done < length) {
      const piece = Math.min(AGENT_MAX_READ, length - done);
      let got: number;
      try {
        got = await this.readPiece(handle, path, buffer, offset + done, piece, position + done);
      } catch (error) {
        if (done > 0 && !(error instanceof VmAgentError)) return done;
        throw error;
      }
      done += got;
      if (got < piece) break;
    }
    return done;
  }

  private async readPiece(handle: number, path: string, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    const lengthBytes = Buffer.alloc(4);
    lengthBytes.writeUInt32LE(length);
    const ask = () => this.request(OP.pread, `read ${path} at 0x${position.toString(16)}`, {
      a: BigInt(handle), b: BigInt(position), data: lengthBytes, into: { buffer, offset },
    });
    if (this.shm === undefined) return (await ask()).status;
    // One read at a time while the window holds its answer.
    const previous = this.shmLock;
    let release!: () => void;
    this.shmLock = new Promise((resolve) => { release = resolve; });
    await previous;
    try {
      const reply = await ask();
      if (reply.shm && reply.status > 0) {
        const { bytesRead } = await this.shm.read(buffer, offset, reply.status, 0);
        if (bytesRead !== reply.status) throw new VmAgentError(`shared memory window gave ${bytesRead} of ${reply.status} bytes`);
      }
      return reply.status;
    } finally {
      release();
    }
  }

  private request(
    op: number,
    what: string,
    fields: { path?: string; data?: Buffer; a?: bigint; b?: bigint; into?: Pending['into'] } = {},
  ): Promise<{ status: number; data: Buffer; shm: boolean }> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    const path = Buffer.from(fields.path ?? '', 'utf8');
    const data = fields.data ?? Buffer.alloc(0);
    const header = Buffer.alloc(REQUEST_HEADER);
    header.writeUInt32LE(op, 0);
    header.writeUInt32LE(id, 4);
    header.writeBigUInt64LE(fields.a ?? 0n, 8);
    header.writeBigUInt64LE(fields.b ?? 0n, 16);
    header.writeUInt32LE(path.length, 24);
    header.writeUInt32LE(data.length, 28);
    return new Promise((resolve, reject) => {
      this.queue.push({
        id, what, ...(fields.into ? { into: fields.into } : {}), reject,
        resolve: (reply) => (reply.status < 0 ? reject(agentErrno(reply.status, what)) : resolve(reply)),
      });
      this.socket.write(Buffer.concat([header, path, data]));
    });
  }

  private detach(): void {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    this.socket.removeAllListeners('error');
    this.socket.on('error', () => undefined);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.queue.splice(0)) pending.reject(this.failure);
    this.current = undefined;
  }

  private take(count: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = count < all.length ? [all.subarray(count)] : [];
    this.buffered -= count;
    return all.subarray(0, count);
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.current === undefined) {
        if (this.buffered < REPLY_HEADER) return;
        const header = this.take(REPLY_HEADER);
        const pending = this.queue.shift();
        const id = header.readUInt32LE(0);
        if (pending === undefined || pending.id !== id) {
          this.fail(new VmAgentError(`the VM agent answered request ${id}, expected ${pending?.id ?? 'none'}`));
          this.socket.destroy();
          return;
        }
        const length = header.readUInt32LE(8);
        const into = pending.into;
        if (into !== undefined && length > into.buffer.length - into.offset) {
          this.fail(new VmAgentError(`the VM agent sent ${length} bytes for a ${into.buffer.length - into.offset}-byte read`));
          this.socket.destroy();
          return;
        }
        this.current = {
          pending, status: header.readInt32LE(4), length, flags: header.readUInt32LE(12), received: 0,
          ...(into === undefined ? { data: Buffer.allocUnsafe(length) } : {}),
        };
      }
      const c = this.current;
      const want = c.length - c.received;
      if (want > 0) {
        if (this.buffered === 0) return;
        const piece = this.take(Math.min(want, this.buffered));
        const target = c.data ?? c.pending.into!.buffer;
        piece.copy(target, (c.data ? 0 : c.pending.into!.offset) + c.received);
        c.received += piece.length;
        if (c.received < c.length) return;
      }
      this.current = undefined;
      c.pending.resolve({ status: c.status, data: c.data ?? Buffer.alloc(0), shm: (c.flags & FLAG_SHM) !== 0 });
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
