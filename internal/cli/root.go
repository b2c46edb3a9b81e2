// Package cli holds the bundle command line: one small struct per command,
// whose RunE parses nothing itself and calls a library function.
package cli

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bundle-wsgi/bundle/bundle"
)

// Exit codes of every bundle command.
const (
	// ExitOK means success (for validate: the bundle is valid; warnings may
	// have been printed).
	ExitOK = 0
	// ExitFailure means the command ran and failed (for validate: the
	// bundle is invalid).
	ExitFailure = 1
	// ExitUsage means the command line itself was wrong: an unknown
	// command or flag, or a wrong number of arguments.
	ExitUsage = 2
)

// version is set at link time by the Makefile
// (-ldflags "-X github.com/bundle-wsgi/bundle/internal/cli.version=...").
var version = ""

// Version returns the version of this build: the link-time version, else
// the module version recorded by the Go toolchain, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// exitError carries an exit code for an error that has already been
// reported to the user (such as an invalid bundle), so Main prints nothing
// more.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError marks a command-line mistake, which exits with ExitUsage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// Main runs the bundle command line with args (without the program name)
// and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(stderr, "bundle: %v\n", err)
	if hint := bundle.ErrorHint(err); hint != "" {
		fmt.Fprintf(stderr, "    hint: %s\n", hint)
	}
	var ue *usageError
	// Cobra reports an unknown subcommand as a plain error.
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		fmt.Fprintln(stderr, "Run 'bundle --help' for usage.")
		return ExitUsage
	}
	return ExitFailure
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "bundle",
		Short: "Make a Python WSGI app deployable the same way everywhere",
		Long: `bundle makes a Python WSGI web app deployable the same way on a laptop, a server
and a cluster. An app bundle is a directory holding bundle.toml, dependencies.txt,
external-dependencies.txt and bin/wsgiapp, as SPEC.md defines.

Exit codes: 0 success, 1 failure (validate: the bundle is invalid),
2 usage error (unknown command or flag, wrong arguments).`,
		Example: `  bundle init            # scaffold a bundle in the app repo you are in
  bundle validate        # check it against the standard
  bundle validate --json ./myapp`,
		Version:       Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("bundle {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err}
	})
	root.AddCommand(
		newInitCmd().cmd,
		newValidateCmd().cmd,
		newPinCmd().cmd,
		newSyncCmd().cmd,
	)
	// Cobra's own argument validators return plain errors; mark them as
	// usage errors so they exit 2.
	for _, c := range root.Commands() {
		wrapArgs(c)
	}
	return root
}

func wrapArgs(c *cobra.Command) {
	if c.Args == nil {
		return
	}
	inner := c.Args
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := inner(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}
