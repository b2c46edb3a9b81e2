package bundle

// bundle sync: make the app's virtualenv hold exactly the pinned
// distributions of dependencies.txt (plus the bundle_runtime wheel),
// installing wheels natively (PEP 427).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bundle-wsgi/bundle/internal/index"
	"github.com/bundle-wsgi/bundle/internal/install"
	"github.com/bundle-wsgi/bundle/internal/venv"
	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

// SyncOptions are the inputs of Sync (the flags of `bundle sync`).
type SyncOptions struct {
	// Dir is the bundle directory. Default ".".
	Dir string
	// Venv is the virtualenv directory. Default Dir/.venv.
	Venv string
	// Python is the base interpreter (--python): a command or a path.
	// Default: bundle.toml [python] interpreter, else the existing
	// virtualenv's, else a search of PATH (see Sync).
	Python string
	// Wheelhouse, when set, is the only place wheels come from (besides
	// the cache): a local directory. Default: the bundle's index settings.
	Wheelhouse string
	// Offline uses only the wheel cache and local directories. Default
	// false.
	Offline bool
	// NoVerify installs requirements that are not pinned or have no hash.
	// Default false: such a dependencies.txt is refused.
	NoVerify bool
	// Compile byte-compiles the installed modules with the interpreter's
	// compileall. Default false.
	Compile bool
	// Reinstall reinstalls every distribution. Default false.
	Reinstall bool
	// RuntimeWheel is the bundle_runtime wheel to install; "none" skips
	// it. Default: $BUNDLE_RUNTIME_WHEEL, else the newest
	// bundle_runtime-*.whl beside the bundle executable or in ./dist.
	RuntimeWheel string
	// Copy copies files from the wheel cache instead of hard-linking them.
	Copy bool
	// Out receives the report. Default io.Discard.
	Out io.Writer
	// Getenv reads environment variables. Default os.Getenv.
	Getenv func(string) string
	// CacheDir is the cache directory; "-" disables the cache. Default
	// $BUNDLE_CACHE_DIR, else the user cache directory's bundle/.
	CacheDir string
	// HTTPClient makes index requests and downloads. Default: 60 s
	// timeout.
	HTTPClient *http.Client
	// PathList replaces PATH in the interpreter search. Default "".
	PathList string

	// beforeCommit, in tests, runs before each distribution's
	// .dist-info is renamed in; an error interrupts the sync there.
	beforeCommit func(name string) error
}

// SyncResult says what Sync did.
type SyncResult struct {
	// Venv is the virtualenv's directory (absolute).
	Venv string
	// Python is the base interpreter, as "CPython 3.11.7 (/path)".
	Python string
	// Created is true when the virtualenv was created or rebuilt;
	// Rebuilt says why an existing one was rebuilt.
	Created bool
	Rebuilt string
	// Installed and Removed list the distributions installed and removed,
	// sorted by name; Unchanged counts those left alone.
	Installed []SyncedDist
	Removed   []SyncedDist
	Unchanged int
	// Repaired lists what an interrupted earlier sync left and this one
	// fixed.
	Repaired []string
	// RuntimeWheel is the bundle_runtime wheel in the virtualenv's set, ""
	// when none was found.
	RuntimeWheel string
}

// NoOp reports whether the virtualenv was already in sync.
func (r *SyncResult) NoOp() bool {
	return !r.Created && len(r.Installed) == 0 && len(r.Removed) == 0 && len(r.Repaired) == 0
}

// SyncedDist is one distribution Sync installed or removed.
type SyncedDist struct {
	Name, Version string
	// Wheel is the file installed ("" for a removal).
	Wheel string
}

// runtimeName is the normalized name of the runtime wheel's project.
const runtimeName = "bundle-runtime"

// stateDir is the directory Sync keeps in the virtualenv: the lock, the
// state, and the install journal.
const stateDir = ".bundle"

// syncState is stateDir/state.json: what Sync knows about the
// virtualenv, so that a sync with nothing to do runs no Python and reads
// no installed file.
type syncState struct {
	Version int `json:"version"`
	// Python is the probe of the base interpreter.
	Python *venv.Interpreter `json:"python"`
	// Dists are the distributions Sync installed, by normalized name.
	Dists map[string]stateDist `json:"dists"`
	// Runtime caches the hash of the runtime wheel file by size and
	// modification time.
	Runtime *venv.FileStamp `json:"runtime,omitempty"`
	// RuntimeSHA256 is the runtime wheel's sha256.
	RuntimeSHA256 string `json:"runtime_sha256,omitempty"`
}

type stateDist struct {
	Version   string `json:"version"`
	DistInfo  string `json:"dist_info"`
	Wheel     string `json:"wheel"`
	SHA256    string `json:"sha256"`
	Requested bool   `json:"requested,omitempty"`
	Compiled  bool   `json:"compiled,omitempty"`
	// MTime is the .dist-info directory's modification time: another
	// tool reinstalling the same version makes a new directory.
	MTime int64 `json:"mtime"`
}

// distInfoMTime returns the modification time of a .dist-info directory.
func distInfoMTime(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.ModTime().UnixNano()
}

const stateVersion = 1

// want is one distribution the virtualenv must hold.
type want struct {
	name    string            // normalized
	version string            // normalized; "" when not pinned (NoVerify)
	spec    spec.SpecifierSet // the requirement's specifier
	hashes  map[string][]string
	line    int // in dependencies.txt; 0 for the runtime wheel
	// requested: a direct requirement (REQUESTED).
	requested bool
	// local is the runtime wheel's path.
	local string
}

func (w *want) pinned() string {
	if w.version == "" {
		return w.name + spec.SpecifierSet(w.spec).String()
	}
	return w.name + "==" + w.version
}

// syncer carries one Sync's state.
type syncer struct {
	opts    SyncOptions
	ctx     context.Context
	cfg     *spec.Config
	deps    *spec.Dependencies
	dir     string // bundle directory
	vdir    string // virtualenv directory, absolute
	state   *syncState
	stateMu sync.Mutex
	saved   []byte // state.json as last read or written
	py      *venv.Interpreter
	target  wheel.Target
	matcher *wheel.Matcher
	inst    *install.Target
	cache   *install.Cache
	tmpDir  string // a cache of our own when the cache is disabled
	linker  *install.Linker
	res     *SyncResult
	reasons map[string]string // why a distribution of the right version is reinstalled

	sources   *sources
	sourcesMu sync.Mutex
}

// Sync makes the virtualenv (SyncOptions.Venv, default DIR/.venv) hold
// exactly the distributions pinned in dependencies.txt for its
// interpreter, plus the bundle_runtime wheel:
//
//   - Interpreter: --python; else bundle.toml [python] interpreter; else the
//     existing virtualenv's; else python3.X for the X dependencies.txt was
//     pinned for, then every python3.X on PATH newest first, python3,
//     python: the first that satisfies requires-python. The choice and the
//     candidates passed over are reported.
//   - Virtualenv: created without pip (see venv.Create); rebuilt, saying
//     why, when its base interpreter vanished, changed minor version, or is
//     not the one asked for.
//   - Exactness: distributions with the pinned version that Sync installed
//     from a wheel with a pinned hash are left alone; others are replaced;
//     extra ones are removed using their RECORD. With nothing to do, no
//     Python runs and no installed file is read.
//   - Safety: each wheel's hash is checked against dependencies.txt before
//     it is unpacked; unpinned or unhashed requirements are refused unless
//     NoVerify. Installs are atomic per distribution and journaled, an
//     interrupted sync is repaired by the next, and a lock serializes syncs
//     of one virtualenv.
//
// Wheels come from the cache of unpacked wheels (keyed by sha256), then
// from Wheelhouse, or else from the bundle's index settings (those of
// bundle pin, with dependencies.txt's option lines in place of
// dependencies.in's).
func Sync(ctx context.Context, opts SyncOptions) (*SyncResult, error) {
	start := time.Now()
	if opts.Dir == "" {
		opts.Dir = "."
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	s := &syncer{opts: opts, ctx: ctx, dir: opts.Dir, res: &SyncResult{}, reasons: map[string]string{}}
	var err error
	if s.cfg, err = readConfig(opts.Dir); err != nil {
		return nil, err
	}
	if err := s.readDeps(); err != nil {
		return nil, err
	}
	s.vdir = opts.Venv
	if s.vdir == "" {
		s.vdir = filepath.Join(opts.Dir, ".venv")
	}
	if s.vdir, err = filepath.Abs(s.vdir); err != nil {
		return nil, err
	}
	s.res.Venv = s.vdir
	if err := s.checkVenvDir(); err != nil {
		return nil, err
	}
	sdir := filepath.Join(s.vdir, stateDir)
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := venv.Lock(ctx, filepath.Join(sdir, "lock"), func(holder string) {
		fmt.Fprintf(opts.Out, "waiting for another bundle sync of %s (pid %s)\n", shown(s.vdir), strings.TrimSpace(holder))
	})
	if err != nil {
		return nil, err
	}
	defer unlock()
	s.state, s.saved = readState(filepath.Join(sdir, "state.json"))

	if err := s.ensureVenv(); err != nil {
		return nil, err
	}
	s.res.Python = s.py.String()
	if err := s.setupTarget(); err != nil {
		return nil, err
	}
	defer func() {
		if s.sources != nil && s.sources.finder != nil {
			s.sources.finder.Close()
		}
		if s.tmpDir != "" {
			os.RemoveAll(s.tmpDir)
		}
	}()
	notes, err := install.Recover(s.inst)
	if err != nil {
		return nil, fmt.Errorf("repairing %s: %w", shown(s.vdir), err)
	}
	for _, n := range notes {
		fmt.Fprintf(opts.Out, "repaired %s: %s\n", shown(s.vdir), n)
	}
	s.res.Repaired = notes

	wants, err := s.wants()
	if err != nil {
		return nil, err
	}
	installs, removals, compile, err := s.plan(wants)
	if err != nil {
		return nil, err
	}
	s.res.Unchanged = len(wants) - len(installs)
	if len(installs) == 0 && len(removals) == 0 && len(compile) == 0 {
		if err := s.saveState(); err != nil {
			return nil, err
		}
		if s.res.NoOp() {
			fmt.Fprintf(opts.Out, "%s is in sync: %s, %s (%s)\n", shown(s.vdir), plural(len(wants), "distribution"), s.py.String(), elapsed(start))
		} else {
			fmt.Fprintf(opts.Out, "synced %s: %s, %s in %s\n", shown(s.vdir), plural(len(wants), "distribution"), s.py.String(), elapsed(start))
		}
		return s.res, nil
	}

	// Get every wheel before changing anything: a missing or tampered
	// wheel leaves the virtualenv as it was.
	entries, err := s.fetchAll(installs)
	if err != nil {
		return nil, err
	}
	for _, d := range removals {
		if _, err := install.Uninstall(s.inst, d.DistInfo); err != nil {
			return nil, fmt.Errorf("removing %s %s: %w", d.Name, d.Version, err)
		}
		s.stateMu.Lock()
		delete(s.state.Dists, d.Name)
		s.stateMu.Unlock()
		s.res.Removed = append(s.res.Removed, SyncedDist{Name: d.Name, Version: d.Version})
	}
	if len(removals) > 0 {
		if err := s.saveState(); err != nil {
			return nil, err
		}
	}
	pyFiles, err := s.installAll(installs, entries)
	// Report what happened even when an install failed.
	sort.Slice(s.res.Removed, func(i, j int) bool { return s.res.Removed[i].Name < s.res.Removed[j].Name })
	sort.Slice(s.res.Installed, func(i, j int) bool { return s.res.Installed[i].Name < s.res.Installed[j].Name })
	s.report()
	if err != nil {
		return s.res, err
	}
	for _, name := range compile {
		pyFiles[name] = nil // compile what is already installed
	}
	if len(pyFiles) > 0 && opts.Compile {
		if err := s.compile(pyFiles); err != nil {
			return s.res, err
		}
	}
	if err := s.saveState(); err != nil {
		return s.res, err
	}
	removed := len(s.res.Removed)
	for _, d := range s.res.Installed {
		if s.reasons[d.Name] != "" {
			removed-- // reinstalled, not removed
		}
	}
	fmt.Fprintf(opts.Out, "synced %s: %d installed, %d removed, %d unchanged; %s in %s\n", shown(s.vdir),
		len(s.res.Installed), removed, s.res.Unchanged, s.py.String(), elapsed(start))
	if _, copied, why := s.linker.Stats(); why != nil && copied > 0 {
		fmt.Fprintf(opts.Out, "note: files were copied from the wheel cache, not hard-linked (%v)\n", why)
	}
	return s.res, nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func elapsed(start time.Time) string {
	d := time.Since(start)
	if d < 10*time.Millisecond {
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// shown returns p relative to the working directory when it is below it.
func shown(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p
}

func (s *syncer) report() {
	again := map[string]bool{}
	for _, d := range s.res.Installed {
		if why := s.reasons[d.Name]; why != "" {
			again[d.Name+"=="+d.Version] = true
		}
	}
	for _, d := range s.res.Removed {
		if !again[d.Name+"=="+d.Version] {
			fmt.Fprintf(s.opts.Out, "- %s==%s\n", d.Name, d.Version)
		}
	}
	for _, d := range s.res.Installed {
		note := ""
		if d.Name == runtimeName {
			note = " (" + d.Wheel + ")"
		}
		if again[d.Name+"=="+d.Version] {
			fmt.Fprintf(s.opts.Out, "~ %s==%s (reinstalled: %s)%s\n", d.Name, d.Version, s.reasons[d.Name], note)
			continue
		}
		fmt.Fprintf(s.opts.Out, "+ %s==%s%s\n", d.Name, d.Version, note)
	}
}

// readDeps reads dependencies.txt and checks that it is pinned with
// hashes (unless NoVerify).
func (s *syncer) readDeps() error {
	p := filepath.Join(s.dir, FileDependencies)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &HintError{Err: fmt.Errorf("%s: %w", displayPath(s.dir, FileDependencies), fs.ErrNotExist),
			Hint: "Run `bundle pin` to write it from dependencies.in."}
	}
	if err != nil {
		return err
	}
	deps, ds := spec.ParseDependencies(bytes.NewReader(data), displayPath(s.dir, FileDependencies))
	if dropPinning(ds).HasErrors() {
		var b strings.Builder
		for _, d := range ds {
			if d.Severity == spec.SeverityError {
				b.WriteString("\n" + d.String())
			}
		}
		return &HintError{Err: fmt.Errorf("%w:%s", ErrInvalidInput, b.String()), Hint: "Fix them (`bundle validate` explains each), or run `bundle pin` again."}
	}
	if !s.opts.NoVerify {
		var bad []string
		for _, l := range deps.Requirements {
			switch {
			case !l.Pinned():
				bad = append(bad, fmt.Sprintf("%s:%d: %s is not pinned to one version", displayPath(s.dir, FileDependencies), l.Line, l.Raw))
			case len(l.Hashes) == 0:
				bad = append(bad, fmt.Sprintf("%s:%d: %s has no --hash", displayPath(s.dir, FileDependencies), l.Line, l.Raw))
			}
		}
		if len(bad) > 0 {
			return &HintError{Err: fmt.Errorf("%w:\n%s", ErrNotPinned, strings.Join(bad, "\n")),
				Hint: "Run `bundle pin` to pin every distribution with hashes, or pass --no-verify to install without checking them."}
		}
	}
	s.deps = deps
	return nil
}

// checkVenvDir refuses a directory that is neither absent, empty, nor a
// virtualenv.
func (s *syncer) checkVenvDir() error {
	ents, err := os.ReadDir(s.vdir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", shown(s.vdir), err)
	}
	if _, err := os.Stat(filepath.Join(s.vdir, "pyvenv.cfg")); err == nil {
		return nil
	}
	for _, e := range ents {
		if e.Name() != stateDir {
			return &HintError{Err: fmt.Errorf("%s: %w: it exists and has no pyvenv.cfg", shown(s.vdir), ErrNotVenv),
				Hint: "Remove it, or choose another directory with --venv."}
		}
	}
	return nil
}

func readState(p string) (*syncState, []byte) {
	st := &syncState{}
	data, err := os.ReadFile(p)
	if err == nil {
		if json.Unmarshal(data, st) != nil || st.Version != stateVersion {
			st = &syncState{}
		}
	}
	st.Version = stateVersion
	if st.Dists == nil {
		st.Dists = map[string]stateDist{}
	}
	return st, data
}

func (s *syncer) saveState() error {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	data, err := json.MarshalIndent(s.state, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if bytes.Equal(data, s.saved) {
		return nil
	}
	if err := writeAtomic(filepath.Join(s.vdir, stateDir, "state.json"), data, 0o644, true); err != nil {
		return err
	}
	s.saved = data
	return nil
}

// pinnedMinorRe finds the Python the pinned file was resolved for, in the
// header bundle pin writes.
var pinnedMinorRe = regexp.MustCompile(`(?m)^#.* for CPython 3\.([0-9]+) on `)

// pinnedMinor returns "3.X" from dependencies.txt's header, or "".
func (s *syncer) pinnedMinor() string {
	data, err := os.ReadFile(filepath.Join(s.dir, FileDependencies))
	if err != nil {
		return ""
	}
	if m := pinnedMinorRe.FindSubmatch(data); m != nil {
		return "3." + string(m[1])
	}
	return ""
}

// ensureVenv decides the interpreter and creates, rebuilds or keeps the
// virtualenv.
func (s *syncer) ensureVenv() error {
	out := s.opts.Out
	v, openErr := venv.Open(s.vdir)
	reason := ""
	var chosen *pythonChoice
	if openErr == nil {
		if p := v.Problem(); p != "" {
			reason = p
		} else {
			py, why, err := s.venvInterpreter(v)
			if err != nil {
				return err
			}
			reason = why
			if reason == "" {
				s.py = py
				if s.opts.Python != "" || s.cfg.Python.Interpreter != "" {
					if chosen, err = s.choosePython(); err != nil {
						return err
					}
					if chosen.py.RealExecutable != py.RealExecutable || chosen.py.Version != py.Version {
						reason = fmt.Sprintf("%s asks for %s, and it was made from %s", chosen.from, chosen.py, py)
					}
				} else if ok, desc := s.acceptable(py.Version); !ok {
					reason = fmt.Sprintf("its Python %s does not satisfy %s", py.Version, desc)
				}
			}
		}
		if reason == "" {
			s.state.Python = s.py
			return nil
		}
	}
	if reason != "" {
		fmt.Fprintf(out, "rebuilding %s: %s\n", shown(s.vdir), reason)
	}
	if chosen == nil {
		var err error
		if chosen, err = s.choosePython(); err != nil {
			if reason != "" {
				return fmt.Errorf("%s needs rebuilding (%s), but: %w", shown(s.vdir), reason, err)
			}
			return err
		}
	}
	chosen.report(out)
	start := time.Now()
	// What an earlier sync left in the old virtualenv's journal is moot.
	for _, d := range []string{"journal", "staging", "trash"} {
		if err := os.RemoveAll(filepath.Join(s.vdir, stateDir, d)); err != nil {
			return err
		}
	}
	if _, err := venv.Create(s.vdir, chosen.py, venv.CreateOptions{Keep: []string{stateDir}, Creator: "bundle"}); err != nil {
		return fmt.Errorf("creating %s: %w", shown(s.vdir), err)
	}
	s.py = chosen.py
	s.state.Python = chosen.py
	s.state.Dists = map[string]stateDist{}
	s.res.Created = true
	s.res.Rebuilt = reason
	if reason != "" {
		fmt.Fprintf(out, "rebuilt %s (%s)\n", shown(s.vdir), elapsed(start))
	} else {
		fmt.Fprintf(out, "created %s (%s)\n", shown(s.vdir), elapsed(start))
	}
	return nil
}

// venvInterpreter returns the probe of an existing virtualenv's base
// interpreter: the one in the state when its files have not changed (no
// Python runs), else a new probe through the virtualenv's python. why is
// not "" when the virtualenv must be rebuilt.
func (s *syncer) venvInterpreter(v *venv.Venv) (py *venv.Interpreter, why string, err error) {
	cfgVersion := v.Config.Get("version")
	if st := s.state.Python; st != nil && st.Fresh() && releaseOf(st) == cfgVersion {
		if exe := v.Config.Get("executable"); exe == "" || exe == st.RealExecutable {
			return st, "", nil
		}
	}
	py, err = venv.Probe(s.ctx, v.Python(), 0)
	if err != nil {
		return nil, "its interpreter does not run: " + err.Error(), nil
	}
	old, _ := wheel.ParsePythonVersion(cfgVersion)
	if old[0] != py.VersionInfo[0] || old[1] != py.VersionInfo[1] {
		return py, fmt.Sprintf("its base interpreter changed from Python %s to %s", cfgVersion, py.Version), nil
	}
	if want := releaseOf(py); cfgVersion != want {
		// A new micro version of the same interpreter: the virtualenv
		// still works; record the version as venv --upgrade would.
		if err := rewriteCfgVersion(v.Dir, want); err != nil {
			return nil, "", err
		}
		fmt.Fprintf(s.opts.Out, "updated %s: its base interpreter is now Python %s (was %s)\n", shown(s.vdir), py.Version, cfgVersion)
	}
	if s.state.Python == nil || s.state.Python.RealExecutable != py.RealExecutable {
		// Not made by this sync (or by another interpreter): what is
		// installed is checked against the pins anyway.
		s.state.Dists = keepVerified(s.state.Dists, s.state.Python, py)
	}
	return py, "", nil
}

// releaseOf returns "X.Y.Z", as pyvenv.cfg records the version.
func releaseOf(py *venv.Interpreter) string {
	return fmt.Sprintf("%d.%d.%d", py.VersionInfo[0], py.VersionInfo[1], py.VersionInfo[2])
}

// keepVerified drops the state of distributions when the interpreter
// changed under them.
func keepVerified(d map[string]stateDist, old, now *venv.Interpreter) map[string]stateDist {
	if old == nil || old.MinorVersion() != now.MinorVersion() {
		return map[string]stateDist{}
	}
	return d
}

func rewriteCfgVersion(dir, version string) error {
	p := filepath.Join(dir, "pyvenv.cfg")
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	lines := strings.SplitAfter(string(data), "\n")
	for i, l := range lines {
		if k, _, ok := strings.Cut(l, "="); ok && strings.EqualFold(strings.TrimSpace(k), "version") {
			lines[i] = "version = " + version + "\n"
		}
	}
	return writeAtomic(p, []byte(strings.Join(lines, "")), 0o644, true)
}

// acceptable reports whether a Python version satisfies requires-python.
func (s *syncer) acceptable(version string) (bool, string) {
	accept, desc, err := pythonAcceptor(FindPythonOptions{RequiresPython: s.cfg.Python.RequiresPython})
	if err != nil {
		return true, ""
	}
	return accept(version), desc
}

// setupTarget derives the wheel target and the install scheme from the
// interpreter.
func (s *syncer) setupTarget() error {
	py := s.py
	s.target = wheel.Target{
		Python:   py.VersionInfo,
		Platform: localPlatform(&pyTarget{Platform: py.Platform, Libc: py.Libc}),
		Env:      py.Env,
	}
	if err := s.target.Validate(); err != nil {
		return fmt.Errorf("the virtualenv's interpreter %s: %w", py, err)
	}
	s.matcher = s.target.Matcher()
	j := func(p string) string { return filepath.Join(s.vdir, filepath.FromSlash(p)) }
	s.inst = &install.Target{
		Root:    s.vdir,
		Purelib: j(py.Scheme.Purelib), Platlib: j(py.Scheme.Platlib),
		Scripts: j(py.Scheme.Scripts), Data: j(py.Scheme.Data),
		Headers:  filepath.Join(s.vdir, "include", "site", "python"+py.MinorVersion()),
		Python:   filepath.Join(j(py.Scheme.Scripts), "python"),
		StateDir: filepath.Join(s.vdir, stateDir),
	}
	s.linker = &install.Linker{}
	if s.opts.Copy {
		s.linker.Mode = install.LinkCopy
	}
	dir := s.opts.CacheDir
	if dir == "" {
		d, err := index.DefaultCacheDir(s.opts.Getenv)
		if err == nil {
			dir = d
		} else {
			dir = "-"
		}
	}
	if dir == "-" {
		tmp, err := os.MkdirTemp(filepath.Join(s.vdir, stateDir), "cache-")
		if err != nil {
			return err
		}
		s.tmpDir = tmp
		dir = tmp
	}
	s.cache = &install.Cache{Dir: dir}
	return nil
}

// wants lists the distributions the virtualenv must hold: the
// requirements of dependencies.txt whose marker holds for the
// interpreter, and the runtime wheel.
func (s *syncer) wants() ([]*want, error) {
	env := s.target.Environment()
	direct := s.directNames()
	var out []*want
	seen := map[string]bool{}
	for _, l := range s.deps.Requirements {
		if !l.Req.Marker.Evaluate(env, "") {
			continue
		}
		w := &want{name: l.Req.CanonicalName(), spec: l.Req.Specifier, line: l.Line, hashes: map[string][]string{}}
		if seen[w.name] {
			continue // a second line for another marker: the first that applies wins
		}
		seen[w.name] = true
		if l.Pinned() {
			v, err := spec.ParseVersion(l.Req.Specifier[0].Version)
			if err == nil {
				w.version = v.String()
			} else {
				w.version = l.Req.Specifier[0].Version // ===
			}
		}
		for _, h := range l.Hashes {
			w.hashes[h.Algo] = append(w.hashes[h.Algo], h.Hex)
		}
		w.requested = direct == nil || direct[w.name]
		out = append(out, w)
	}
	if !seen[runtimeName] {
		rw, err := s.runtimeWant()
		if err != nil {
			return nil, err
		}
		if rw != nil {
			out = append(out, rw)
		}
	}
	return out, nil
}

// directNames returns the normalized names of dependencies.in, nil when
// there is none (then, as for pip, every requirement is direct).
func (s *syncer) directNames() map[string]bool {
	data, err := os.ReadFile(filepath.Join(s.dir, FileDirectDeps))
	if err != nil {
		return nil
	}
	in, _ := spec.ParseDependencies(bytes.NewReader(data), FileDirectDeps)
	names := map[string]bool{}
	for _, l := range in.Requirements {
		names[l.Req.CanonicalName()] = true
	}
	return names
}

// runtimeWant finds the bundle_runtime wheel: RuntimeWheel, else
// $BUNDLE_RUNTIME_WHEEL, else the newest compatible bundle_runtime-*.whl
// beside the executable or in ./dist. Its hash is cached in the state by
// size and modification time. Not finding one is not an error: Sync says
// so and goes on.
func (s *syncer) runtimeWant() (*want, error) {
	p := s.opts.RuntimeWheel
	if p == "" {
		p = s.opts.Getenv("BUNDLE_RUNTIME_WHEEL")
	}
	if p == "none" {
		return nil, nil
	}
	if p == "" {
		var looked []string
		var dirs []string
		if exe, err := os.Executable(); err == nil {
			if real, err := filepath.EvalSymlinks(exe); err == nil {
				exe = real
			}
			dirs = append(dirs, filepath.Dir(exe))
		}
		if wd, err := os.Getwd(); err == nil {
			dirs = append(dirs, filepath.Join(wd, "dist"))
		}
		type cand struct {
			path string
			fn   *wheel.Filename
			rank int
		}
		var best *cand
		for _, d := range dirs {
			looked = append(looked, d)
			m, _ := filepath.Glob(filepath.Join(d, "bundle_runtime-*.whl"))
			for _, f := range m {
				fn, err := wheel.ParseFilename(filepath.Base(f))
				if err != nil {
					continue
				}
				rank, ok := s.matcher.Rank(fn)
				if !ok {
					continue
				}
				if best == nil || fn.Version.Compare(best.fn.Version) > 0 || fn.Version.Equal(best.fn.Version) && rank < best.rank {
					best = &cand{f, fn, rank}
				}
			}
		}
		if best == nil {
			fmt.Fprintf(s.opts.Out, "note: no bundle_runtime wheel for %s found (looked for bundle_runtime-*.whl in %s): bin/wsgiapp needs it to serve; build it with `make build`, or pass --runtime-wheel PATH\n",
				s.target, strings.Join(looked, ", "))
			return nil, nil
		}
		p = best.path
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, err
	}
	fn, err := wheel.ParseFilename(filepath.Base(abs))
	if err != nil {
		return nil, fmt.Errorf("runtime wheel %s: %w", p, err)
	}
	if fn.Name != runtimeName {
		return nil, fmt.Errorf("runtime wheel %s: not a bundle_runtime wheel", p)
	}
	if _, ok := s.matcher.Rank(fn); !ok {
		fmt.Fprintf(s.opts.Out, "note: the runtime wheel %s does not fit %s; not installing it\n", p, s.target)
		return nil, nil
	}
	stamp, ok := venv.Stamp(abs)
	if !ok {
		return nil, fmt.Errorf("runtime wheel %s: %w", p, fs.ErrNotExist)
	}
	sum := ""
	if s.state.Runtime != nil && *s.state.Runtime == stamp && s.state.RuntimeSHA256 != "" {
		sum = s.state.RuntimeSHA256
	} else {
		if sum, err = fileSHA256(abs); err != nil {
			return nil, err
		}
		s.state.Runtime, s.state.RuntimeSHA256 = &stamp, sum
	}
	s.res.RuntimeWheel = abs
	return &want{name: runtimeName, version: fn.Version.String(), hashes: map[string][]string{"sha256": {sum}}, requested: true, local: abs}, nil
}

// plan compares the wants with what is installed. compile lists the
// distributions left alone that Compile must still byte-compile.
func (s *syncer) plan(wants []*want) (installs []*want, removals []install.Dist, compile []string, err error) {
	dists, err := install.List(s.inst.Purelib, s.inst.Platlib)
	if err != nil {
		return nil, nil, nil, err
	}
	have := map[string][]install.Dist{}
	for _, d := range dists {
		have[d.Name] = append(have[d.Name], d)
	}
	wanted := map[string]bool{}
	for _, w := range wants {
		wanted[w.name] = true
		ds := have[w.name]
		sd, known := s.state.Dists[w.name]
		ok := !s.opts.Reinstall && len(ds) == 1 && known && sd.DistInfo == filepath.Base(ds[0].DistInfo) &&
			sd.MTime == distInfoMTime(ds[0].DistInfo) && sameVersion(ds[0].Version, w) && sd.Requested == w.requested && hashOK(sd, w)
		if ok {
			if s.opts.Compile && !sd.Compiled {
				compile = append(compile, w.name)
			}
			continue
		}
		if len(ds) == 1 && sameVersion(ds[0].Version, w) {
			s.reasons[w.name] = reinstallReason(ds[0], sd, known, w, s.opts.Reinstall)
		}
		removals = append(removals, ds...)
		installs = append(installs, w)
	}
	for _, d := range dists {
		if !wanted[d.Name] {
			removals = append(removals, d)
		}
	}
	for name := range s.state.Dists {
		if !wanted[name] || len(have[name]) == 0 {
			delete(s.state.Dists, name)
		}
	}
	return installs, removals, compile, nil
}

// reinstallReason says why a distribution of the pinned version is
// installed again.
func reinstallReason(d install.Dist, sd stateDist, known bool, w *want, forced bool) string {
	switch {
	case forced:
		return "--reinstall"
	case !known || sd.DistInfo != filepath.Base(d.DistInfo) || sd.MTime != distInfoMTime(d.DistInfo):
		by := "another tool"
		if data, err := os.ReadFile(filepath.Join(d.DistInfo, "INSTALLER")); err == nil && strings.TrimSpace(string(data)) != "" {
			by = strings.TrimSpace(string(data))
		}
		return "installed by " + by + ", not from a verified wheel"
	case !hashOK(sd, w):
		return "the pinned hash changed"
	case sd.Requested != w.requested:
		return "it became a direct requirement, or stopped being one"
	}
	return "reinstalled"
}

func sameVersion(installed string, w *want) bool {
	v, err := spec.ParseVersion(installed)
	if err != nil {
		return false
	}
	if w.version == "" {
		return w.spec.Contains(v, true)
	}
	pv, err := spec.ParseVersion(w.version)
	return err == nil && pv.Equal(v)
}

// hashOK reports whether the wheel installed had one of the pinned hashes.
func hashOK(sd stateDist, w *want) bool {
	if len(w.hashes) == 0 {
		return true
	}
	for _, h := range w.hashes["sha256"] {
		if h == sd.SHA256 {
			return true
		}
	}
	return false
}

// installAll installs the wheels in parallel. It returns the .py files
// installed, by distribution, for Compile.
func (s *syncer) installAll(installs []*want, entries map[string]*install.Entry) (map[string][]string, error) {
	pyFiles := map[string][]string{}
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(2, min(8, 2*runtime.GOMAXPROCS(0))))
	for _, w := range installs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			inst, err := s.installOne(w, entries[w.name])
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("installing %s: %w", w.pinned(), err))
				return
			}
			pyFiles[w.name] = inst.Python
		}()
	}
	wg.Wait()
	return pyFiles, errors.Join(errs...)
}

func (s *syncer) installOne(w *want, e *install.Entry) (*install.Installed, error) {
	opts := install.Options{Requested: w.requested, Linker: s.linker}
	if s.opts.beforeCommit != nil {
		opts.BeforeCommit = func() error { return s.opts.beforeCommit(w.name) }
	}
	inst, err := install.Install(e, s.inst, opts)
	if errors.Is(err, install.ErrCacheCorrupt) {
		// A cached file was changed (through a hard link, say): unpack the
		// wheel again and retry once.
		fmt.Fprintf(s.opts.Out, "note: the cached copy of %s changed since it was unpacked (%v); unpacking it again\n", e.Manifest.Filename, err)
		if rerr := s.cache.Remove(e.Manifest.SHA256); rerr != nil {
			return nil, rerr
		}
		if e, err = s.fetch(w, true); err != nil {
			return nil, err
		}
		inst, err = install.Install(e, s.inst, opts)
	}
	if err != nil {
		return nil, err
	}
	m := e.Manifest
	s.stateMu.Lock()
	s.state.Dists[w.name] = stateDist{Version: w.versionOr(m.Version), DistInfo: m.DistInfo, Wheel: m.Filename, SHA256: m.SHA256,
		Requested: w.requested, MTime: distInfoMTime(inst.DistInfo)}
	s.res.Installed = append(s.res.Installed, SyncedDist{Name: w.name, Version: w.versionOr(m.Version), Wheel: m.Filename})
	s.stateMu.Unlock()
	return inst, s.saveState()
}

func (w *want) versionOr(v string) string {
	if w.version != "" {
		return w.version
	}
	if pv, err := spec.ParseVersion(v); err == nil {
		return pv.String()
	}
	return v
}

// compile byte-compiles the .py files of the given distributions (all
// of a distribution's installed modules when its list is nil) with the
// virtualenv's compileall, and adds the .pyc files to their RECORD.
func (s *syncer) compile(pyFiles map[string][]string) error {
	names := make([]string, 0, len(pyFiles))
	for n := range pyFiles {
		names = append(names, n)
	}
	sort.Strings(names)
	var all []string
	dists, err := install.List(s.inst.Purelib, s.inst.Platlib)
	if err != nil {
		return err
	}
	infoOf := map[string]string{}
	for _, d := range dists {
		infoOf[d.Name] = d.DistInfo
	}
	for _, n := range names {
		if pyFiles[n] == nil {
			pyFiles[n] = recordPython(infoOf[n])
		}
		all = append(all, pyFiles[n]...)
	}
	if len(all) == 0 {
		return nil
	}
	start := time.Now()
	cmd := exec.CommandContext(s.ctx, filepath.Join(s.inst.Scripts, "python"), "-m", "compileall", "-q", "-i", "-")
	cmd.Stdin = strings.NewReader(strings.Join(all, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return fmt.Errorf("compiling: %w", err)
		}
		// compileall exits 1 when a file does not compile (pip only warns).
		fmt.Fprintf(s.opts.Out, "warning: some modules did not byte-compile:\n%s", indent(stderr.String()))
	}
	n := 0
	for _, name := range names {
		var pycs []string
		for _, py := range pyFiles[name] {
			pycs = append(pycs, install.PycPath(py, s.py.CacheTag))
		}
		if info := infoOf[name]; info != "" {
			if err := install.AddToRecord(info, pycs); err != nil {
				return err
			}
		}
		s.stateMu.Lock()
		if sd, ok := s.state.Dists[name]; ok {
			sd.Compiled = true
			sd.MTime = distInfoMTime(infoOf[name]) // RECORD was rewritten
			s.state.Dists[name] = sd
		}
		s.stateMu.Unlock()
		n += len(pycs)
	}
	fmt.Fprintf(s.opts.Out, "byte-compiled %d modules in %s\n", n, elapsed(start))
	return nil
}

// recordPython lists the .py files a RECORD names in its site-packages.
func recordPython(distInfo string) []string {
	data, err := os.ReadFile(filepath.Join(distInfo, "RECORD"))
	if err != nil {
		return nil
	}
	entries, err := install.ParseRecord(data)
	if err != nil {
		return nil
	}
	lib := filepath.Dir(distInfo)
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Path, ".py") && !strings.HasPrefix(e.Path, "../") {
			out = append(out, filepath.Join(lib, filepath.FromSlash(e.Path)))
		}
	}
	return out
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}
