package bundle

// bundle pin: resolve dependencies.in into the pinned form of
// dependencies.txt (SPEC.md 6.7).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/bundle-wsgi/bundle/internal/index"
	"github.com/bundle-wsgi/bundle/internal/resolve"
	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

// PinOptions are the inputs of Pin (the flags of `bundle pin`).
//
// Index settings are taken, for each of the index URL, the extra index
// URLs and no-index separately, from the first of these that sets it: the
// options here (command-line flags), the environment (PIP_INDEX_URL,
// PIP_EXTRA_INDEX_URL, PIP_NO_INDEX; lists separated by white space), the
// option lines of dependencies.in, bundle.toml [index], and the default
// https://pypi.org/simple. Find-links, which only add files, are combined
// from all of these sources (see findLinks). The index strategy comes from
// the options, else bundle.toml.
type PinOptions struct {
	// Dir is the bundle directory. Default ".".
	Dir string
	// Upgrade ignores the versions pinned in dependencies.txt. Default
	// false: they are kept while they still satisfy dependencies.in.
	Upgrade bool
	// UpgradePackages are names whose pins are ignored. Default none.
	UpgradePackages []string
	// PythonVersion is the target Python, "3.11" or "3.11.7". Default:
	// the bundle's interpreter (bundle.toml, else the local search).
	PythonVersion string
	// Platform is the target platform tag (see wheel.Target.Platform).
	// Default: the platform of that interpreter, else of this machine.
	Platform string
	// IndexURL, ExtraIndexURLs, FindLinks and NoIndex override the index
	// settings (see the type's documentation). Default: not set.
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string
	NoIndex        bool
	// IndexStrategy is spec.IndexFirst ("first-index") or
	// spec.IndexBestMatch ("unsafe-best-match"), see SPEC.md 5.5. Default
	// "": bundle.toml [index] strategy, else first-index.
	IndexStrategy string
	// Offline uses only the cache and local find-links. Default false.
	Offline bool
	// Refresh ignores cached index pages. Default false.
	Refresh bool
	// DryRun prints the diff instead of writing. Default false.
	DryRun bool
	// Check writes nothing and fails with ErrStale when dependencies.txt
	// differs from what Pin would write (ignoring the header); the error
	// says what differs: the names missing, no longer needed, at other
	// versions or with other hashes, and the header's command when it is
	// not this one. Default false.
	Check bool
	// Out receives what Pin reports (and the --dry-run diff). Default
	// io.Discard.
	Out io.Writer
	// Progress, when not nil, receives a progress line rewritten in
	// place (a terminal). Default nil: no progress display.
	Progress io.Writer
	// Getenv reads environment variables. Default os.Getenv.
	Getenv func(string) string
	// CacheDir is the cache directory; "-" disables the cache. Default
	// $BUNDLE_CACHE_DIR, else the user cache directory's bundle/.
	CacheDir string
	// HTTPClient makes the index requests. Default: 60 s timeout.
	HTTPClient *http.Client
	// Command is the command line named in the header. Default: "bundle
	// pin" with the options that change the result.
	Command string
}

// PinResult is what Pin did.
type PinResult struct {
	// Path is the dependencies.txt path.
	Path string
	// Target describes the environment resolved for.
	Target string
	// Dists are the pinned distributions, sorted by name.
	Dists []PinnedDist
	// Content is the pinned file Pin wrote (or would write).
	Content []byte
	// Changed is true when Content differs from the file on disk.
	Changed bool
	// Written is true when the file was written.
	Written bool
	// Diff is the unified diff from the old file to Content ("" when
	// unchanged).
	Diff string
}

// PinnedDist is one entry of the pinned file.
type PinnedDist struct {
	resolve.Resolved
	// Hashes are the sha256 digests of its compatible files, sorted.
	Hashes []string
}

// Pin resolves the bundle's dependencies.in for the target environment
// and writes dependencies.txt in pinned form, atomically. It writes
// nothing when the content would not change.
func Pin(ctx context.Context, opts PinOptions) (*PinResult, error) {
	if opts.Dir == "" {
		opts.Dir = "."
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	start := time.Now()
	cfg, err := readConfig(opts.Dir)
	if err != nil {
		return nil, err
	}
	inPath := filepath.Join(opts.Dir, FileDirectDeps)
	inData, err := os.ReadFile(inPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &HintError{Err: fmt.Errorf("%s: %w", inPath, ErrNoDirectDeps),
			Hint: "Create dependencies.in with the app's direct requirements, one a line (such as flask>=3), or run `bundle init`."}
	}
	if err != nil {
		return nil, err
	}
	direct, ds := spec.ParseDependencies(bytes.NewReader(inData), displayPath(opts.Dir, FileDirectDeps))
	ds = dropPinning(ds)
	if ds.HasErrors() {
		return nil, invalidInput(ds)
	}

	var reqs []*spec.Requirement
	for _, l := range direct.Requirements {
		reqs = append(reqs, l.Req)
	}
	// The index settings come first so that the Finder can warm up while
	// the target interpreter starts. Their warnings and errors are
	// reported after the target's, as before.
	var icfgOut bytes.Buffer
	iopts := opts
	iopts.Out = &icfgOut
	icfg, icfgErr := indexConfig(iopts, cfg, direct)
	var fd *index.Finder
	if icfgErr == nil {
		if fd, err = index.NewFinder(icfg); err != nil {
			return nil, err
		}
		defer fd.Close()
		fd.Warm(reqs)
	}

	target, targetFrom, err := pinTarget(ctx, opts, cfg)
	if err != nil {
		return nil, err
	}
	opts.Out.Write(icfgOut.Bytes())
	if icfgErr != nil {
		return nil, icfgErr
	}
	if err := fd.SetTarget(target); err != nil {
		return nil, err
	}
	env := target.Environment()

	outPath := filepath.Join(opts.Dir, FileDependencies)
	old, err := os.ReadFile(outPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	prefer := map[string]spec.Version{}
	if !opts.Upgrade && old != nil {
		pinned, _ := spec.ParseDependencies(bytes.NewReader(old), FileDependencies)
		skip := map[string]bool{}
		for _, n := range opts.UpgradePackages {
			skip[spec.NormalizeName(n)] = true
		}
		for _, l := range pinned.Requirements {
			if l.Pinned() && !skip[l.Req.CanonicalName()] && l.Req.Marker.Evaluate(env, "") {
				if v, err := spec.ParseVersion(l.Req.Specifier[0].Version); err == nil {
					prefer[l.Req.CanonicalName()] = v
				}
			}
		}
	}

	stop := startProgress(opts.Progress, fd, start)
	sol, err := resolve.Resolve(ctx, fd, resolve.Options{Root: cfg.App.Name, Requirements: reqs, Env: env, Prefer: prefer})
	if err != nil {
		stop()
		var ns *resolve.NoSolutionError
		if errors.As(err, &ns) {
			return nil, &HintError{Err: err, Hint: "Relax a requirement in dependencies.in that the explanation names, or add the missing files to an index or --find-links."}
		}
		return nil, err
	}
	dists, err := hashDists(ctx, fd, sol)
	stop()
	if err != nil {
		return nil, err
	}

	res := &PinResult{Path: outPath, Target: target.String(), Dists: dists}
	res.Content = renderPinned(pinHeader(opts, target), direct, dists)
	res.Changed = !bytes.Equal(old, res.Content)
	if res.Changed {
		res.Diff = string(diff.Diff(FileDependencies+" (current)", old, FileDependencies+" (pinned)", res.Content))
	}
	elapsed := time.Since(start).Round(time.Millisecond)
	summary := fmt.Sprintf("%d distributions for %s%s in %s", len(dists), target, targetFrom, elapsed)

	switch {
	case opts.Check:
		stale, notes := staleness(old, res.Content)
		if old == nil {
			stale = []string{"the file does not exist"}
		}
		if !bytes.Equal(stripHeader(old), stripHeader(res.Content)) {
			fmt.Fprint(opts.Out, res.Diff)
			var why strings.Builder
			for _, s := range append(stale, notes...) {
				why.WriteString("\n  " + s)
			}
			return res, &HintError{Err: fmt.Errorf("%s: %w:%s", outPath, ErrStale, why.String()),
				Hint: fmt.Sprintf("Run `%s` and commit dependencies.txt.", pinCommand(opts))}
		}
		for _, n := range notes {
			fmt.Fprintf(opts.Out, "note: %s\n", n)
		}
		fmt.Fprintf(opts.Out, "%s is up to date: %s\n", displayPath(opts.Dir, FileDependencies), summary)
	case opts.DryRun:
		if res.Changed {
			fmt.Fprint(opts.Out, res.Diff)
			fmt.Fprintf(opts.Out, "would write %s: %s\n", displayPath(opts.Dir, FileDependencies), summary)
		} else {
			fmt.Fprintf(opts.Out, "%s is up to date: %s\n", displayPath(opts.Dir, FileDependencies), summary)
		}
	case !res.Changed:
		fmt.Fprintf(opts.Out, "%s is up to date: %s\n", displayPath(opts.Dir, FileDependencies), summary)
	default:
		if err := writeAtomic(outPath, res.Content, 0o644, true); err != nil {
			return nil, err
		}
		res.Written = true
		fmt.Fprintf(opts.Out, "wrote %s: %s\n", displayPath(opts.Dir, FileDependencies), summary)
	}
	return res, nil
}

func displayPath(dir, name string) string {
	if dir == "." {
		return name
	}
	return filepath.Join(dir, name)
}

func invalidInput(ds spec.Diagnostics) error {
	var b strings.Builder
	for _, d := range ds {
		if d.Severity == spec.SeverityError {
			b.WriteString("\n" + d.String())
		}
	}
	return &HintError{Err: fmt.Errorf("%w:%s", ErrInvalidInput, b.String()), Hint: "Fix them (`bundle validate` explains each), then pin again."}
}

// readConfig reads and checks bundle.toml.
func readConfig(dir string) (*spec.Config, error) {
	p := filepath.Join(dir, FileBundleTOML)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &HintError{Err: fmt.Errorf("%s: %w: %s is missing", dir, ErrNotDir, FileBundleTOML), Hint: "Run `bundle init` to make this app directory a bundle."}
	}
	if err != nil {
		return nil, err
	}
	cfg, ds := spec.ParseBundleTOML(bytes.NewReader(data), displayPath(dir, FileBundleTOML))
	if cfg == nil || ds.HasErrors() {
		return nil, invalidInput(ds)
	}
	return cfg, nil
}

// findLinks gathers the find-links locations of every source, in the order
// of precedence, without duplicates. Find-links only add files, so unlike the
// index URLs they are combined rather than replaced. Relative paths from the
// command line or the environment are relative to the working directory,
// those from the bundle's files to the bundle. A local directory that does
// not exist is an error, except when it comes from PIP_FIND_LINKS: that is
// the user's ambient pip setting, so it is skipped with a warning, as pip
// does.
func findLinks(opts PinOptions, fromEnv, fromDirect, fromTOML []string) ([]string, error) {
	var links []string
	seen := map[string]bool{}
	add := func(base, source string, ls []string) error {
		for _, l := range ls {
			if !strings.Contains(l, "://") && !strings.HasPrefix(l, "file:") {
				if !filepath.IsAbs(l) {
					l = filepath.Join(base, l)
				}
				if _, err := os.Stat(l); err != nil {
					if source == "PIP_FIND_LINKS" {
						fmt.Fprintf(opts.Out, "warning: find-links %s (from PIP_FIND_LINKS) skipped: %s\n", l, errText(err))
						continue
					}
					return &HintError{Err: fmt.Errorf("%w: find-links %s (from %s): %s", ErrInvalidInput, l, source, errText(err)),
						Hint: "Give an existing directory of wheels, or a URL."}
				}
			}
			if !seen[l] {
				seen[l] = true
				links = append(links, l)
			}
		}
		return nil
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	for _, src := range []struct {
		base, source string
		links        []string
	}{
		{".", "--find-links", opts.FindLinks},
		{".", "PIP_FIND_LINKS", fromEnv},
		{dir, FileDirectDeps, fromDirect},
		{dir, FileBundleTOML, fromTOML},
	} {
		if err := add(src.base, src.source, src.links); err != nil {
			return nil, err
		}
	}
	return links, nil
}

// indexConfig applies the precedence of PinOptions' documentation.
func indexConfig(opts PinOptions, cfg *spec.Config, direct *spec.Dependencies) (index.Config, error) {
	env := func(k string) []string { return strings.Fields(opts.Getenv(k)) }
	firstURL := func(vals ...string) string {
		for _, v := range vals {
			if v != "" {
				return v
			}
		}
		return spec.DefaultIndexURL
	}
	firstList := func(lists ...[]string) []string {
		for _, l := range lists {
			if len(l) > 0 {
				return l
			}
		}
		return nil
	}
	envIndex := ""
	if e := env("PIP_INDEX_URL"); len(e) > 0 {
		envIndex = e[0]
	}
	ixURL := firstURL(opts.IndexURL, envIndex, direct.IndexURL, cfg.Index.URL)
	extras := firstList(opts.ExtraIndexURLs, env("PIP_EXTRA_INDEX_URL"), direct.ExtraIndexURLs, cfg.Index.ExtraURLs)
	links, err := findLinks(opts, env("PIP_FIND_LINKS"), direct.FindLinks, cfg.Index.FindLinks)
	if err != nil {
		return index.Config{}, err
	}
	noIndex := opts.NoIndex
	if !noIndex {
		if v := opts.Getenv("PIP_NO_INDEX"); v != "" {
			b, err := strconv.ParseBool(v)
			noIndex = err == nil && b || v == "yes" || v == "on"
		} else {
			noIndex = direct.NoIndex || cfg.Index.NoIndex
		}
	}
	strategy := cfg.Index.Strategy
	switch opts.IndexStrategy {
	case "":
	case spec.IndexFirst, spec.IndexBestMatch:
		strategy = opts.IndexStrategy
	default:
		return index.Config{}, &HintError{Err: fmt.Errorf("%w: --index-strategy %q is not one of %s and %s", ErrInvalidInput, opts.IndexStrategy, spec.IndexFirst, spec.IndexBestMatch),
			Hint: "Give --index-strategy first-index (the default) or unsafe-best-match (merge every index's files, see SPEC.md 5.5)."}
	}
	ic := index.Config{FindLinks: links, Offline: opts.Offline, Refresh: opts.Refresh, HTTPClient: opts.HTTPClient,
		Netrc: index.LoadNetrc(opts.Getenv), MergeIndexes: strategy == spec.IndexBestMatch}
	if !noIndex {
		ic.IndexURLs = append([]string{ixURL}, extras...)
	}
	if d, err := pinCacheDir(opts); err == nil {
		ic.CacheDir = d
	}
	return ic, nil
}

// pyTargetScript prints the interpreter's marker values, platform and libc.
const pyTargetScript = `import json, os, platform, sys, sysconfig
i = sys.implementation
v = "%d.%d.%d" % i.version[:3]
if i.version.releaselevel != "final":
    v += i.version.releaselevel[0] + str(i.version.serial)
print(json.dumps({"env": {"implementation_name": i.name, "implementation_version": v, "os_name": os.name,
 "platform_machine": platform.machine(), "platform_release": platform.release(), "platform_system": platform.system(),
 "platform_version": platform.version(), "python_full_version": platform.python_version(),
 "platform_python_implementation": platform.python_implementation(), "python_version": ".".join(platform.python_version_tuple()[:2]),
 "sys_platform": sys.platform}, "platform": sysconfig.get_platform(), "libc": platform.libc_ver(), "version": list(sys.version_info[:3])}))`

type pyTarget struct {
	Env      map[string]string `json:"env"`
	Platform string            `json:"platform"`
	Libc     [2]string         `json:"libc"`
	Version  [3]int            `json:"version"`
}

// pinTarget decides the target environment; from describes where it came
// from, such as " (from /usr/bin/python3.11)".
func pinTarget(ctx context.Context, opts PinOptions, cfg *spec.Config) (wheel.Target, string, error) {
	var t wheel.Target
	var local *pyTarget
	var from string
	if opts.PythonVersion == "" || opts.Platform == "" {
		var py string
		var err error
		py, local, err = localTarget(ctx, opts, cfg)
		if err != nil && opts.PythonVersion == "" {
			return t, "", &HintError{Err: fmt.Errorf("%w: %w", ErrBadTarget, err),
				Hint: "Give the target with --python-version (and --platform), or install the Python the app runs on."}
		}
		if local != nil {
			from = " (from " + py + ")"
		}
	}
	if opts.PythonVersion != "" {
		v, err := wheel.ParsePythonVersion(opts.PythonVersion)
		if err != nil {
			return t, "", fmt.Errorf("%w: --python-version: %w", ErrBadTarget, err)
		}
		t.Python = v
	} else {
		t.Python = local.Version
		t.Env = local.Env
	}
	switch {
	case opts.Platform != "":
		if _, err := wheel.ParsePlatform(opts.Platform); err != nil {
			return t, "", fmt.Errorf("%w: --platform: %w", ErrBadTarget, err)
		}
		t.Platform = opts.Platform
		t.Env = nil
	case local != nil:
		t.Platform = localPlatform(local)
	default:
		t.Platform = goPlatform()
	}
	if opts.PythonVersion != "" {
		t.Env = nil // the local interpreter's values do not describe another Python
	}
	rp := cfg.Python.RequiresPythonSet
	if len(rp) > 0 && !rp.Contains(t.PythonFullVersion(), true) {
		return t, "", &HintError{Err: fmt.Errorf("%w: Python %d.%d does not satisfy requires-python %s", ErrBadTarget, t.Python[0], t.Python[1], cfg.Python.RequiresPython),
			Hint: "Pass a --python-version that bundle.toml's requires-python allows."}
	}
	if opts.PythonVersion != "" || opts.Platform != "" {
		from = ""
	}
	return t, from, nil
}

// localTarget finds the bundle's interpreter and asks it for its marker
// values and platform. Running interpreters is the slow part of a warm
// pin (pyenv shims take 100 ms each), so the answer is cached under a key
// made of everything the search looks at: bundle.toml's settings, PATH,
// PYENV_VERSION, and the size and modification time of every candidate
// interpreter and of pyenv's version files.
func localTarget(ctx context.Context, opts PinOptions, cfg *spec.Config) (string, *pyTarget, error) {
	var cache *index.Cache
	var key string
	if dir, err := pinCacheDir(opts); err == nil && dir != "" {
		cache = &index.Cache{Dir: dir}
		abs, _ := filepath.Abs(opts.Dir)
		parts := []string{"target-v1", abs, cfg.Python.Interpreter, cfg.Python.RequiresPython, os.Getenv("PATH"), os.Getenv("PYENV_VERSION")}
		cands := []string{cfg.Python.Interpreter}
		if cfg.Python.Interpreter == "" {
			cands = append(pathPythons(""), "python3", "python")
		}
		root := os.Getenv("PYENV_ROOT")
		if root == "" {
			if home, err := os.UserHomeDir(); err == nil {
				root = filepath.Join(home, ".pyenv")
			}
		}
		for _, c := range cands {
			p, err := lookPython(c, "")
			if strings.ContainsRune(c, filepath.Separator) && !filepath.IsAbs(c) {
				p, err = lookPython(filepath.Join(opts.Dir, c), "")
			}
			parts = append(parts, c, p, fmt.Sprint(err), statKey(p))
		}
		parts = append(parts, statKey(filepath.Join(root, "version")), statKey(filepath.Join(opts.Dir, ".python-version")))
		key = strings.Join(parts, "\x00")
		if data, ok := cache.Get("target", hashKey(key)); ok {
			var c struct {
				Path   string    `json:"path"`
				Target *pyTarget `json:"target"`
			}
			if json.Unmarshal(data, &c) == nil && c.Target != nil {
				return c.Path, c.Target, nil
			}
		}
	}
	// The target query runs in the version query's process: one
	// interpreter start instead of two.
	py, err := FindPython(ctx, FindPythonOptions{Interpreter: cfg.Python.Interpreter, Dir: opts.Dir,
		RequiresPython: cfg.Python.RequiresPython, Probe: pyTargetScript})
	if err != nil {
		return "", nil, err
	}
	t := new(pyTarget)
	if json.Unmarshal([]byte(py.ProbeOutput), t) != nil {
		if t, err = queryTarget(ctx, py.Path); err != nil {
			return "", nil, err
		}
	}
	if cache != nil {
		if data, err := json.Marshal(map[string]any{"path": py.Path, "target": t}); err == nil {
			cache.Put("target", hashKey(key), data)
		}
	}
	return py.Path, t, nil
}

func statKey(p string) string {
	fi, err := os.Stat(p)
	if err != nil {
		return "-"
	}
	return fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
}

func hashKey(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// pinCacheDir is the cache directory of opts ("" for none).
func pinCacheDir(opts PinOptions) (string, error) {
	switch opts.CacheDir {
	case "-":
		return "", nil
	case "":
		return index.DefaultCacheDir(opts.Getenv)
	}
	return opts.CacheDir, nil
}

func queryTarget(ctx context.Context, py string) (*pyTarget, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-I", "-c", pyTargetScript).Output()
	if err != nil {
		return nil, fmt.Errorf("querying %s: %w", py, err)
	}
	var t pyTarget
	if err := json.Unmarshal(out, &t); err != nil {
		return nil, fmt.Errorf("querying %s: %w", py, err)
	}
	return &t, nil
}

// localPlatform turns sysconfig's platform ("linux-x86_64",
// "macosx-11.0-arm64", "win-amd64") and libc into a platform tag.
func localPlatform(t *pyTarget) string {
	p := strings.NewReplacer("-", "_", ".", "_").Replace(t.Platform)
	if arch, ok := strings.CutPrefix(p, "linux_"); ok {
		if t.Libc[0] == "glibc" {
			if maj, min, ok := strings.Cut(t.Libc[1], "."); ok && maj == "2" {
				if _, err := strconv.Atoi(min); err == nil {
					return "manylinux_2_" + min + "_" + arch
				}
			}
		}
		return "linux_" + arch
	}
	return p
}

func goPlatform() string {
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	switch runtime.GOOS {
	case "darwin":
		if arch == "aarch64" {
			arch = "arm64"
		}
		return "macosx_11_0_" + arch
	case "windows":
		return "win_amd64"
	}
	return "linux_" + arch
}

// hashDists collects the sha256 of every compatible file of each chosen
// version, in parallel.
func hashDists(ctx context.Context, fd *index.Finder, sol *resolve.Solution) ([]PinnedDist, error) {
	out := make([]PinnedDist, len(sol.Dists))
	errs := make([]error, len(sol.Dists))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, d := range sol.Dists {
		out[i].Resolved = d
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			files, err := fd.Files(ctx, d.Name, d.Version)
			if err != nil {
				errs[i] = err
				return
			}
			seen := map[string]bool{}
			for _, f := range files {
				h, err := fd.SHA256(ctx, f)
				if err != nil {
					errs[i] = fmt.Errorf("hashing %s: %w", f.Filename, err)
					return
				}
				if !seen[h] {
					seen[h] = true
					out[i].Hashes = append(out[i].Hashes, h)
				}
			}
			sort.Strings(out[i].Hashes)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// pinHeader is the comment block of the pinned form (SPEC.md 6.7 item 1).
func pinHeader(opts PinOptions, t wheel.Target) string {
	return "#\n# This file is autogenerated by `bundle pin` for " + t.String() + ".\n" +
		"# To update it, edit dependencies.in, then run:\n#\n#    " + pinCommand(opts) + "\n#\n"
}

// pinCommand is the command the header names: opts.Command, else "bundle
// pin" with the options that change the result.
func pinCommand(opts PinOptions) string {
	cmd := opts.Command
	if cmd == "" {
		parts := []string{"bundle pin"}
		add := func(flag, v string) { parts = append(parts, flag+" "+shellQuote(v)) }
		if opts.PythonVersion != "" {
			add("--python-version", opts.PythonVersion)
		}
		if opts.Platform != "" {
			add("--platform", opts.Platform)
		}
		if opts.IndexURL != "" {
			add("--index-url", redactURL(opts.IndexURL))
		}
		for _, u := range opts.ExtraIndexURLs {
			add("--extra-index-url", redactURL(u))
		}
		for _, l := range opts.FindLinks {
			add("--find-links", redactURL(l))
		}
		if opts.IndexStrategy != "" {
			add("--index-strategy", opts.IndexStrategy)
		}
		if opts.NoIndex {
			parts = append(parts, "--no-index")
		}
		cmd = strings.Join(parts, " ")
	}
	return cmd
}

func redactURL(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		if at := strings.IndexByte(s[i+3:], '@'); at >= 0 && !strings.Contains(s[i+3:i+3+at], "/") {
			return s[:i+3] + "****@" + s[i+3+at+1:]
		}
	}
	return s
}

// renderPinned writes the pinned form (SPEC.md 6.7): the header, the
// option lines of dependencies.in, then one entry per distribution.
func renderPinned(header string, direct *spec.Dependencies, dists []PinnedDist) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	if direct.IndexURL != "" {
		fmt.Fprintf(&b, "--index-url %s\n", direct.IndexURL)
	}
	for _, u := range direct.ExtraIndexURLs {
		fmt.Fprintf(&b, "--extra-index-url %s\n", u)
	}
	for _, l := range direct.FindLinks {
		fmt.Fprintf(&b, "--find-links %s\n", l)
	}
	if direct.NoIndex {
		b.WriteString("--no-index\n")
	}
	for _, d := range dists {
		fmt.Fprintf(&b, "%s==%s \\\n", d.Name, d.Version)
		for i, h := range d.Hashes {
			fmt.Fprintf(&b, "    --hash=sha256:%s", h)
			if i < len(d.Hashes)-1 {
				b.WriteString(" \\")
			}
			b.WriteByte('\n')
		}
		var via []string
		if d.Direct {
			via = append(via, "-r dependencies.in")
		}
		via = append(via, d.Via...)
		sort.Strings(via)
		switch len(via) {
		case 0:
		case 1:
			fmt.Fprintf(&b, "    # via %s\n", via[0])
		default:
			b.WriteString("    # via\n")
			for _, v := range via {
				fmt.Fprintf(&b, "    #   %s\n", v)
			}
		}
	}
	return b.Bytes()
}

// stripHeader drops the leading comment block, which names the command
// and target, so that --check compares the pins only.
func stripHeader(b []byte) []byte {
	for len(b) > 0 && b[0] == '#' {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
	return b
}

// startProgress shows a progress line on a terminal after a second of
// work; the returned function clears it.
func startProgress(w io.Writer, fd *index.Finder, start time.Time) func() {
	if w == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(w, "\r\033[K")
				}
				return
			case <-tick.C:
				if time.Since(start) < time.Second {
					continue
				}
				pages, meta := fd.Stats()
				fmt.Fprintf(w, "\r\033[Kresolving: %d index pages, %d metadata files, %s", pages, meta, time.Since(start).Round(100*time.Millisecond))
				shown = true
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}
