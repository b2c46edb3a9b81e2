package bundle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/bundle-wsgi/bundle/spec"
)

// The files of a bundle, relative to its directory (SPEC.md section 2).
const (
	FileBundleTOML   = "bundle.toml"
	FileDependencies = "dependencies.txt"
	FileDirectDeps   = "dependencies.in"
	FileExternal     = "external-dependencies.txt"
	FileWSGIApp      = "bin/wsgiapp"
)

// ValidateOptions says what Validate checks and how.
type ValidateOptions struct {
	// Dir is the bundle directory. Default ".".
	Dir string
	// Strict turns the warnings that a dependencies.txt is not in pinned
	// form (D006, D007) into errors. Default false.
	Strict bool
	// Python is the interpreter the user named (--python) for the
	// bin/wsgiapp check. Default "": the bundle's [python] interpreter,
	// else the bundle's .venv, else a search of PATH (see FindPython).
	Python string
	// PathList replaces the PATH environment variable in the interpreter
	// search. Default "": use PATH.
	PathList string
}

// Report is the outcome of Validate.
type Report struct {
	// Dir is the directory validated, as given.
	Dir string `json:"dir"`
	// Valid is true when no diagnostic is an error.
	Valid bool `json:"valid"`
	// Python is the interpreter used for the bin/wsgiapp check, or ""
	// when the check was skipped.
	Python string `json:"python,omitempty"`
	// Diagnostics holds every finding, ordered by file, then line, then
	// column.
	Diagnostics spec.Diagnostics `json:"diagnostics"`
	// Config is the parsed bundle.toml, or nil when it could not be parsed.
	Config *spec.Config `json:"-"`
}

// Validate runs every check of SPEC.md on the bundle in opts.Dir. It
// returns an error only when the context is cancelled; everything wrong
// with the bundle is a diagnostic in the report.
func Validate(ctx context.Context, opts ValidateOptions) (*Report, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	rep := &Report{Dir: dir}
	var ds spec.Diagnostics
	display := func(name string) string {
		if dir == "." {
			return filepath.FromSlash(name)
		}
		return filepath.Join(dir, filepath.FromSlash(name))
	}
	fail := func(code, file, msg, hint string) {
		ds = append(ds, spec.Diagnostic{File: file, Severity: spec.SeverityError, Code: code, Message: msg, Hint: hint})
	}

	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fail("B006", dir, "no such directory", "Check the path, or create the app directory first.")
	case err != nil:
		fail("B006", dir, "cannot read the directory: "+errText(err), "Check its permissions.")
	case !fi.IsDir():
		fail("B006", dir, "not a directory", "Give the bundle's directory, not a file in it.")
	}
	if len(ds) > 0 {
		return rep.finish(ds), nil
	}

	// bundle.toml decides whether this is a bundle at all.
	tomlPath := filepath.Join(dir, FileBundleTOML)
	data, err := os.ReadFile(tomlPath)
	if errors.Is(err, fs.ErrNotExist) {
		fail("B002", display(FileBundleTOML), "not a bundle: "+FileBundleTOML+" is missing",
			"Run `bundle init "+dir+"` to make this app directory a bundle.")
		return rep.finish(ds), nil
	}
	if err != nil {
		fail("B006", display(FileBundleTOML), "cannot read the file: "+errText(err), "Check its permissions.")
		return rep.finish(ds), nil
	}
	cfg, cds := spec.ParseBundleTOML(bytes.NewReader(data), display(FileBundleTOML))
	ds = append(ds, cds...)
	if !cds.HasErrors() {
		rep.Config = cfg
	}

	parse := func(name string, required bool, fn func(data []byte, file string) spec.Diagnostics) {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if required {
				fail("B001", display(name), "required file missing",
					"Run `bundle init` to create it, or see SPEC.md for its format.")
			}
		case err != nil:
			fail("B006", display(name), "cannot read the file: "+errText(err), "Check its permissions.")
		default:
			ds = append(ds, fn(data, display(name))...)
		}
	}
	var pinned, direct *spec.Dependencies
	parse(FileDependencies, true, func(data []byte, file string) spec.Diagnostics {
		var d spec.Diagnostics
		pinned, d = spec.ParseDependencies(bytes.NewReader(data), file)
		return d
	})
	parse(FileDirectDeps, false, func(data []byte, file string) spec.Diagnostics {
		var d spec.Diagnostics
		direct, d = spec.ParseDependencies(bytes.NewReader(data), file)
		// dependencies.in holds loose requirements by design.
		return dropPinning(d)
	})
	if pinned != nil && direct != nil {
		ds = append(ds, crossCheck(direct, pinned, display(FileDirectDeps))...)
	}
	if opts.Strict {
		ds = promotePinning(ds)
	}
	parse(FileExternal, true, func(data []byte, file string) spec.Diagnostics {
		_, d := spec.ParseExternal(bytes.NewReader(data), file)
		return d
	})

	// bin/wsgiapp, checked with the app's own Python when one is found.
	py, pyErr := rep.findPython(ctx, dir, opts, cfg)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	wds := CheckWSGIApp(ctx, py, filepath.Join(dir, filepath.FromSlash(FileWSGIApp)))
	for i := range wds {
		wds[i].File = display(FileWSGIApp)
		if wds[i].Code == "W003" && pyErr != nil {
			// Say why no interpreter was used.
			wds[i].Hint += " (" + errText(pyErr) + ")"
		}
	}
	ds = append(ds, wds...)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return rep.finish(ds), nil
}

// findPython picks the interpreter for the bin/wsgiapp check: --python,
// then bundle.toml's interpreter, then the bundle's own .venv (the app's
// Python once `bundle sync` has run), then a PATH search honouring
// requires-python.
func (rep *Report) findPython(ctx context.Context, dir string, opts ValidateOptions, cfg *spec.Config) (*Python, error) {
	fo := FindPythonOptions{Explicit: opts.Python, Dir: dir, PathList: opts.PathList}
	if cfg != nil {
		fo.Interpreter = cfg.Python.Interpreter
		fo.RequiresPython = cfg.Python.RequiresPython
	}
	if fo.Explicit == "" && fo.Interpreter == "" {
		venvPy := filepath.Join(dir, ".venv", "bin", "python")
		if _, err := os.Stat(venvPy); err == nil {
			if abs, err := filepath.Abs(venvPy); err == nil {
				fo.Explicit = abs
			}
		}
	}
	py, err := FindPython(ctx, fo)
	if err != nil {
		return nil, err
	}
	rep.Python = py.String()
	return py, nil
}

func (rep *Report) finish(ds spec.Diagnostics) *Report {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	if ds == nil {
		ds = spec.Diagnostics{}
	}
	rep.Diagnostics = ds
	rep.Valid = !ds.HasErrors()
	return rep
}

// pinningCodes are the diagnostics that say dependencies.txt is not in
// pinned form, or does not pin what dependencies.in asks for.
var pinningCodes = map[string]bool{"D006": true, "D007": true, "D011": true, "D012": true}

// crossCheck reports each direct requirement of dependencies.in that
// dependencies.txt does not pin (D011), or pins at a version outside the
// requirement's specifier (D012). Both are warnings: a fresh `bundle init`
// leaves dependencies.txt empty until `bundle pin` runs.
func crossCheck(direct, pinned *spec.Dependencies, inFile string) spec.Diagnostics {
	pins := map[string][]spec.DepLine{}
	for _, p := range pinned.Requirements {
		n := spec.NormalizeName(p.Req.Name)
		pins[n] = append(pins[n], p)
	}
	var ds spec.Diagnostics
	for _, d := range direct.Requirements {
		ps := pins[spec.NormalizeName(d.Req.Name)]
		if len(ps) == 0 {
			ds = append(ds, spec.Diagnostic{File: inFile, Line: d.Line, Column: d.Column,
				Severity: spec.SeverityWarning, Code: "D011",
				Message: fmt.Sprintf("%s is not pinned in %s", d.Raw, FileDependencies),
				Hint:    "Run `bundle pin` to pin the direct requirements and what they need."})
			continue
		}
		for _, p := range ps {
			if !p.Pinned() {
				continue // D006 already says so
			}
			v, err := spec.ParseVersion(p.Req.Specifier[0].Version)
			if err != nil || d.Req.Specifier.Contains(v, true) {
				continue
			}
			ds = append(ds, spec.Diagnostic{File: inFile, Line: d.Line, Column: d.Column,
				Severity: spec.SeverityWarning, Code: "D012",
				Message: fmt.Sprintf("%s pins %s, which does not satisfy %s", FileDependencies, p.Raw, d.Raw),
				Hint:    "Run `bundle pin --upgrade-package " + spec.NormalizeName(d.Req.Name) + "` to pin a version that fits."})
		}
	}
	return ds
}

func promotePinning(ds spec.Diagnostics) spec.Diagnostics {
	for i := range ds {
		if pinningCodes[ds[i].Code] {
			ds[i].Severity = spec.SeverityError
		}
	}
	return ds
}

func dropPinning(ds spec.Diagnostics) spec.Diagnostics {
	out := ds[:0]
	for _, d := range ds {
		if !pinningCodes[d.Code] {
			out = append(out, d)
		}
	}
	return out
}
