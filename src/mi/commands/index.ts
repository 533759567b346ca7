/**
 * mi/commands: one typed function per MI command, one file per GDB-manual chapter. Each builds
 * the command text and reads the reply through any MiCommandSender (GdbSession implements it).
 * Owns: command syntax and reply shapes. Must not import src/gdb (or anything doing I/O itself);
 * the session is passed in.
 */
export type { MiCommandSender } from './sender.js';
export { execContinue, execInterrupt, execRun, execStepInstruction } from './exec.js';
export { environmentCd, execArguments, fileExecAndSymbols, inferiorTtySet } from './program.js';
export { gdbSet, gdbShow, interpreterExecConsole, listFeatures } from './misc.js';
export {
  evaluateExpression, listRegisterNames, listRegisterValues, readMemoryBlocks, readMemoryBytes,
  type MemoryBlock, type RegisterFormat, type RegisterValue,
} from './data.js';
export {
  deleteBreakpoints, insertBreakpoint, readBreakpoint,
  type Breakpoint, type BreakpointLocation, type InsertBreakpointOptions,
} from './break.js';
export { threadInfo, type ThreadInfo } from './thread.js';
