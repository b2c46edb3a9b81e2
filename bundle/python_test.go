package bundle

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	realPythonOnce sync.Once
	realPython     *Python
	realPythonErr  error
)

// mustPython returns the python3 found on PATH. Tests that need it fail
// (not skip) without one: CI installs python3.
func mustPython(t *testing.T) *Python {
	t.Helper()
	realPythonOnce.Do(func() {
		realPython, realPythonErr = FindPython(context.Background(), FindPythonOptions{})
	})
	if realPythonErr != nil {
		t.Fatalf("this test needs python3 on PATH: %v", realPythonErr)
	}
	return realPython
}

// fakePython writes an executable shell script dir/name with body.
func fakePython(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFindPythonOnPath(t *testing.T) {
	py := mustPython(t)
	if !filepath.IsAbs(py.Path) {
		t.Errorf("Path %q is not absolute", py.Path)
	}
	if !strings.HasPrefix(py.Version, "3.") {
		t.Errorf("Version %q is not 3.x", py.Version)
	}
	out, err := exec.Command(py.Path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(py.Version, strings.TrimSpace(string(out))+".") {
		t.Errorf("Version %q does not match the interpreter's %q", py.Version, out)
	}
}

func TestFindPythonSearchOrder(t *testing.T) {
	real := mustPython(t)
	bin := t.TempDir()
	fakePython(t, bin, "python3.99", `echo "pyenv: python3.99: command not found" >&2; exit 127`)
	fakePython(t, bin, "python3.98", `echo 2.7.18`)
	fakePython(t, bin, "python3.97", `echo 3.97.1`)
	fakePython(t, bin, "python3.9", `echo 3.9.18`)
	fakePython(t, bin, "python3.100", `echo 3.100.0rc1`)
	fakePython(t, bin, "python3.96t", `echo 3.96.0`) // free-threaded names are not searched
	if err := os.Symlink(real.Path, filepath.Join(bin, "python3")); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	fakePython(t, other, "python3.97", `echo 3.97.2`) // shadowed by the first PATH entry
	pathList := bin + string(os.PathListSeparator) + other

	tests := []struct {
		name     string
		accept   func(string) bool
		wantPath string
		wantVer  string
	}{
		{"newest first", nil, filepath.Join(bin, "python3.100"), "3.100.0rc1"},
		{"skips broken and python 2", func(v string) bool { return strings.HasPrefix(v, "3.9") },
			filepath.Join(bin, "python3.97"), "3.97.1"},
		{"falls back to python3", func(v string) bool { return v == real.Version },
			filepath.Join(bin, "python3"), real.Version},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			py, err := FindPython(context.Background(), FindPythonOptions{PathList: pathList, Accept: tt.accept})
			if err != nil {
				t.Fatal(err)
			}
			if py.Path != tt.wantPath || py.Version != tt.wantVer {
				t.Errorf("got %s, want %s (%s)", py, tt.wantPath, tt.wantVer)
			}
		})
	}

	// Nothing acceptable: the error lists every candidate and why.
	_, err := FindPython(context.Background(), FindPythonOptions{PathList: pathList, Accept: func(string) bool { return false }})
	var npe *NoPythonError
	if !errors.As(err, &npe) || !errors.Is(err, ErrNoPython) {
		t.Fatalf("err = %v, want a *NoPythonError", err)
	}
	var got []string
	for _, r := range npe.Rejected {
		got = append(got, filepath.Base(r.Candidate)+": "+r.Reason)
	}
	want := []string{
		"python3.100: version 3.100.0rc1 does not satisfy the requested version",
		"python3.99: does not run: pyenv: python3.99: command not found",
		"python3.98: version 2.7.18 is not python 3",
		"python3.97: version 3.97.1 does not satisfy the requested version",
		"python3.9: version 3.9.18 does not satisfy the requested version",
		"python3: version " + real.Version + " does not satisfy the requested version",
		"python: not found on PATH",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejections:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(err.Error(), "python3.98: version 2.7.18 is not python 3") {
		t.Errorf("error text lacks the reasons: %v", err)
	}
}

func TestFindPythonExplicitAndInterpreter(t *testing.T) {
	real := mustPython(t)
	bin := t.TempDir()
	fake := fakePython(t, bin, "mypython", `echo 3.12.4`)
	fakePython(t, bin, "python3.50", `echo 3.50.0`)
	bundleDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(bundleDir, "venv", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	fakePython(t, filepath.Join(bundleDir, "venv", "bin"), "python", `echo 3.11.2`)

	tests := []struct {
		name    string
		opts    FindPythonOptions
		wantVer string
		wantErr string
	}{
		{"explicit path", FindPythonOptions{Explicit: fake}, "3.12.4", ""},
		{"explicit wins over interpreter", FindPythonOptions{Explicit: fake, Interpreter: real.Path}, "3.12.4", ""},
		{"explicit command on PATH", FindPythonOptions{Explicit: "mypython", PathList: bin}, "3.12.4", ""},
		{"explicit missing: no fallback", FindPythonOptions{Explicit: filepath.Join(bin, "nope"), PathList: bin}, "",
			"looked for --python " + filepath.Join(bin, "nope") + "); " + filepath.Join(bin, "nope") + ": no such file"},
		{"explicit unknown command", FindPythonOptions{Explicit: "nope3", PathList: bin}, "", "nope3: not found on PATH"},
		{"explicit wrong version", FindPythonOptions{Explicit: fake, Accept: func(v string) bool { return false }}, "",
			"version 3.12.4 does not satisfy"},
		{"explicit directory", FindPythonOptions{Explicit: bin}, "", "is a directory"},
		{"interpreter relative to the bundle", FindPythonOptions{Interpreter: "venv/bin/python", Dir: bundleDir, PathList: bin}, "3.11.2", ""},
		{"interpreter absolute", FindPythonOptions{Interpreter: real.Path, PathList: bin}, real.Version, ""},
		{"interpreter missing: no fallback", FindPythonOptions{Interpreter: "python9", PathList: bin}, "",
			"looked for bundle.toml interpreter python9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			py, err := FindPython(context.Background(), tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrNoPython) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if py.Version != tt.wantVer {
				t.Errorf("got %s, want version %s", py, tt.wantVer)
			}
		})
	}
}

func TestFindPythonTimeout(t *testing.T) {
	bin := t.TempDir()
	slow := fakePython(t, bin, "python3", `exec sleep 30`)
	start := time.Now()
	_, err := FindPython(context.Background(), FindPythonOptions{Explicit: slow, Timeout: 200 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "did not finish within 200ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestFindPythonRequiresPython(t *testing.T) {
	bin := t.TempDir()
	fakePython(t, bin, "python3.13", `echo 3.13.0rc2`)
	fakePython(t, bin, "python3.12", `echo 3.12.1`)
	fakePython(t, bin, "python3.8", `echo 3.8.18`)
	tests := []struct {
		requires string
		wantVer  string
		wantErr  error
	}{
		{"", "3.13.0rc2", nil},
		{">=3.9,<3.13", "3.12.1", nil},
		{">=3.13", "3.13.0rc2", nil}, // as pip: the pre-release counts as 3.13.0
		{">3.12.1", "3.13.0rc2", nil},
		{"==3.12.*", "3.12.1", nil},
		{"~=3.8.0", "3.8.18", nil},
		{"<3.8", "", ErrNoPython},
		{"banana", "", ErrBadRequiresPython},
	}
	for _, tt := range tests {
		t.Run(tt.requires, func(t *testing.T) {
			py, err := FindPython(context.Background(), FindPythonOptions{PathList: bin, RequiresPython: tt.requires})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if py.Version != tt.wantVer {
				t.Errorf("got %s, want %s", py, tt.wantVer)
			}
		})
	}
}
