package bundle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bundle-wsgi/bundle/spec"
)

// Python is a Python interpreter found by FindPython.
type Python struct {
	// Path is the interpreter's absolute path as found (not resolved
	// through symlinks or pyenv shims), or the command the user gave when
	// it already was an absolute path.
	Path string
	// Version is the interpreter's version in PEP 440 form, such as
	// "3.11.7" or "3.13.0rc1".
	Version string
	// ProbeOutput is what FindPythonOptions.Probe printed, or "".
	ProbeOutput string
}

// String returns "PATH (VERSION)".
func (p *Python) String() string { return p.Path + " (" + p.Version + ")" }

// FindPythonOptions says where FindPython looks and what it accepts.
type FindPythonOptions struct {
	// Explicit is the interpreter the user named (--python): a command
	// name looked up on PATH or a path. When set it is the only candidate.
	Explicit string
	// Interpreter is bundle.toml [python] interpreter. When set (and
	// Explicit is not) it is the only candidate. A relative path containing
	// a separator is relative to Dir.
	Interpreter string
	// Dir is the bundle directory, for a relative Interpreter.
	Dir string
	// RequiresPython is bundle.toml [python] requires-python, a PEP 440
	// specifier set; "" accepts every Python 3.
	RequiresPython string
	// Accept, when not nil, replaces RequiresPython: it reports whether a
	// version (such as "3.11.7") is acceptable.
	Accept func(version string) bool
	// PathList is the PATH to search; "" means the PATH environment variable.
	PathList string
	// Timeout bounds each version query; 0 means 10 seconds.
	Timeout time.Duration
	// Probe, when not empty, is Python 3 code run by the version query's
	// own process after the version is printed, so that a caller needing
	// more facts about the interpreter starts it once, not twice (each
	// start of a pyenv shim costs about 100 ms). What it prints is kept in
	// Python.ProbeOutput. Default "".
	Probe string
}

// Rejection says why FindPython passed over one candidate.
type Rejection struct {
	Candidate string // the command or path tried
	Reason    string // lower-case, such as "version 3.8.18 does not satisfy >=3.9"
}

func (r Rejection) String() string { return r.Candidate + ": " + r.Reason }

// NoPythonError is returned by FindPython when no candidate fits. It
// unwraps to ErrNoPython.
type NoPythonError struct {
	// What was looked for, e.g. `python3.X on PATH, python3, python` or
	// the explicit interpreter.
	Looked string
	// Rejected lists every candidate tried, in order, with the reason.
	Rejected []Rejection
}

func (e *NoPythonError) Error() string {
	var b strings.Builder
	b.WriteString("no suitable python interpreter found (looked for " + e.Looked + ")")
	for _, r := range e.Rejected {
		b.WriteString("; ")
		b.WriteString(r.String())
	}
	return b.String()
}

func (e *NoPythonError) Unwrap() error { return ErrNoPython }

// pyVersionScript prints sys.version_info in PEP 440 form. It runs on
// Python 2 too, so that a Python 2 can be rejected with its real version.
const pyVersionScript = `import sys; v = sys.version_info; print("%d.%d.%d%s" % (v[0], v[1], v[2], {"alpha": "a", "beta": "b", "candidate": "rc"}.get(v[3], "") + (str(v[4]) if v[3] != "final" else "")))`

var pyMinorRe = regexp.MustCompile(`^python3\.([0-9]+)$`)

// FindPython finds a Python 3 interpreter:
//
//  1. opts.Explicit, when set, and nothing else;
//  2. else opts.Interpreter (bundle.toml), when set, and nothing else;
//  3. else every python3.X on PATH, newest X first, then python3, then
//     python; the first whose version satisfies opts.Accept (or
//     opts.RequiresPython) wins.
//
// Versions are matched against RequiresPython as pip does: by the
// interpreter's MAJOR.MINOR.MICRO (a 3.13.0rc2 satisfies ">=3.13").
// Each candidate is run with a version query bounded by opts.Timeout; one
// that is missing, fails to run (a pyenv shim for a version that is not
// active, say), is Python 2 or has the wrong version is passed over, and the
// reason recorded. When none fits, the error is a *NoPythonError listing
// them (errors.Is(err, ErrNoPython) holds). An invalid RequiresPython gives
// an error wrapping ErrBadRequiresPython.
func FindPython(ctx context.Context, opts FindPythonOptions) (*Python, error) {
	accept, desc, err := pythonAcceptor(opts)
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	try := func(cand string, rej *[]Rejection) *Python {
		path, err := lookPython(cand, opts.PathList)
		if err != nil {
			*rej = append(*rej, Rejection{cand, err.Error()})
			return nil
		}
		ver, probeOut, err := queryPythonVersion(ctx, path, timeout, opts.Probe)
		if err != nil {
			*rej = append(*rej, Rejection{path, err.Error()})
			return nil
		}
		if !strings.HasPrefix(ver, "3.") {
			*rej = append(*rej, Rejection{path, "version " + ver + " is not python 3"})
			return nil
		}
		if !accept(ver) {
			*rej = append(*rej, Rejection{path, "version " + ver + " does not satisfy " + desc})
			return nil
		}
		return &Python{Path: path, Version: ver, ProbeOutput: probeOut}
	}

	var rejected []Rejection
	if opts.Explicit != "" || opts.Interpreter != "" {
		cand, looked := opts.Explicit, "--python "+opts.Explicit
		if cand == "" {
			cand, looked = opts.Interpreter, "bundle.toml interpreter "+opts.Interpreter
			if strings.ContainsRune(cand, filepath.Separator) && !filepath.IsAbs(cand) && opts.Dir != "" {
				cand = filepath.Join(opts.Dir, cand)
			}
		}
		if py := try(cand, &rejected); py != nil {
			return py, nil
		}
		return nil, &NoPythonError{Looked: looked, Rejected: rejected}
	}

	seen := map[string]bool{} // resolved paths already tried
	cands := append(pathPythons(opts.PathList), "python3", "python")
	for _, cand := range cands {
		if p, err := lookPython(cand, opts.PathList); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				if seen[real] {
					continue
				}
				seen[real] = true
			}
		}
		if py := try(cand, &rejected); py != nil {
			return py, nil
		}
	}
	looked := "python3.X on PATH, python3, python"
	if desc != "" && desc != "any python 3" {
		looked += " satisfying " + desc
	}
	return nil, &NoPythonError{Looked: looked, Rejected: rejected}
}

// pythonAcceptor returns the version predicate and its description.
func pythonAcceptor(opts FindPythonOptions) (func(string) bool, string, error) {
	if opts.Accept != nil {
		return opts.Accept, "the requested version", nil
	}
	rp := strings.TrimSpace(opts.RequiresPython)
	if rp == "" {
		return func(string) bool { return true }, "any python 3", nil
	}
	set, err := spec.ParseSpecifierSet(rp)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %q: %v", ErrBadRequiresPython, rp, err)
	}
	return func(ver string) bool {
		// Like pip, compare the interpreter's MAJOR.MINOR.MICRO only: a
		// 3.13.0rc2 counts as 3.13.0.
		v, err := spec.ParseVersion(releaseOnly(ver))
		if err != nil {
			return false
		}
		return set.Contains(v, true)
	}, "requires-python " + rp, nil
}

// releaseOnly returns the leading dotted-numbers part of a version:
// "3.13.0rc2" -> "3.13.0".
func releaseOnly(ver string) string {
	i := strings.IndexFunc(ver, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
	if i < 0 {
		return ver
	}
	return strings.TrimSuffix(ver[:i], ".")
}

// lookPython resolves a command name on pathList (or PATH) or checks a path.
func lookPython(cand, pathList string) (string, error) {
	if strings.ContainsRune(cand, '/') || strings.ContainsRune(cand, filepath.Separator) {
		fi, err := os.Stat(cand)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return "", errors.New("no such file")
			}
			return "", err
		}
		if fi.IsDir() {
			return "", errors.New("is a directory")
		}
		if fi.Mode()&0o111 == 0 {
			return "", errors.New("not executable")
		}
		abs, err := filepath.Abs(cand)
		if err != nil {
			return cand, nil
		}
		return abs, nil
	}
	if pathList == "" {
		p, err := exec.LookPath(cand)
		if err != nil {
			return "", errors.New("not found on PATH")
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		return p, nil
	}
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // like exec.LookPath, never run from a relative PATH entry
		}
		p := filepath.Join(dir, cand)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errors.New("not found on PATH")
}

// pathPythons lists the distinct python3.X command names on the PATH,
// newest minor version first.
func pathPythons(pathList string) []string {
	if pathList == "" {
		pathList = os.Getenv("PATH")
	}
	minors := map[string]int{}
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			m := pyMinorRe.FindStringSubmatch(e.Name())
			if m == nil {
				continue
			}
			if n, err := strconv.Atoi(m[1]); err == nil {
				minors[e.Name()] = n
			}
		}
	}
	names := make([]string, 0, len(minors))
	for n := range minors {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return minors[names[i]] > minors[names[j]] })
	return names
}

// queryPythonVersion runs path with a version query, followed on Python 3
// by probe when it is not empty; it returns the version and what the probe
// printed.
func queryPythonVersion(ctx context.Context, path string, timeout time.Duration, probe string) (string, string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	script := pyVersionScript
	if probe != "" {
		// strconv.Quote gives a valid Python literal for ASCII code.
		script += "\nif sys.version_info[0] >= 3: exec(" + strconv.Quote(probe) + ")"
	}
	// -S: the query needs nothing from site (.pth files, user site), and
	// importing it is half of the interpreter's start (14 ms of 28 here).
	// Python 2 knows -S too, so it is still told apart by its version.
	cmd := exec.CommandContext(ctx, path, "-S", "-c", script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return "", "", fmt.Errorf("version query did not finish within %s", timeout)
	}
	if err != nil {
		msg := firstLine(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", "", fmt.Errorf("does not run: %s", msg)
	}
	ver, rest, _ := strings.Cut(stdout.String(), "\n")
	ver = strings.TrimSpace(ver)
	if ver == "" || strings.ContainsAny(ver, " ") {
		return "", "", fmt.Errorf("unexpected version output %q", ver)
	}
	return ver, rest, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}
