/**
 * The checkpoint version tags a gem5 v24.0.0.1 binary knows: one per upgrader file in
 * util/cpt_upgraders/*.py, emitted at build time by `util/cpt_upgrader.py --get-cc-file`
 * (src/SConscript:647-648). Written sorted into `[root.globals] version_tags`
 * (src/sim/globals.cc:58-63). A tag missing from a checkpoint makes `cpt_upgrader.py`
 * apply that upgrader, so all 29 must be present.
 */
export const GEM5_V24_VERSION_TAGS: readonly string[] = [
  'arm-ccregs', 'arm-contextidr-el2', 'arm-gem5-gic-ext', 'arm-gicv2-banked-regs',
  'arm-hdlcd-upgrade', 'arm-miscreg-teehbr', 'arm-sve', 'arm-sysreg-mapping-ns', 'armv8',
  'cpu-pid', 'dvfs-perflevel', 'etherswitch', 'globals-to-root', 'ide-dma-abort',
  'isa-is-simobject', 'memory-per-range', 'mempool-sections', 'mempool-to-seworkload',
  'multiple-event-queues', 'process-fdmap-rename', 'register-files',
  'remove-arm-cpsr-mode-miscreg', 'riscv-dyn-vlen', 'riscv-pcstate', 'riscv-vext',
  'ruby-block-size-bytes', 'smt-interrupts', 'x86-add-tlb', 'x86-add-xcr0',
];
