import { describe, expect, it } from 'vitest';
import { encodeCpio } from '../../src/vm/cpio.js';
import { cpuModel, DEFAULT_HIDDEN_FEATURES, hiddenFeatures, parseCpuFeatures } from '../../src/vm/features.js';
import { planGuestRun } from '../../src/vm/guest-run.js';
import { moduleLoadOrder } from '../../src/vm/kernel.js';
import { qemuValue } from '../../src/vm/qemu.js';
import type { TargetSpec } from '../../src/create/launch.js';

describe('VM pieces that need no VM', () => {
  it('writes newc cpio entries the kernel can unpack (110-byte headers, 4-byte alignment, trailer)', () => {
    const archive = encodeCpio([
      { kind: 'dir', path: '/a', mode: 0o755 },
      { kind: 'file', path: '/a/b', mode: 0o644, data: Buffer.from('hello') },
      { kind: 'symlink', path: '/c', target: 'a/b' },
    ]);
    expect(archive.length % 4).toBe(0);
    const names: string[] = [];
    for (let at = 0; at < archive.length;) {
      const head = archive.subarray(at, at + 110).toString('latin1');
      expect(head.slice(0, 6)).toBe('070701');
      const field = (i: number) => parseInt(head.slice(6 + i * 8, 14 + i * 8), 16);
      const size = field(6);
      const nameSize = field(11);
      const name = archive.subarray(at + 110, at + 110 + nameSize - 1).toString('utf8');
      names.push(name);
      at += Math.ceil((110 + nameSize) / 4) * 4;
      if (name === 'a/b') expect(archive.subarray(at, at + size).toString()).toBe('hello');
      at += Math.ceil(size / 4) * 4;
      if (name === 'TRAILER!!!') break;
    }
    expect(names).toEqual(['a', 'a/b', 'c', 'TRAILER!!!']);
  });

  it('hides the default features, with +NAME exposing and -NAME adding, and builds the -cpu value', () => {
    const defaults = hiddenFeatures(parseCpuFeatures(undefined));
    expect(defaults).toEqual(DEFAULT_HIDDEN_FEATURES.map((f) => f.name));
    for (const name of ['avx', 'avx2', 'avx512f', 'fma', 'bmi1', 'bmi2', 'xsave', 'xsavec', 'sse4.2', 'abm', 'movbe', 'rtm']) expect(defaults).toContain(name);
    const changed = hiddenFeatures(parseCpuFeatures('+erms,-popcnt'));
    expect(changed).not.toContain('erms');
    expect(changed).toContain('popcnt');
    expect(hiddenFeatures(parseCpuFeatures('none,avx2'))).toEqual(['avx2']);
    expect(cpuModel('tcg', ['avx2'])).toBe('max,-avx2');
    expect(cpuModel('kvm', ['avx2'])).toBe('host,-arch-capabilities,-avx2');
    expect(() => parseCpuFeatures('+a b')).toThrow(/not a QEMU CPU feature name/);
    expect(qemuValue('/x,y')).toBe('/x,,y');
  });

  it('loads kernel modules dependencies first and skips built-in ones', () => {
    const dep = [
      'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko',
      'kernel/net/9p/9pnet.ko:',
      'kernel/fs/netfs/netfs.ko:',
      'kernel/drivers/virtio/virtio_ring.ko:',
    ].join('\n');
    expect(moduleLoadOrder(dep, 'kernel/fs/netfs/netfs.ko\n', ['9p'])).toEqual({ modules: ['kernel/net/9p/9pnet.ko', 'kernel/fs/netfs/netfs.ko', 'kernel/fs/9p/9p.ko'] });
    expect(moduleLoadOrder(dep, '', ['virtio_net'])).toEqual({ missing: 'virtio_net' });
  });

  it('shares the working directory and output directories, and forwards host-only stdio through ports', () => {
    const spec: TargetSpec = { exe: '/bin/true', argv: ['true'], env: [], cwd: '/work/run', stdin: '/dev/null', stdout: '/work/run/out/o.txt', stderr: 'append:/proc/123/fd/2' };
    const plan = planGuestRun(spec, ['/data/results']);
    expect(plan.shares.map((s) => s.path)).toEqual(['/work/run', '/data/results']);
    expect(plan.spec.stdout).toBe('/work/run/out/o.txt');
    expect(plan.spec.stderr).toBe('append:/dev/lapidary.stderr');
    expect(plan.stderrFile).toBe('/proc/123/fd/2');
    expect(planGuestRun({ ...spec, cwd: '/' }).notes[0]).toMatch(/not shared/);
    expect(() => planGuestRun({ ...spec, stdin: '/dev/pts/3' })).toThrow(/stdin/);
  });
});
