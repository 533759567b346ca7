/*
 * lapidary-vm-agent: runs inside lapidary's QEMU guest and serves the guest's /proc (and a few
 * file operations) to the host over one byte stream: a virtio-serial port (QEMU
 * docs/system/devices/virtio-serial; host side a unix-socket chardev) or any file descriptor.
 *
 * Usage: lapidary-vm-agent DEVICE [SHM-DEVICE-DIR]
 *   DEVICE        the stream to serve, e.g. /dev/vport1p1 (opened read-write)
 *   SHM-DEVICE-DIR optional PCI sysfs directory of an ivshmem-plain device; when given, PREAD
 *                 answers may put their bytes in its BAR 2 (shared with the host) instead of
 *                 the stream (flag SHM in the reply), which avoids copying them through the
 *                 virtqueue.
 *
 * Protocol (all integers little-endian), strictly request/response, in order:
 *   request  = u32 op, u32 id, u64 a, u64 b, u32 path_len, u32 data_len, path, data
 *   response = u32 id, i32 status, u32 data_len, u32 flags, data
 * status >= 0 is success (its meaning depends on op), < 0 is -errno.
 * Ops: see the OP_ constants. PREAD reads at most MAX_PREAD bytes; like pread(2) it may return
 * fewer (it stops at the first error after some bytes were read).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
  OP_HELLO = 1,
  OP_READFILE = 2,
  OP_READLINK = 3,
  OP_READDIR = 4,
  OP_KIND = 5,
  OP_OPEN = 6,
  OP_PREAD = 7,
  OP_CLOSE = 8,
  OP_WRITEFILE = 9,
  OP_POWEROFF = 10,
};

/* Reply flags. */
#define FLAG_SHM 1u

#define MAX_PREAD (16u * 1024u * 1024u)
#define MAX_PATH_LEN 65536u
#define MAX_DATA_LEN (64u * 1024u * 1024u)
#define MAX_HANDLES 256

static int stream = -1;
static unsigned char *shm;
static size_t shm_size;
static int handles[MAX_HANDLES];

static void die(const char *what) {
  fprintf(stderr, "lapidary-vm-agent: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void read_full(void *buf, size_t len) {
  unsigned char *p = buf;
  while (len > 0) {
    ssize_t n = read(stream, p, len);
    if (n == 0) {
      /* The host closed its end of a virtio-serial port: wait for it to come back. */
      usleep(10000);
      continue;
    }
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      die("read");
    }
    p += n;
    len -= (size_t)n;
  }
}

static void write_full(const void *buf, size_t len) {
  const unsigned char *p = buf;
  while (len > 0) {
    ssize_t n = write(stream, p, len);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      die("write");
    }
    p += n;
    len -= (size_t)n;
  }
}

static void put32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p) {
  return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void reply(uint32_t id, int32_t status, const void *data, uint32_t len, uint32_t flags) {
  unsigned char header[16];
  put32(header, id);
  put32(header + 4, (uint32_t)status);
  put32(header + 8, len);
  put32(header + 12, flags);
  write_full(header, sizeof header);
  if (len > 0) write_full(data, len);
}

static void reply_errno(uint32_t id) {
  reply(id, -errno, NULL, 0, 0);
}

/* Whole file into a growing buffer (for /proc files, whose st_size is 0). */
static void op_readfile(uint32_t id, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return reply_errno(id);
  size_t cap = 65536, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (len == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      close(fd);
      free(buf);
      errno = saved;
      return reply_errno(id);
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  close(fd);
  reply(id, (int32_t)(len > INT32_MAX ? INT32_MAX : len), buf, (uint32_t)len, 0);
  free(buf);
}

static void op_readlink(uint32_t id, const char *path) {
  char target[PATH_MAX + 1];
  ssize_t n = readlink(path, target, PATH_MAX);
  if (n < 0) return reply_errno(id);
  reply(id, (int32_t)n, target, (uint32_t)n, 0);
}

/* Names separated by NUL bytes, without "." and "..". */
static void op_readdir(uint32_t id, const char *path) {
  DIR *dir = opendir(path);
  if (dir == NULL) return reply_errno(id);
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    size_t n = strlen(entry->d_name) + 1;
    while (len + n > cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
    memcpy(buf + len, entry->d_name, n);
    len += n;
  }
  closedir(dir);
  reply(id, (int32_t)len, buf, (uint32_t)len, 0);
  free(buf);
}

/* One byte: f file, c chardev, b blockdev, d directory, p fifo, s socket, o other (stat follows links). */
static void op_kind(uint32_t id, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return reply_errno(id);
  char kind = S_ISREG(st.st_mode) ? 'f' : S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b'
    : S_ISDIR(st.st_mode) ? 'd' : S_ISFIFO(st.st_mode) ? 'p' : S_ISSOCK(st.st_mode) ? 's' : 'o';
  reply(id, 1, &kind, 1, 0);
}

static void op_open(uint32_t id, const char *path) {
  int slot = -1;
  for (int i = 0; i < MAX_HANDLES; i++) {
    if (handles[i] < 0) {
      slot = i;
      break;
    }
  }
  if (slot < 0) {
    errno = EMFILE;
    return reply_errno(id);
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return reply_errno(id);
  handles[slot] = fd;
  reply(id, slot, NULL, 0, 0);
}

static int handle_fd(uint64_t handle) {
  return handle < MAX_HANDLES ? handles[handle] : -1;
}

/* pread until `length` bytes or the first error/EOF; errors only count when nothing was read. */
static void op_pread(uint32_t id, uint64_t handle, uint64_t offset, uint32_t length, unsigned char *scratch) {
  int fd = handle_fd(handle);
  if (fd < 0) {
    errno = EBADF;
    return reply_errno(id);
  }
  if (length > MAX_PREAD) length = MAX_PREAD;
  int use_shm = shm != NULL && length <= shm_size;
  unsigned char *dest = use_shm ? shm : scratch;
  uint32_t done = 0;
  int error = 0;
  while (done < length) {
    ssize_t n = pread(fd, dest + done, length - done, (off_t)(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    if (n == 0) break;
    done += (uint32_t)n;
  }
  if (done == 0 && error != 0) {
    errno = error;
    return reply_errno(id);
  }
  if (use_shm) reply(id, (int32_t)done, NULL, 0, FLAG_SHM);
  else reply(id, (int32_t)done, dest, done, 0);
}

static void op_close(uint32_t id, uint64_t handle) {
  int fd = handle_fd(handle);
  if (fd < 0) {
    errno = EBADF;
    return reply_errno(id);
  }
  close(fd);
  handles[handle] = -1;
  reply(id, 0, NULL, 0, 0);
}

/* Create or replace `path` with `data` (mode `mode`), making missing parent directories. */
static void op_writefile(uint32_t id, char *path, const unsigned char *data, uint32_t len, uint32_t mode) {
  for (char *slash = strchr(path + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    mkdir(path, 0755);
    *slash = '/';
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode == 0 ? 0644 : mode);
  if (fd < 0) return reply_errno(id);
  uint32_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      close(fd);
      errno = saved;
      return reply_errno(id);
    }
    done += (uint32_t)n;
  }
  close(fd);
  reply(id, 0, NULL, 0, 0);
}

/* Map BAR 2 of an ivshmem-plain device (QEMU docs/specs/ivshmem-spec.rst) read-write. */
static void map_shm(const char *device_dir) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/enable", device_dir);
  int fd = open(path, O_WRONLY);
  if (fd >= 0) {
    if (write(fd, "1", 1) < 0) fprintf(stderr, "lapidary-vm-agent: cannot enable %s: %s\n", device_dir, strerror(errno));
    close(fd);
  }
  snprintf(path, sizeof path, "%s/resource2", device_dir);
  fd = open(path, O_RDWR | O_SYNC);
  if (fd < 0) {
    fprintf(stderr, "lapidary-vm-agent: no shared memory (%s: %s)\n", path, strerror(errno));
    return;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    close(fd);
    return;
  }
  void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) {
    fprintf(stderr, "lapidary-vm-agent: cannot map %s: %s\n", path, strerror(errno));
    return;
  }
  shm = p;
  shm_size = (size_t)st.st_size;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: lapidary-vm-agent DEVICE [SHM-DEVICE-DIR]\n");
    return 2;
  }
  for (int i = 0; i < MAX_HANDLES; i++) handles[i] = -1;
  stream = open(argv[1], O_RDWR | O_CLOEXEC);
  if (stream < 0) die(argv[1]);
  if (argc == 3 && argv[2][0] != '\0') map_shm(argv[2]);
  unsigned char *scratch = malloc(MAX_PREAD);
  unsigned char *payload = NULL;
  size_t payload_cap = 0;
  if (scratch == NULL) die("malloc");
  for (;;) {
    unsigned char header[32];
    read_full(header, sizeof header);
    uint32_t op = get32(header), id = get32(header + 4);
    uint64_t a = get64(header + 8), b = get64(header + 16);
    uint32_t path_len = get32(header + 24), data_len = get32(header + 28);
    if (path_len > MAX_PATH_LEN || data_len > MAX_DATA_LEN) {
      fprintf(stderr, "lapidary-vm-agent: oversized request (path %u, data %u bytes)\n", path_len, data_len);
      return 1;
    }
    size_t need = (size_t)path_len + 1 + data_len;
    if (need > payload_cap) {
      payload_cap = need;
      payload = realloc(payload, payload_cap);
      if (payload == NULL) die("realloc");
    }
    read_full(payload, path_len);
    payload[path_len] = '\0';
    unsigned char *data = payload + path_len + 1;
    read_full(data, data_len);
    char *path = (char *)payload;
    switch (op) {
      case OP_HELLO: {
        char hello[64];
        int n = snprintf(hello, sizeof hello, "lapidary-vm-agent/1 shm=%zu", shm_size);
        reply(id, n, hello, (uint32_t)n, 0);
        break;
      }
      case OP_READFILE: op_readfile(id, path); break;
      case OP_READLINK: op_readlink(id, path); break;
      case OP_READDIR: op_readdir(id, path); break;
      case OP_KIND: op_kind(id, path); break;
      case OP_OPEN: op_open(id, path); break;
      case OP_PREAD: op_pread(id, a, b, data_len == 4 ? get32(data) : 0, scratch); break;
      case OP_CLOSE: op_close(id, a); break;
      case OP_WRITEFILE: op_writefile(id, path, data, data_len, (uint32_t)a); break;
      case OP_POWEROFF:
        reply(id, 0, NULL, 0, 0);
        sync();
        reboot(RB_POWER_OFF);
        break;
      default:
        errno = ENOSYS;
        reply_errno(id);
    }
  }
}
