/** Guest-side names shared by the image, the QEMU command line and the agent client. */
export const GUEST = {
  /** Where init finds the per-boot settings (a small cpio appended at launch, see runtimeArchive). */
  sharesFile: '/lapidary/shares',
  modulesFile: '/lapidary/modules',
  /** The guest's address on QEMU's user network (QEMU docs/system/devices/net.rst: 10.0.2.15 is slirp's first DHCP address). */
  address: '10.0.2.15',
  gdbserverPort: 2345,
  /** virtio-serial port names (`-device virtserialport,name=…`); init links /dev/NAME to each port. */
  agentPort: 'lapidary.agent',
  stdoutPort: 'lapidary.stdout',
  stderrPort: 'lapidary.stderr',
  /** Printed on the console by init. */
  initMarker: 'lapidary-guest: init',
  readyMarker: 'lapidary-guest: ready',
  failMarker: 'lapidary-guest: FAILED:',
} as const;

/**
 * The guest's /init, run by busybox's sh as PID 1: mount /proc, /sys, /dev; load the virtio and
 * 9p modules; bring up the NIC with QEMU user networking's fixed address; mount the host
 * directories shared over 9p (virtio transport, 9p2000.L, no caching so the host sees every
 * write at once: Linux Documentation/filesystems/9p.rst) at their host paths; link the
 * virtio-serial ports by name (/sys/class/virtio-ports/*\/name); start the agent and
 * `gdbserver --multi` (GDB manual, "Running gdbserver"). Any failure prints a FAILED line and
 * powers off, so the host reports it with the console's last lines.
 */
export function initScript(paths: { agent: string }): string {
  return `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /sbin /usr/sbin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
echo "${GUEST.initMarker}"
fail() { echo "${GUEST.failMarker} $*"; sync; poweroff -f; sleep 5; exit 1; }
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
while read -r module; do insmod "$module" || fail "insmod $module"; done < ${GUEST.modulesFile}
i=0; while [ ! -e /sys/class/net/eth0 ]; do i=$((i+1)); [ $i -gt 200 ] && fail "no network interface eth0"; sleep 0.05; done
ip link set lo up && ip link set eth0 up && ip addr add ${GUEST.address}/24 dev eth0 || fail "network setup"
while IFS='\t' read -r tag path; do
  [ -n "$tag" ] || continue
  mkdir -p "$path" && mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none,access=any "$tag" "$path" || fail "mount 9p $tag at $path"
done < ${GUEST.sharesFile}
i=0; while [ ! -e /sys/class/virtio-ports ] || [ -z "$(ls /sys/class/virtio-ports)" ]; do i=$((i+1)); [ $i -gt 200 ] && fail "no virtio-serial ports"; sleep 0.05; done
for port in /sys/class/virtio-ports/*; do ln -sf "/dev/\${port##*/}" "/dev/$(cat "$port/name")"; done
[ -e /dev/${GUEST.agentPort} ] || fail "no virtio-serial port ${GUEST.agentPort}"
shm=""
for dev in /sys/bus/pci/devices/*; do
  [ "$(cat "$dev/vendor")" = 0x1af4 ] && [ "$(cat "$dev/device")" = 0x1110 ] && shm="$dev"
done
${paths.agent} /dev/${GUEST.agentPort} "$shm" &
gdbserver --multi ${GUEST.address}:${GUEST.gdbserverPort} < /dev/null &
echo "${GUEST.readyMarker}"
while :; do wait; sleep 1; done
`;
}
