/*
 * /hello for Berth's hello-world image: prints a greeting and exits 0.
 *
 * On x86_64 and aarch64 it is built with -nostdlib and talks to the kernel with
 * two raw system calls (write, exit_group), which keeps the binary a few KB like
 * Docker's hello-world. Elsewhere (or with -DHELLO_LIBC) it is a static glibc
 * program. See ../hello-world-rootfs.sh.
 */

#if defined(__x86_64__)
#define HELLO_ARCH "amd64"
#elif defined(__aarch64__)
#define HELLO_ARCH "arm64"
#elif defined(__arm__)
#define HELLO_ARCH "arm"
#elif defined(__i386__)
#define HELLO_ARCH "386"
#elif defined(__powerpc64__)
#define HELLO_ARCH "ppc64le"
#elif defined(__s390x__)
#define HELLO_ARCH "s390x"
#elif defined(__riscv)
#define HELLO_ARCH "riscv64"
#else
#define HELLO_ARCH "unknown"
#endif

static const char message[] =
    "\n"
    "Hello from Berth!\n"
    "This message shows that your installation appears to be working correctly.\n"
    "\n"
    "To generate this message, Berth took the following steps:\n"
    " 1. The berth client contacted the berthd daemon.\n"
    " 2. berthd found the \"hello-world\" image in its local image store.\n"
    "    (" HELLO_ARCH ")\n"
    " 3. berthd created a new container from that image which runs the\n"
    "    executable that produces the output you are currently reading.\n"
    " 4. berthd streamed that output to the berth client, which sent it\n"
    "    to your terminal.\n"
    "\n"
    "To try something more ambitious, you can run a shell in a busybox container:\n"
    " $ berth run -it busybox sh\n"
    "\n"
    "The real docker CLI works too: point it at berthd with\n"
    " $ export DOCKER_HOST=unix:///run/berth/berth.sock\n"
    "\n";

#if !defined(HELLO_LIBC) && (defined(__x86_64__) || defined(__aarch64__))

static long sys3(long nr, long a, long b, long c) {
#if defined(__x86_64__)
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a), "S"(b), "d"(c)
                   : "rcx", "r11", "memory");
  return ret;
#else
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
#endif
}

#if defined(__x86_64__)
#define SYS_write 1
#define SYS_exit_group 231
#else
#define SYS_write 64
#define SYS_exit_group 94
#endif
#define EINTR 4

__attribute__((noreturn)) void _start(void) {
  const char *p = message;
  long left = (long)sizeof message - 1;
  int status = 0;
  while (left > 0) {
    long n = sys3(SYS_write, 1, (long)p, left);
    if (n == -EINTR) continue;
    if (n <= 0) { status = 1; break; }
    p += n;
    left -= n;
  }
  for (;;) sys3(SYS_exit_group, status, 0, 0);
}

#else

#include <errno.h>
#include <unistd.h>

int main(void) {
  const char *p = message;
  size_t left = sizeof message - 1;
  while (left > 0) {
    ssize_t n = write(1, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 1;
    p += n;
    left -= (size_t)n;
  }
  return 0;
}

#endif
