// Command ext is the _bundle_runtime CPython extension module. Build it with
//
//	go build -buildmode=c-shared -ldflags='-s -w' -o _bundle_runtime.abi3.so ./runtime/ext
//
// (runtime/build.sh does, and packs the wheel). The module's C entry point,
// PyInit__bundle_runtime, and everything else live in
// runtime/internal/cpython; this package only makes the shared object.
package main

import (
	"fmt"
	"os"

	"github.com/bundle-wsgi/bundle/runtime/internal/cpython"
)

// main is not run in the shared object; run as a program it only explains.
func main() {
	if err := cpython.Check(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	fmt.Fprintln(os.Stderr, "this package is a CPython extension: build it with go build -buildmode=c-shared (see runtime/build.sh)")
}
