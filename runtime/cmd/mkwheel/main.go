// Command mkwheel packs the built _bundle_runtime extension and the
// bundle_runtime Python package into a wheel:
//
//	mkwheel -so _bundle_runtime.abi3.so -src runtime/python/bundle_runtime -out dist
//
// It prints the wheel's path.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/bundle-wsgi/bundle/runtime/internal/wheel"
)

func main() {
	var s wheel.Spec
	out := flag.String("out", "dist", "directory to write the wheel into")
	flag.StringVar(&s.Extension, "so", "", "the built extension (required)")
	flag.StringVar(&s.PackageDir, "src", "runtime/python/bundle_runtime", "the Python package directory")
	flag.StringVar(&s.Version, "version", "", "version (default: __version__ of the package)")
	flag.StringVar(&s.Platform, "platform", "", "platform tag (default: from the extension)")
	flag.Parse()
	if s.Extension == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	p, err := wheel.Build(s, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkwheel:", err)
		os.Exit(1)
	}
	fmt.Println(p)
}
