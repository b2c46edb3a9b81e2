//go:build linux && amd64 && cgo

package main

// fstat64 for builds that pin glibc symbol versions (runtime/build.sh
// force-includes glibc_compat.h, which defines BUNDLE_GLIBC_COMPAT): glibc
// exports fstat64 only since 2.33; before, <sys/stat.h> made it an inline
// call of __fxstat64, which glibc still has. Hidden, so the C code's
// references bind here and nothing is exported. In any other build this
// is empty.

/*
#ifdef BUNDLE_GLIBC_COMPAT
struct stat64;
extern int __fxstat64(int ver, int fd, struct stat64 *buf);
__asm__(".symver __fxstat64,__fxstat64@GLIBC_2.2.5");
__attribute__((visibility("hidden"))) int fstat64(int fd, struct stat64 *buf) {
	return __fxstat64(1, fd, buf); // 1: _STAT_VER on x86_64
}
#endif
*/
import "C"
