// Command mkwheel packs the built _bundle_runtime extension and the
// bundle_runtime Python package into a wheel:
//
//	mkwheel -so _bundle_runtime.abi3.so -src runtime/python/bundle_runtime -out dist
//
// It prints the wheel's path. The platform tag (-platform, default: worked
// out from the extension's ELF header and glibc symbol versions) is checked
// against the extension first: for a manylinux tag, a glibc symbol version
// newer than the tag's glibc or a library outside the manylinux allow-list
// fails the build (wheel.Audit).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

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
	p, err := build(s, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkwheel:", err)
		os.Exit(1)
	}
	fmt.Println(p)
}

func build(s wheel.Spec, out string) (string, error) {
	if s.Platform == "" {
		p, err := wheel.PlatformTag(s.Extension)
		if err != nil {
			return "", err
		}
		s.Platform = p
	}
	if strings.HasPrefix(s.Platform, "manylinux") {
		if err := wheel.Audit(s.Extension, s.Platform); err != nil {
			return "", err
		}
	}
	return wheel.Build(s, out)
}
