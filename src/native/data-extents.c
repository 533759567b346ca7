/*
 * lapidary-data-extents: which byte ranges of a file hold data, without reading it.
 *
 * Usage: lapidary-data-extents FILE OFFSET LENGTH
 * Prints "size N" (the file's size in bytes), then one "START END" line (decimal byte offsets,
 * END exclusive) per data extent overlapping [OFFSET, OFFSET+LENGTH), found with lseek(2)
 * SEEK_DATA/SEEK_HOLE. For shmem objects (MAP_SHARED|MAP_ANONYMOUS, /dev/zero shared, memfd,
 * tmpfs files) this names the pages that exist, swapped ones included (mm/shmem.c
 * shmem_file_llseek), where reading the mapping through /proc/PID/mem would allocate a page for
 * every hole it touches. FILE is typically /proc/PID/map_files/START-END (CAP_SYS_ADMIN).
 * Exit status 0; 1 when FILE cannot be opened or stat'ed; 2 when the file does not answer
 * SEEK_DATA truthfully (e.g. SysV shm, whose llseek is noop_llseek): the caller cannot tell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: lapidary-data-extents FILE OFFSET LENGTH\n");
    return 1;
  }
  off_t offset = (off_t)strtoll(argv[2], NULL, 10);
  off_t end = offset + (off_t)strtoll(argv[3], NULL, 10);
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    fprintf(stderr, "lapidary-data-extents: %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  printf("size %lld\n", (long long)st.st_size);
  off_t at = offset;
  while (at < end) {
    off_t data = lseek(fd, at, SEEK_DATA);
    if (data < 0 && errno == ENXIO) break; /* no data at or after `at` */
    if (data < at) {
      fprintf(stderr, "lapidary-data-extents: %s: no usable SEEK_DATA (%s)\n", argv[1], data < 0 ? strerror(errno) : "answered an offset before the one asked");
      return 2;
    }
    if (data >= end) break;
    off_t hole = lseek(fd, data, SEEK_HOLE);
    if (hole <= data) {
      fprintf(stderr, "lapidary-data-extents: %s: no usable SEEK_HOLE\n", argv[1]);
      return 2;
    }
    printf("%lld %lld\n", (long long)data, (long long)(hole < end ? hole : end));
    at = hole;
  }
  return 0;
}
