/*
 * lapidary-die-with-parent: runs a program that must not outlive the lapidary that started it.
 *
 * Usage: lapidary-die-with-parent PARENT-PID PROGRAM [ARG...]
 * Asks the kernel to send SIGKILL to this process when its parent dies (prctl PR_SET_PDEATHSIG,
 * man 2 PR_SET_PDEATHSIG; the setting survives execve of a program that is not set-user-ID),
 * then execs PROGRAM with ARGs (argv[0] = PROGRAM, the environment inherited). A gem5 run thus
 * ends with lapidary even when lapidary is killed with SIGKILL, which runs no cleanup.
 * The kernel's "parent" is the thread that forked: lapidary forks gem5 from the thread that
 * waits for it, which lives as long as the run.
 * PARENT-PID closes the race where the parent dies before prctl: the launcher then exits.
 * Exit status 127 when anything fails before execve, with the reason on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: lapidary-die-with-parent PARENT-PID PROGRAM [ARG...]\n");
    return 127;
  }
  char *end;
  long parent = strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0' || parent <= 0) {
    fprintf(stderr, "lapidary-die-with-parent: not a pid: %s\n", argv[1]);
    return 127;
  }
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    fprintf(stderr, "lapidary-die-with-parent: prctl(PR_SET_PDEATHSIG): %s\n", strerror(errno));
    return 127;
  }
  if (getppid() != (pid_t)parent) {
    fprintf(stderr, "lapidary-die-with-parent: parent %ld already ended\n", parent);
    return 127;
  }
  execv(argv[2], argv + 2);
  fprintf(stderr, "lapidary-die-with-parent: cannot execute %s: %s\n", argv[2], strerror(errno));
  return 127;
}
