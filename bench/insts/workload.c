/*
 * A deterministic single-threaded workload for instruction-counting measurements.
 * Usage: workload [ROUNDS]   (default 100: about 1.1e8 user-mode instructions from main)
 * Mixes what real programs do: integer loops, calls and recursion, glibc string functions
 * (IFUNC-dispatched memcpy/memset/strlen/strchr), qsort with a callback, malloc/free, and
 * explicit `rep movsb`/`rep stosq` (to check how each counting method counts rep iterations).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t lcg(uint64_t x) { return x * 6364136223846793005ULL + 1442695040888963407ULL; }

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

__attribute__((noinline)) static uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static void rep_movsb(void *dst, const void *src, size_t n) {
  __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

__attribute__((noinline)) static void rep_stosq(void *dst, uint64_t value, size_t words) {
  __asm__ volatile("rep stosq" : "+D"(dst), "+c"(words) : "a"(value) : "memory");
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 100;
  static char a[65536], b[65536];
  static uint32_t keys[2048];
  uint64_t x = 42, sum = 0;
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < 200000; i++) { /* ~1e6 instructions of integer work */
      x = lcg(x);
      sum += (x >> 17) ^ (x & 0xff);
    }
    sum += fib(18); /* ~1e5 instructions of calls */
    for (int i = 0; i < 64; i++) { /* string functions on sizes from 1 to 64 KiB */
      size_t n = (size_t)1 << (i % 17);
      memset(a, 'a' + i % 26, n);
      a[n - 1] = 0;
      memcpy(b, a, n);
      sum += strlen(b) + (uintptr_t)(strchr(b, 'z') != NULL);
    }
    rep_movsb(a, b, 4096 + (size_t)r);
    rep_stosq(b, x, 512);
    for (int i = 0; i < 2048; i++) keys[i] = (uint32_t)(x = lcg(x));
    qsort(keys, 2048, sizeof keys[0], cmp_u32);
    sum += keys[r % 2048];
    char *p = malloc(1000 + (size_t)r * 17);
    memset(p, r, 1000);
    sum += (uint8_t)p[999];
    free(p);
  }
  printf("sum=%llu\n", (unsigned long long)sum);
  return 0;
}
