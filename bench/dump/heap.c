/* Benchmark target: a 1 GiB heap filled with either incompressible (random) or structured
 * (text-like) content, then a stop point the benchmark breaks on.
 * Usage: heap MiB random|structured */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void heap_ready(void) { __asm__ volatile("" ::: "memory"); }

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
  int structured = argc > 2 && strcmp(argv[2], "structured") == 0;
  size_t bytes = mib << 20;
  uint64_t *heap = malloc(bytes);
  if (heap == NULL) return 1;
  uint64_t x = 88172645463325252ULL;
  for (size_t i = 0; i < bytes / 8; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64 */
    heap[i] = structured ? 0x2020202020202020ULL | ((x & 0x0f0f) << 8) | (i & 0xffff) << 32 : x;
  }
  heap_ready();
  printf("%llu\n", (unsigned long long)heap[bytes / 16]);
  return 0;
}
