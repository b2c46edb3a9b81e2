// Command ext is the _bundle_runtime CPython extension module. Build it with
//
//	go build -buildmode=c-shared -ldflags='-s -w' -o _bundle_runtime.abi3.so ./runtime/ext
//
// (runtime/build.sh does, and packs the wheel). The module's C entry point,
// PyInit__bundle_runtime, and everything else live in
// runtime/internal/cpython; this package only makes the shared object.
package main

import _ "github.com/bundle-wsgi/bundle/runtime/internal/cpython"

func main() {}
