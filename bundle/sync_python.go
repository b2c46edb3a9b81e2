package bundle

// bundle sync: choosing the base interpreter of a new virtualenv.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bundle-wsgi/bundle/internal/index"
	"github.com/bundle-wsgi/bundle/internal/venv"
)

// pythonChoice is the interpreter chosen for a virtualenv, and why.
type pythonChoice struct {
	Py *venv.Interpreter `json:"py"`
	// From names what asked for it ("--python X", "bundle.toml
	// interpreter X"), "" for the search.
	From string `json:"from"`
	// Found is the command or path as found (a pyenv shim, say), and
	// Why explains the choice.
	Found string `json:"found"`
	Why   string `json:"why"`
	// Passed are the candidates tried and refused, Untried the later
	// candidates not tried.
	Passed  []Rejection `json:"passed"`
	Untried []string    `json:"untried"`
	py      *venv.Interpreter
	from    string
}

func (c *pythonChoice) report(w io.Writer) {
	found := ""
	if c.Found != "" && c.Found != c.py.BaseExecutable {
		found = ", found as " + c.Found
	}
	impl := strings.TrimSuffix(c.py.String(), " ("+c.py.BaseExecutable+")")
	fmt.Fprintf(w, "python: %s at %s%s: %s\n", impl, c.py.BaseExecutable, found, c.Why)
	for _, r := range c.Passed {
		fmt.Fprintf(w, "    passed over %s: %s\n", r.Candidate, r.Reason)
	}
	if n := len(c.Untried); n > 0 {
		list := c.Untried
		more := ""
		if n > 4 {
			list, more = list[:4], fmt.Sprintf(" and %d more", n-4)
		}
		fmt.Fprintf(w, "    not tried, as an earlier candidate fits: %s%s\n", strings.Join(list, ", "), more)
	}
}

// choosePython finds the base interpreter for a new virtualenv with
// FindPython: --python, else bundle.toml's interpreter, else the search
// (python3.X for the Python dependencies.txt was pinned for first). It
// then probes it. The whole answer is cached by what it depends on (the
// options, PATH, the candidates' files, pyenv's version files), so that
// recreating a virtualenv runs no Python when nothing changed.
func (s *syncer) choosePython() (*pythonChoice, error) {
	minor := s.pinnedMinor()
	rp := s.cfg.Python.RequiresPython
	cache, key := s.choiceCache(minor)
	if data, ok := cache.Get("python-choice", key); ok {
		var c pythonChoice
		if json.Unmarshal(data, &c) == nil && c.Py != nil && c.Py.Fresh() {
			c.py, c.from = c.Py, c.From
			return &c, nil
		}
	}
	c := &pythonChoice{}
	var found *Python
	switch {
	case s.opts.Python != "" || s.cfg.Python.Interpreter != "":
		fo := FindPythonOptions{Explicit: s.opts.Python, Interpreter: s.cfg.Python.Interpreter, Dir: s.dir, RequiresPython: rp, PathList: s.opts.PathList}
		c.From, c.Why = "--python "+s.opts.Python, "given with --python"
		if s.opts.Python == "" {
			c.From, c.Why = "bundle.toml's [python] interpreter "+s.cfg.Python.Interpreter, "set by bundle.toml [python] interpreter"
		}
		py, err := FindPython(s.ctx, fo)
		if err != nil {
			return nil, &HintError{Err: err, Hint: "Name an installed Python 3 that satisfies requires-python."}
		}
		found = py
		c.Found = py.Path
	default:
		var cands []string
		if minor != "" {
			cands = append(cands, "python"+minor)
		}
		for _, p := range pathPythons(s.opts.PathList) {
			if p != "python"+minor {
				cands = append(cands, p)
			}
		}
		cands = append(cands, "python3", "python")
		seen := map[string]bool{}
		foundCand := ""
		for i, cand := range cands {
			path, err := lookPython(cand, s.opts.PathList)
			if err != nil {
				if i == 0 && minor != "" {
					c.Passed = append(c.Passed, Rejection{cand, err.Error()})
				}
				continue
			}
			real := path
			if r, err := filepath.EvalSymlinks(path); err == nil {
				real = r
			}
			if seen[real] {
				continue
			}
			seen[real] = true
			if found != nil {
				c.Untried = append(c.Untried, cand)
				continue
			}
			py, err := FindPython(s.ctx, FindPythonOptions{Explicit: path, RequiresPython: rp})
			var np *NoPythonError
			switch {
			case errors.As(err, &np):
				c.Passed = append(c.Passed, np.Rejected...)
			case err != nil:
				return nil, err
			default:
				found, foundCand, c.Found = py, cand, path
			}
		}
		if found == nil {
			looked := strings.Join(cands, ", ")
			if rp != "" {
				looked += " satisfying requires-python " + rp
			}
			hint := "Install Python 3, or name one with --python PATH."
			if minor != "" {
				hint = "Install Python " + minor + " (dependencies.txt is pinned for it), or name an interpreter with --python PATH."
			}
			return nil, &HintError{Err: &NoPythonError{Looked: looked, Rejected: c.Passed}, Hint: hint}
		}
		switch {
		case minor != "" && foundCand == "python"+minor:
			c.Why = "dependencies.txt is pinned for CPython " + minor
		case minor != "":
			c.Why = "the first suitable Python on PATH (dependencies.txt is pinned for CPython " + minor + ", which was not found: wheels built for it may not fit)"
		default:
			c.Why = "the first suitable Python on PATH"
		}
		if rp != "" {
			c.Why += "; requires-python " + rp
		}
	}
	py, err := venv.Probe(s.ctx, found.Path, 0)
	if err != nil {
		return nil, err
	}
	c.Py, c.py, c.from = py, py, c.From
	if data, err := json.Marshal(c); err == nil {
		cache.Put("python-choice", key, data)
	}
	return c, nil
}

// choiceCache returns the cache and key of the interpreter choice: every
// input of the search, and the size and modification time of every
// candidate and of pyenv's version files.
func (s *syncer) choiceCache(minor string) (*index.Cache, string) {
	var cache *index.Cache
	if s.opts.CacheDir != "-" {
		dir := s.opts.CacheDir
		if dir == "" {
			dir, _ = index.DefaultCacheDir(s.opts.Getenv)
		}
		if dir != "" {
			cache = &index.Cache{Dir: dir}
		}
	}
	pathList := s.opts.PathList
	if pathList == "" {
		pathList = os.Getenv("PATH")
	}
	abs, _ := filepath.Abs(s.dir)
	parts := []string{"sync-python-v2", s.opts.Python, s.cfg.Python.Interpreter, s.cfg.Python.RequiresPython, abs, minor, pathList, os.Getenv("PYENV_VERSION")}
	cands := append([]string{s.opts.Python, s.cfg.Python.Interpreter, "python" + minor}, pathPythons(s.opts.PathList)...)
	for _, c := range append(cands, "python3", "python") {
		if c == "" {
			continue
		}
		p, err := lookPython(c, s.opts.PathList)
		parts = append(parts, c, p, fmt.Sprint(err), statKey(p))
	}
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		if home, err := os.UserHomeDir(); err == nil {
			root = filepath.Join(home, ".pyenv")
		}
	}
	parts = append(parts, statKey(filepath.Join(root, "version")))
	// pyenv reads .python-version from the working directory upwards.
	for _, start := range []string{".", abs} {
		d, err := filepath.Abs(start)
		for err == nil {
			parts = append(parts, statKey(filepath.Join(d, ".python-version")))
			parent := filepath.Dir(d)
			if parent == d {
				break
			}
			d = parent
		}
	}
	return cache, hashKey(strings.Join(parts, "\x00"))
}
