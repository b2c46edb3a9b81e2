// Command bundle makes a Python WSGI app deployable the same way everywhere.
// All of its logic lives in internal/cli and the library packages; main is
// the only place that calls os.Exit.
package main

import (
	"os"

	"github.com/bundle-wsgi/bundle/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
