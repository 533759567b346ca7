/**
 * insts: checkpoints at exact retired-instruction counts without a hardware PMU
 * (docs/instruction-counting.md). A profiling pass under the lapinsts Valgrind tool turns
 * positions into (pc, count) markers with routes; reachMarker drives the native run under gdb to
 * each with kernel-counted breakpoints (perf breakpoint events) or gdb's, and single-steps.
 * Imports src/gdb and src/mi; knows nothing of checkpoints or gem5.
 */
export type { CodeLocation, HopAction, InstsMethod, InstsOrigin, Marker, PointSpec, ProgramSpec, RepAction, RouteAction, StepAction } from './types.js';
export { InstsError } from './errors.js';
export { valgrindRecount, planInstructionPoints, type InstructionPlan, type PlanOptions } from './plan.js';
export {
  nativeAddress, nativeLocation, parseNativeMaps, reachMarker, readNativeMaps, repStringLength, stepInstructions,
  type NativeMapping, type NativeTarget, type ReachOptions, type ReachResult,
} from './reach.js';
export {
  COST_MODELS, STEPI_INSTRUCTIONS_PER_SECOND, chooseMethod, estimateCost, methodsAvailable,
  type CostEstimate, type CostModel, type MethodAvailability,
} from './methods.js';
export { HWBP_HELPER, NATIVE_DIR, PTRACE_HELPER, VALGRIND_TOOL_DIR, findValgrind, nativeToolStatus, type NativeToolStatus } from './native-tools.js';
