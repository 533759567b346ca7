/*
 * lapidary-exec: starts a target program for lapidary without a shell.
 *
 * gdb runs this launcher (startup-with-shell off, ASLR already disabled by gdb's
 * personality(ADDR_NO_RANDOMIZE), which survives execve) and catches its execve of the target,
 * so lapidary gets control at the target's first instruction.
 *
 * Usage: lapidary-exec SPEC-FILE
 * SPEC-FILE holds NUL-terminated fields:
 *   "lapidary-exec/1", cwd, stdin, stdout, stderr, executable path,
 *   argc, argv[0..argc-1], envc, env[0..envc-1]
 * A stdio field is "" to keep the descriptor inherited from gdb, "fd:N" to take inherited
 * descriptor N, or a path (stdin opened read-only; stdout/stderr created or truncated, or
 * appended to with an "append:" prefix).
 * Exit status 127 when anything fails before execve; the message goes to stderr and to
 * SPEC-FILE.err (stderr may already be redirected, or be gdb's /dev/null).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *spec_path;

static void die(const char *what, const char *arg) {
  char message[4096];
  snprintf(message, sizeof message, "lapidary-exec: %s %s: %s\n", what, arg, strerror(errno));
  fputs(message, stderr);
  if (spec_path != NULL) {
    char err_path[4096];
    snprintf(err_path, sizeof err_path, "%s.err", spec_path);
    FILE *f = fopen(err_path, "w");
    if (f != NULL) {
      fputs(message, f);
      fclose(f);
    }
  }
  exit(127);
}

static char *read_spec(const char *path, size_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("cannot open spec", path);
  struct stat st;
  if (fstat(fd, &st) != 0) die("cannot stat spec", path);
  char *buf = malloc((size_t)st.st_size + 1);
  if (buf == NULL) die("out of memory reading", path);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
    if (n <= 0) die("cannot read spec", path);
    got += (size_t)n;
  }
  buf[got] = '\0';
  close(fd);
  *size = got;
  return buf;
}

/* Returns the next NUL-terminated field, or exits if the spec is truncated. */
static char *next_field(char **cursor, char *end) {
  char *field = *cursor;
  char *nul = memchr(field, '\0', (size_t)(end - field));
  if (nul == NULL) {
    fprintf(stderr, "lapidary-exec: truncated spec\n");
    exit(127);
  }
  *cursor = nul + 1;
  return field;
}

static void setup_stdio(const char *spec, int target, int flags) {
  int fd;
  if (spec[0] == '\0') return;
  if (strncmp(spec, "fd:", 3) == 0) {
    fd = atoi(spec + 3);
  } else if (strncmp(spec, "append:", 7) == 0) {
    fd = open(spec + 7, O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (fd < 0) die("cannot open", spec + 7);
  } else {
    fd = open(spec, flags, 0666);
    if (fd < 0) die("cannot open", spec);
  }
  if (fd != target) {
    if (dup2(fd, target) < 0) die("cannot redirect to", spec);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: lapidary-exec SPEC-FILE\n");
    return 127;
  }
  size_t size;
  spec_path = argv[1];
  char *spec = read_spec(argv[1], &size);
  char *cursor = spec, *end = spec + size;
  if (strcmp(next_field(&cursor, end), "lapidary-exec/1") != 0) {
    fprintf(stderr, "lapidary-exec: unknown spec version\n");
    return 127;
  }
  const char *cwd = next_field(&cursor, end);
  const char *in = next_field(&cursor, end);
  const char *out = next_field(&cursor, end);
  const char *err = next_field(&cursor, end);
  const char *exe = next_field(&cursor, end);
  int target_argc = atoi(next_field(&cursor, end));
  char **target_argv = calloc((size_t)target_argc + 1, sizeof(char *));
  for (int i = 0; i < target_argc; i++) target_argv[i] = next_field(&cursor, end);
  int envc = atoi(next_field(&cursor, end));
  char **envp = calloc((size_t)envc + 1, sizeof(char *));
  for (int i = 0; i < envc; i++) envp[i] = next_field(&cursor, end);

  setup_stdio(in, 0, O_RDONLY);
  setup_stdio(out, 1, O_WRONLY | O_CREAT | O_TRUNC);
  setup_stdio(err, 2, O_WRONLY | O_CREAT | O_TRUNC);
  /* Only 0, 1 and 2 reach the target: gdb's and lapidary's descriptors stay behind. */
  for (int fd = 3; fd < 1024; fd++) close(fd);
  if (cwd[0] != '\0' && chdir(cwd) != 0) die("cannot change directory to", cwd);
  execve(exe, target_argv, envp);
  die("cannot execute", exe);
  return 127;
}
