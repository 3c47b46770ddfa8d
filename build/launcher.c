/* The bundle's entry executable: starts the bundle's Python through the bundle's own
 * dynamic loader, never the image's.
 *
 * Why a static C program: the job container runs the user's image, which may have an
 * older glibc (Debian 11, Ubuntu 20.04), musl (Alpine), no libc at all (busybox) or no
 * /bin/sh (distroless). A statically linked program needs none of them, so it can be the
 * container command itself. It finds the bundle from /proc/self/exe (the kernel's answer,
 * whatever symlink was used) and execs
 *
 *     <bundle>/glibc/ld-linux-*.so.2 --library-path <bundle>/glibc:<bundle>/lib \
 *         <bundle>/bin/python3 -I -X pai_python=<bundle>/python BOOT ARGS...
 *
 * The loader's --library-path applies to this one process (it is not an environment
 * variable), so the user's processes never search the bundle's libraries. Invoked by a
 * name starting with "python" (the bundle's <bundle>/python link) or with an interpreter
 * option first (-I, -c, -m, ...: sys.executable inside the bundle is this program), it is
 * a plain Python command line, so Python children the runtime starts with sys.executable
 * go through the same loader.
 * When the loader cannot be executed (another CPU architecture, a damaged copy), it says
 * so on stderr and in the termination message and exits 127, like a shell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PAI_LOADER
#define PAI_LOADER "ld-linux-x86-64.so.2"
#endif
#define CANNOT_START 127

static const char BOOT[] =
    "import sys;sys.argv[0]='pai-runtime';from pai_runtime.cli import main;main()";

static void cannot_start(const char *what, const char *path, int err) {
  char msg[PATH_MAX + 512];
  snprintf(msg, sizeof msg,
           "cannot start the runtime's loader %s: %s (%s). Workaround: use an init image built for "
           "this node's CPU architecture, or restart the pod so that init copies the runtime again; "
           "see docs/deploy.md",
           path, strerror(err), what);
  dprintf(2, "pai-runtime: %s\n", msg);
  const char *term = getenv("PAI_TERMINATION_LOG");
  if (!term || !*term) term = "/dev/termination-log";
  int fd = open(term, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    dprintf(fd,
            "[PAI_RUNTIME_ERROR_START]\ncontainerExitCode: %d\nphrase: PAIRuntimeCannotStartInImage\n"
            "reason: \"%s\"\n[PAI_RUNTIME_ERROR_END]\n",
            CANNOT_START, msg);
    close(fd);
  }
  _exit(CANNOT_START);
}

int main(int argc, char **argv) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    /* no /proc: fall back to argv[0] */
    if (!argv[0] || !realpath(argv[0], self)) cannot_start("finding the bundle", "/proc/self/exe", errno);
  } else {
    self[n] = 0;
  }
  char *slash = strrchr(self, '/');
  if (!slash) cannot_start("finding the bundle", self, ENOENT);
  *slash = 0;
  const char *dir = self;
  const char *name = argv[0] ? argv[0] : "pai-runtime";
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  /* python mode: called as python*, or with an interpreter option first (what the runtime's
   * own Python children get: sys.executable -I -c ...); pai-runtime's command line never
   * starts with one of these. */
  int python_mode = strncmp(base, "python", 6) == 0;
  if (argc > 1 && !python_mode) {
    static const char *const opts[] = {"-I", "-E", "-s", "-S", "-B", "-u", "-c", "-m", "-X", "-W", "-O", NULL};
    for (int k = 0; opts[k]; k++)
      if (strcmp(argv[1], opts[k]) == 0) python_mode = 1;
  }

  char loader[PATH_MAX], libpath[2 * PATH_MAX + 2], python[PATH_MAX], xopt[PATH_MAX + 16];
  snprintf(loader, sizeof loader, "%s/glibc/%s", dir, PAI_LOADER);
  snprintf(libpath, sizeof libpath, "%s/glibc:%s/lib", dir, dir);
  snprintf(python, sizeof python, "%s/bin/python3", dir);
  snprintf(xopt, sizeof xopt, "pai_python=%s/pai-runtime", dir);

  char **args = calloc((size_t)argc + 12, sizeof *args);
  if (!args) cannot_start("allocating", loader, ENOMEM);
  int i = 0;
  args[i++] = loader;
  args[i++] = "--library-path";
  args[i++] = libpath;
  args[i++] = python;
  args[i++] = "-X";
  args[i++] = xopt;
  if (!python_mode) {
    args[i++] = "-I";
    args[i++] = "-c";
    args[i++] = (char *)BOOT;
  }
  for (int a = 1; a < argc; a++) args[i++] = argv[a];
  args[i] = NULL;
  execv(loader, args);
  cannot_start("exec", loader, errno);
  return CANNOT_START;
}
