import { execContinue, type StopEvent } from '../mi/index.js';
import type { LaunchedTarget } from './launch.js';

/**
 * Resume the target (`-exec-continue`). After a snapshot rewrote the program counter, gdb no
 * longer knows that it stopped at the breakpoint under the PC and would report it hit again at
 * once; so the first resume after a snapshot steps over that one instruction with breakpoints
 * disabled, as gdb itself does after a breakpoint stop (infrun.c `proceed`, stepping_over_breakpoint).
 * @returns a stop that already happened during that step (the program ended), else undefined:
 * the next stop then comes from waitForStop().
 */
export async function resumeTarget(target: LaunchedTarget): Promise<StopEvent | undefined> {
  const { session } = target;
  if (target.stepOverAt !== undefined) {
    const pc = target.stepOverAt;
    target.stepOverAt = undefined;
    const table = (await session.send('-break-list')).results.tuple('BreakpointTable');
    const enabled = table.tupleList('body').filter((b) => b.optStr('enabled') === 'y');
    const atPc = enabled.some((b) => {
      const addrs = b.has('locations') ? b.tupleList('locations').map((l) => l.optStr('addr')) : [b.optStr('addr')];
      return addrs.some((a) => a !== undefined && /^0x[0-9a-f]+$/i.test(a) && BigInt(a) === pc);
    });
    if (atPc) {
      const numbers = enabled.map((b) => b.int('number'));
      await session.send(`-break-disable ${numbers.join(' ')}`);
      try {
        await session.send('-exec-step-instruction');
        const stop = await session.waitForStop();
        if (stop.exited || stop.reason !== 'end-stepping-range') return stop;
      } finally {
        await session.send(`-break-enable ${numbers.join(' ')}`).catch(() => undefined);
      }
    }
  }
  await execContinue(session);
  return undefined;
}
