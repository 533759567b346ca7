import { describe, expect, it } from 'vitest';
import { parseFdinfo } from '../../src/capture/procfs/fdinfo.js';
import { parseStackLimit } from '../../src/capture/procfs/limits.js';
import { parseMaps } from '../../src/capture/procfs/maps.js';
import { parseStat } from '../../src/capture/procfs/stat.js';

// Saved from /proc on Linux 6.18 (Debian 12 userland); the Perms column gdb 12+ prints is not involved.
const MAPS = `55e967fe2000-55e967fe4000 r--p 00000000 fe:00 260131                     /usr/bin/cat
55e9a08d5000-55e9a08f6000 rw-p 00000000 00:00 0                          [heap]
7fb23f43f000-7fb23f461000 rw-p 00000000 00:00 0 
7fb23f6a7000-7fb23f6ae000 r--s 00000000 fe:00 338846                     /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache
7fb23f6b1000-7fb23f6b5000 r--p 00000000 00:00 0                          [vvar]
7fb23f6b5000-7fb23f6b7000 r--p 00000000 00:00 0                          [vvar_vclock]
7fb23f6b7000-7fb23f6b9000 r-xp 00000000 00:00 0                          [vdso]
7fb23f6c0000-7fb23f6c1000 rw-p 00000000 fe:00 1234                       /tmp/old file (deleted)
7ffd1d6f4000-7ffd1d715000 rw-p 00000000 00:00 0                          [stack]
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
`;

describe('/proc parsers', () => {
  it('parses maps lines, including shared, deleted, anonymous and kernel regions', () => {
    const regions = parseMaps(MAPS);
    expect(regions.map((r) => r.kind)).toEqual(['file', 'heap', 'anon', 'file', 'vvar', 'vvar', 'vdso', 'file', 'stack', 'vsyscall']);
    expect(regions[0]).toMatchObject({ start: 0x55e967fe2000n, end: 0x55e967fe4000n, prot: { read: true, write: false, exec: false }, path: '/usr/bin/cat', inode: 260131 });
    expect(regions[2]!.path).toBeUndefined();
    expect(regions[3]!.shared).toBe(true);
    expect(regions[7]).toMatchObject({ path: '/tmp/old file', deleted: true });
    expect(regions[9]!.end).toBe(0xffffffffff601000n);
  });

  it('rejects a line that is not a maps line', () => {
    expect(() => parseMaps('garbage\n')).toThrow(/cannot parse/);
  });

  it('reads pos and the octal flags of fdinfo', () => {
    expect(parseFdinfo('pos:\t4096\nflags:\t02100001\nmnt_id:\t24\nino:\t3\n')).toEqual({ offset: 4096n, flags: 0o2100001 });
  });

  it('reads state, threads, starttime and start_brk from stat even with spaces and parentheses in comm', () => {
    const fields = Array.from({ length: 52 }, (_, i) => String(i + 1));
    fields[2] = 't';
    fields[19] = '1';
    fields[21] = '4242';
    fields[46] = '93824992235520';
    const text = `1234 (a) b (c)) ${fields.slice(2).join(' ')}\n`;
    expect(parseStat(text)).toEqual({ state: 't', numThreads: 1, startTime: 4242n, startBrk: 93824992235520n });
  });

  it('reads the soft stack limit', () => {
    expect(parseStackLimit('Limit                     Soft Limit           Hard Limit           Units     \nMax stack size            8388608              unlimited            bytes     \n')).toBe(8388608n);
    expect(parseStackLimit('Max stack size            unlimited            unlimited            bytes     \n')).toBeUndefined();
  });
});
