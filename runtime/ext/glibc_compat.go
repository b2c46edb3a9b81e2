//go:build linux && (amd64 || arm64) && cgo

package main

// fstat64 for builds that pin glibc symbol versions (runtime/build.sh
// force-includes glibc_compat.h, which defines BUNDLE_GLIBC_COMPAT and
// BUNDLE_GLIBC_BASE): glibc exports fstat64 only since 2.33; before,
// <sys/stat.h> made it an inline call of __fxstat64, which glibc still
// has. The version argument is the architecture's _STAT_VER: 1 on x86_64
// (_STAT_VER_LINUX), 0 on aarch64 (the generic ABI's _STAT_VER_KERNEL;
// anything else is EINVAL there). Hidden, so the C code's references bind
// here and nothing is exported. In any other build this is empty.

/*
#ifdef BUNDLE_GLIBC_COMPAT
#if defined(__x86_64__)
#define BUNDLE_STAT_VER 1
#elif defined(__aarch64__)
#define BUNDLE_STAT_VER 0
#endif
struct stat64;
extern int __fxstat64(int ver, int fd, struct stat64 *buf);
__asm__(".symver __fxstat64,__fxstat64@" BUNDLE_GLIBC_BASE);
__attribute__((visibility("hidden"))) int fstat64(int fd, struct stat64 *buf) {
	return __fxstat64(BUNDLE_STAT_VER, fd, buf);
}
#endif
*/
import "C"
