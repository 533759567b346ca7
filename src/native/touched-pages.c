/*
 * lapidary-touched-pages: which pages of a process's address range are present or swapped,
 * found by the kernel's page-table walk (ioctl PAGEMAP_SCAN on /proc/PID/pagemap, Linux 6.7+,
 * Documentation/admin-guide/mm/pagemap.rst "PAGEMAP_SCAN IOCTL") instead of one 8-byte pagemap
 * entry per page: a 16 TiB sanitizer shadow with a few hundred pages used is answered at once.
 *
 * Usage: lapidary-touched-pages PID START END   (hex addresses, page-aligned, END exclusive)
 * Prints one "START END" line (hex) per run of touched pages. Exit status 0; 1 when
 * /proc/PID/pagemap cannot be opened or the scan fails; 2 when the kernel has no PAGEMAP_SCAN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* include/uapi/linux/fs.h (Linux 6.7), absent from older userspace headers. */
#define PAGE_IS_PRESENT (1 << 3)
#define PAGE_IS_SWAPPED (1 << 4)
struct page_region { uint64_t start, end, categories; };
struct pm_scan_arg {
  uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
  uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: lapidary-touched-pages PID START END\n");
    return 1;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/pagemap", argv[1]);
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "lapidary-touched-pages: %s: %s\n", path, strerror(errno));
    return 1;
  }
  uint64_t at = strtoull(argv[2], NULL, 16), end = strtoull(argv[3], NULL, 16);
  static struct page_region vec[4096];
  while (at < end) {
    struct pm_scan_arg arg = {
      .size = sizeof arg, .start = at, .end = end, .vec = (uintptr_t)vec, .vec_len = sizeof vec / sizeof vec[0],
      .category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED, .return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
    };
    int n = ioctl(fd, PAGEMAP_SCAN, &arg);
    if (n < 0) {
      fprintf(stderr, "lapidary-touched-pages: PAGEMAP_SCAN: %s\n", strerror(errno));
      return errno == ENOTTY || errno == EINVAL ? 2 : 1;
    }
    for (int i = 0; i < n; i++) printf("%llx %llx\n", (unsigned long long)vec[i].start, (unsigned long long)vec[i].end);
    if (arg.walk_end <= at) {
      fprintf(stderr, "lapidary-touched-pages: PAGEMAP_SCAN made no progress at %llx\n", (unsigned long long)at);
      return 1;
    }
    at = arg.walk_end;
  }
  return 0;
}
