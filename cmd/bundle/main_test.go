package main

import (
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/bundle-wsgi/bundle/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"bundle": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI end-to-end tests in testdata/script/*.txtar.
// Each runs in a fresh directory; $SHARED is ../shared (the wheelhouse and
// test data beside the repository) and $EXAMPLES the repository's examples.
// Run with -update to rewrite the expected output in the scripts.
func TestScripts(t *testing.T) {
	shared, err := filepath.Abs(filepath.Join("..", "..", "..", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	if v := os.Getenv("BUNDLE_SHARED"); v != "" {
		shared = v
	}
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"crlf":       cmdCRLF,
			"writebytes": cmdWriteBytes,
		},
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", shared)
			env.Setenv("EXAMPLES", examples)
			// A real PATH, so that the bin/wsgiapp check finds python3.
			env.Setenv("PATH", os.Getenv("PATH"))
			env.Setenv("HOME", env.WorkDir)
			// The directory holding the bundle command alone, for scripts
			// that need a PATH without python.
			bin, err := exec.LookPath("bundle")
			if err != nil {
				return err
			}
			env.Setenv("BUNDLEBIN", filepath.Dir(bin))
			for _, k := range []string{"PYENV_ROOT", "PYENV_VERSION"} {
				if v, ok := os.LookupEnv(k); ok {
					env.Setenv(k, v)
				}
			}
			return nil
		},
	})
}

// cmdCRLF rewrites each named file with CRLF line endings: crlf FILE...
func cmdCRLF(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: crlf FILE...")
	}
	for _, name := range args {
		data := ts.ReadFile(name)
		data = strings.ReplaceAll(data, "\r\n", "\n")
		data = strings.ReplaceAll(data, "\n", "\r\n")
		ts.Check(os.WriteFile(ts.MkAbs(name), []byte(data), 0o644))
	}
}

// cmdWriteBytes writes hex-decoded bytes to a file, for input that a txtar
// archive cannot hold (invalid UTF-8): writebytes FILE HEX
func cmdWriteBytes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: writebytes FILE HEX")
	}
	data, err := hex.DecodeString(args[1])
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}
