/*
 * glibc_compat.h pins the glibc symbol versions that the _bundle_runtime
 * extension imports to ones that glibc 2.17 has (manylinux2014), so the
 * wheel installs on RHEL/CentOS 7 and later, not only where the build
 * machine's glibc (2.34 and later) is.
 *
 * runtime/build.sh force-includes it into every C file of the build, those
 * of runtime/cgo too: CGO_CFLAGS="-include .../glibc_compat.h". It includes
 * no header itself, so a C file's own _GNU_SOURCE still takes effect.
 *
 * Since glibc 2.34 the pthread functions live in libc.so.6 under a new
 * default version (GLIBC_2.34; GLIBC_2.32 for pthread_sigmask and
 * pthread_getattr_np); the old versions are still there, the same
 * functions. `.symver` binds a reference to the old one, the architecture's
 * base version (BUNDLE_GLIBC_BASE): GLIBC_2.2.5 on x86_64, GLIBC_2.17 on
 * aarch64 (glibc's first aarch64 release, so every symbol there is 2.17 or
 * later). A symbol that is not referenced costs nothing. Symbols newer than
 * 2.17 that have no old version take another way:
 *   fcntl64 (2.28; fcntl is renamed to it under _FILE_OFFSET_BITS=64, which
 *     Python.h sets) is bound to the old fcntl: on x86_64 and aarch64 off_t
 *     is 64-bit, so they are the same call (the same address in libc).
 *   fstat64 (2.33; before, an inline wrapper of __fxstat64) is defined,
 *     hidden, by glibc_compat.go on top of __fxstat64 at the base version.
 * A newer version that slips in (a new call in the C code, a new Go
 * release's runtime/cgo) fails the build (mkwheel checks the .so against
 * the tag) and runtime/e2e's TestWheelManylinux (x86_64) or
 * TestWheelManylinuxArm64 (aarch64): add a line here for it.
 *
 * Linux x86_64 and aarch64 C only; elsewhere, and in assembly (gcc -include
 * reaches runtime/cgo's .S files too), it is empty.
 */
#ifndef BUNDLE_GLIBC_COMPAT_H
#define BUNDLE_GLIBC_COMPAT_H
#if defined(__linux__) && !defined(__ASSEMBLER__)
#if defined(__x86_64__)
#define BUNDLE_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define BUNDLE_GLIBC_BASE "GLIBC_2.17"
#endif
#endif
#ifdef BUNDLE_GLIBC_BASE
#define BUNDLE_GLIBC_COMPAT 1
__asm__(".symver pthread_create,pthread_create@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_detach,pthread_detach@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_join,pthread_join@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_kill,pthread_kill@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_once,pthread_once@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_key_create,pthread_key_create@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_key_delete,pthread_key_delete@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_getspecific,pthread_getspecific@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_setspecific,pthread_setspecific@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_sigmask,pthread_sigmask@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_getattr_np,pthread_getattr_np@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_attr_getstack,pthread_attr_getstack@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_attr_getstacksize,pthread_attr_getstacksize@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_attr_setstacksize,pthread_attr_setstacksize@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_mutex_trylock,pthread_mutex_trylock@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_mutexattr_init,pthread_mutexattr_init@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_mutexattr_settype,pthread_mutexattr_settype@" BUNDLE_GLIBC_BASE);
__asm__(".symver pthread_mutexattr_destroy,pthread_mutexattr_destroy@" BUNDLE_GLIBC_BASE);
__asm__(".symver fcntl64,fcntl@" BUNDLE_GLIBC_BASE);
#endif
#endif
