import { describe, expect, it } from 'vitest';
import { pendingCleanupCount, registerCleanup, runCleanups } from '../../src/gdb/index.js';

describe('cleanup registry', () => {
  it('runs every registered hook once, the last registered first, even when one throws, and forgets them', () => {
    const ran: string[] = [];
    const before = pendingCleanupCount();
    registerCleanup(() => ran.push('a'));
    registerCleanup(() => {
      throw new Error('a failing hook');
    });
    registerCleanup(() => ran.push('c'));
    expect(pendingCleanupCount()).toBe(before + 3);
    runCleanups();
    runCleanups();
    expect(ran).toEqual(['c', 'a']);
    expect(pendingCleanupCount()).toBe(0);
  });

  it('does not run an unregistered hook', () => {
    const ran: string[] = [];
    const unregister = registerCleanup(() => ran.push('gone'));
    unregister();
    runCleanups();
    expect(ran).toEqual([]);
  });
});
