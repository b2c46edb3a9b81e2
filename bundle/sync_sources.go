package bundle

// bundle sync: where wheels come from (the cache of unpacked wheels, a
// wheelhouse, the bundle's indexes), their verification, and the errors
// that say what to do when one is missing, tampered with or does not fit.

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bundle-wsgi/bundle/internal/index"
	"github.com/bundle-wsgi/bundle/internal/install"
	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

// sources finds wheel files: a wheelhouse directory, or the index
// settings through an index.Finder.
type sources struct {
	wheelhouse string                  // --wheelhouse, absolute
	local      map[string][]localWheel // its wheels by normalized name
	finder     *index.Finder
	icfg       index.Config
	netrc      *index.Netrc
	client     *http.Client
}

type localWheel struct {
	path string
	fn   *wheel.Filename
}

// candidate is one wheel file that may provide a pinned distribution.
type candidate struct {
	filename string
	path     string // local file, or "" for a URL
	url      string
	sha256   string // announced by the index, "" when unknown
	fn       *wheel.Filename
}

func (c candidate) where() string {
	if c.path != "" {
		return c.path
	}
	return redactURL(c.url)
}

func (s *syncer) getSources() (*sources, error) {
	s.sourcesMu.Lock()
	defer s.sourcesMu.Unlock()
	if s.sources != nil {
		return s.sources, nil
	}
	src := &sources{}
	if s.opts.Wheelhouse != "" {
		abs, err := filepath.Abs(s.opts.Wheelhouse)
		if err != nil {
			return nil, err
		}
		ents, err := os.ReadDir(abs)
		if err != nil {
			return nil, &HintError{Err: fmt.Errorf("--wheelhouse %s: %w", s.opts.Wheelhouse, err), Hint: "Give a directory of wheel files."}
		}
		src.wheelhouse, src.local = abs, map[string][]localWheel{}
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".whl") {
				continue
			}
			if fn, err := wheel.ParseFilename(e.Name()); err == nil {
				src.local[fn.Name] = append(src.local[fn.Name], localWheel{filepath.Join(abs, e.Name()), fn})
			}
		}
		s.sources = src
		return src, nil
	}
	icfg, err := indexConfig(PinOptions{Dir: s.dir, Getenv: s.opts.Getenv, Offline: s.opts.Offline, Out: s.opts.Out,
		CacheDir: s.opts.CacheDir, HTTPClient: s.opts.HTTPClient}, s.cfg, s.deps)
	if err != nil {
		return nil, err
	}
	icfg.Target = s.target
	fd, err := index.NewFinder(icfg)
	if err != nil {
		return nil, err
	}
	src.finder, src.icfg, src.netrc = fd, icfg, icfg.Netrc
	src.client = s.opts.HTTPClient
	if src.client == nil {
		src.client = &http.Client{Timeout: 10 * time.Minute}
	}
	s.sources = src
	return src, nil
}

// where describes the places searched, for messages.
func (src *sources) where() string {
	if src.wheelhouse != "" {
		return src.wheelhouse + " (--wheelhouse)"
	}
	var w []string
	for _, u := range src.icfg.IndexURLs {
		w = append(w, redactURL(u))
	}
	for _, l := range src.icfg.FindLinks {
		w = append(w, redactURL(l))
	}
	if len(w) == 0 {
		return "no index and no find-links (no-index is set)"
	}
	return strings.Join(w, ", ")
}

// fetchAll gets a cache entry for every wheel to install, in parallel.
func (s *syncer) fetchAll(installs []*want) (map[string]*install.Entry, error) {
	out := map[string]*install.Entry{}
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, w := range installs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			e, err := s.fetch(w, false)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			out[w.name] = e
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		if len(errs) == 1 {
			return nil, errs[0]
		}
		return nil, joinHinted(errs)
	}
	return out, nil
}

// joinHinted joins errors, keeping the first hint.
func joinHinted(errs []error) error {
	hint := ""
	for _, e := range errs {
		if h := ErrorHint(e); h != "" {
			hint = h
			break
		}
	}
	j := errors.Join(errs...)
	if hint == "" {
		return j
	}
	return &HintError{Err: j, Hint: hint}
}

// fetch returns the cache entry of a wheel for w: from the cache when a
// pinned sha256 is there (unless force), else from a source, verified
// against the pinned hashes before it is unpacked.
func (s *syncer) fetch(w *want, force bool) (*install.Entry, error) {
	if !force {
		if e := s.cached(w); e != nil {
			if err := s.checkRequiresPython(w, e.Manifest.Filename, e.Manifest.RequiresPython); err != nil {
				return nil, err
			}
			return e, nil
		}
	}
	var cands []candidate
	var src *sources
	if w.local != "" {
		fn, _ := wheel.ParseFilename(filepath.Base(w.local))
		cands = []candidate{{filename: filepath.Base(w.local), path: w.local, fn: fn}}
	} else {
		var err error
		if src, err = s.getSources(); err != nil {
			return nil, err
		}
		if cands, err = s.candidates(src, w); err != nil {
			return nil, err
		}
	}
	var mismatches []string
	for _, c := range cands {
		if c.sha256 != "" && len(w.hashes["sha256"]) > 0 && !contains(w.hashes["sha256"], c.sha256) && len(w.hashes) == 1 {
			mismatches = append(mismatches, fmt.Sprintf("    file:     %s\n    actual:   sha256:%s (announced by the index)", c.where(), c.sha256))
			continue
		}
		b, err := s.open(c, w)
		if err != nil {
			return nil, err
		}
		entry, err := func() (*install.Entry, error) {
			defer b.close()
			if ok, got := verify(w, b.digests); !ok {
				mismatches = append(mismatches, fmt.Sprintf("    file:     %s\n    actual:   %s", c.where(), got))
				return nil, nil
			}
			meta, err := wheel.ReadMetadata(b.r, b.size, c.fn)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.where(), err)
			}
			m, err := wheel.ParseMetadata(meta)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.where(), err)
			}
			if err := s.checkRequiresPython(w, c.filename, m.RequiresPython); err != nil {
				return nil, err
			}
			e, err := s.cache.Add(b.r, b.size, c.filename, b.digests["sha256"])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.where(), err)
			}
			return e, nil
		}()
		if err != nil || entry != nil {
			return entry, err
		}
	}
	var exp []string
	for algo, hs := range w.hashes {
		for _, h := range hs {
			exp = append(exp, algo+":"+h)
		}
	}
	sort.Strings(exp)
	return nil, &HintError{
		Err: fmt.Errorf("%w for %s (%s:%d):\n    expected: %s\n%s", ErrHashMismatch, w.pinned(), displayPath(s.dir, FileDependencies), w.line,
			strings.Join(exp, "\n              "), strings.Join(mismatches, "\n")),
		Hint: "The wheel is not the one pinned. If it was rebuilt or replaced on purpose, run `bundle pin` to pin its new hash; otherwise find out who changed it.",
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cached returns the best compatible cache entry among w's pinned sha256
// hashes.
func (s *syncer) cached(w *want) *install.Entry {
	var best *install.Entry
	bestRank := 0
	for _, h := range w.hashes["sha256"] {
		e, ok := s.cache.Lookup(h)
		if !ok {
			continue
		}
		fn, err := wheel.ParseFilename(e.Manifest.Filename)
		if err != nil || fn.Name != w.name {
			continue
		}
		rank, ok := s.matcher.Rank(fn)
		if ok && (best == nil || rank < bestRank) {
			best, bestRank = e, rank
		}
	}
	return best
}

// checkRequiresPython refuses a wheel whose Requires-Python excludes the
// virtualenv's interpreter.
func (s *syncer) checkRequiresPython(w *want, filename, rp string) error {
	if strings.TrimSpace(rp) == "" {
		return nil
	}
	set, err := spec.ParseSpecifierSet(rp)
	if err != nil {
		return nil // pip ignores an invalid Requires-Python
	}
	if set.Contains(s.target.PythonFullVersion(), true) {
		return nil
	}
	return &HintError{
		Err: fmt.Errorf("%w: %s (%s) requires Python %s, and the virtualenv's Python is %s", ErrIncompatible, w.pinned(), filename, rp, s.py.Version),
		Hint: fmt.Sprintf("Sync with a Python that satisfies %s (--python, or bundle.toml [python] requires-python so that one is chosen), or pin a version of %s that supports Python %s with `bundle pin`.",
			rp, w.name, s.py.MinorVersion()),
	}
}

// candidates lists the compatible wheels of w, most preferred first, or
// explains why there is none.
func (s *syncer) candidates(src *sources, w *want) ([]candidate, error) {
	if src.local != nil {
		var all, fit []candidate
		for _, lw := range src.local[w.name] {
			if !versionMatches(lw.fn.Version, w) {
				continue
			}
			c := candidate{filename: filepath.Base(lw.path), path: lw.path, fn: lw.fn}
			all = append(all, c)
			if _, ok := s.matcher.Rank(lw.fn); ok {
				fit = append(fit, c)
			}
		}
		if len(fit) == 0 {
			var versions []string
			for _, lw := range src.local[w.name] {
				versions = append(versions, lw.fn.Version.String())
			}
			return nil, s.noWheel(src, w, all, versions)
		}
		sort.SliceStable(fit, func(i, j int) bool {
			if c := fit[i].fn.Version.Compare(fit[j].fn.Version); c != 0 {
				return c > 0 // newest first, when not pinned
			}
			return s.rank(fit[i]) < s.rank(fit[j])
		})
		return fit, nil
	}
	fd := src.finder
	v, err := s.versionFor(src, w)
	if err != nil {
		return nil, err
	}
	files, err := fd.Files(s.ctx, w.name, v)
	if err != nil && !errors.Is(err, index.ErrOffline) {
		return nil, fmt.Errorf("finding %s: %w", w.pinned(), err)
	}
	var fit []candidate
	for _, f := range files {
		fit = append(fit, candidate{filename: f.Filename, path: f.Path, url: f.URL, sha256: f.Hashes["sha256"], fn: f.Wheel})
	}
	if len(fit) == 0 {
		// Explain: incompatible wheels in local find-links, and the
		// versions that do have compatible wheels.
		var all []candidate
		for _, l := range src.icfg.FindLinks {
			if strings.Contains(l, "://") || strings.HasPrefix(l, "file:") {
				continue
			}
			m, _ := filepath.Glob(filepath.Join(l, "*.whl"))
			for _, p := range m {
				if fn, err := wheel.ParseFilename(filepath.Base(p)); err == nil && fn.Name == w.name && versionMatches(fn.Version, w) {
					all = append(all, candidate{filename: filepath.Base(p), path: p, fn: fn})
				}
			}
		}
		var versions []string
		if cs, err := fd.Candidates(s.ctx, w.name); err == nil {
			for _, c := range cs {
				versions = append(versions, c.Version.String())
			}
		}
		return nil, s.noWheel(src, w, all, versions)
	}
	sort.SliceStable(fit, func(i, j int) bool {
		ri, rj := s.rank(fit[i]), s.rank(fit[j])
		if ri != rj {
			return ri < rj
		}
		return fit[i].path != "" && fit[j].path == ""
	})
	return fit, nil
}

func (s *syncer) rank(c candidate) int {
	r, _ := s.matcher.Rank(c.fn)
	return r
}

// versionFor returns the version to install: the pin, or (NoVerify and
// not pinned) the newest compatible version the requirement allows.
func (s *syncer) versionFor(src *sources, w *want) (spec.Version, error) {
	if w.version != "" {
		return spec.ParseVersion(w.version)
	}
	cs, err := src.finder.Candidates(s.ctx, w.name)
	if err != nil {
		return spec.Version{}, fmt.Errorf("finding %s: %w", w.pinned(), err)
	}
	for i := len(cs) - 1; i >= 0; i-- {
		if !cs[i].Yanked && w.spec.Contains(cs[i].Version, w.spec.AllowsPrereleases()) {
			return cs[i].Version, nil
		}
	}
	return spec.Version{}, &HintError{Err: fmt.Errorf("%w: no version of %s on %s matches %s", ErrNoWheel, w.name, src.where(), w.spec),
		Hint: "Run `bundle pin` to pin versions that exist."}
}

func versionMatches(v spec.Version, w *want) bool {
	if w.version == "" {
		return w.spec.Contains(v, true)
	}
	pv, err := spec.ParseVersion(w.version)
	return err == nil && pv.Equal(v)
}

// noWheel explains a pinned version without a compatible wheel: which
// wheels there are and what they fit, or where Sync looked.
func (s *syncer) noWheel(src *sources, w *want, incompatible []candidate, versions []string) error {
	at := fmt.Sprintf("%s:%d", displayPath(s.dir, FileDependencies), w.line)
	if len(incompatible) > 0 {
		var lines []string
		for _, c := range incompatible {
			lines = append(lines, fmt.Sprintf("    %s is built for %s", c.filename, describeTags(c.fn.Tags)))
		}
		sort.Strings(lines)
		return &HintError{
			Err: fmt.Errorf("%w for %s (%s): none fits the virtualenv's %s (tags %s):\n%s", ErrIncompatible, w.pinned(), at, s.target,
				tagSummary(s.target), strings.Join(lines, "\n")),
			Hint: fmt.Sprintf("Sync with a Python those wheels fit (--python), or pin for this one: `bundle pin --python-version %s` (with an index or --find-links holding wheels for it).",
				s.py.MinorVersion()),
		}
	}
	msg := fmt.Sprintf("for %s (%s) in the wheel cache or on %s", w.pinned(), at, src.where())
	if s.opts.Offline {
		msg += " (offline: no downloads)"
	}
	if len(versions) > 0 {
		sort.Slice(versions, func(i, j int) bool {
			a, _ := spec.ParseVersion(versions[i])
			b, _ := spec.ParseVersion(versions[j])
			return a.Compare(b) < 0
		})
		msg += "; versions found: " + strings.Join(dedupe(versions), ", ")
	}
	return &HintError{Err: fmt.Errorf("%w %s", ErrNoWheel, msg), Hint: "Add the wheel to the wheelhouse or index, or run `bundle pin` to pin versions that exist."}
}

func dedupe(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// tagSummary shows the target's most preferred tags.
func tagSummary(t wheel.Target) string {
	tags := t.Tags()
	var out []string
	for i, tg := range tags {
		if i < 2 || tg.Platform == "any" && len(out) < 4 {
			out = append(out, tg.String())
		}
	}
	return strings.Join(out, ", ") + ", ..."
}

// describeTags says, for people, which interpreters and platforms a
// wheel's tags fit, such as "CPython 3.11 on linux x86_64 (glibc 2.17+)".
func describeTags(tags []wheel.Tag) string {
	var pys, plats []string
	seenPy, seenPlat := map[string]bool{}, map[string]bool{}
	for _, t := range tags {
		py := describeInterp(t)
		if !seenPy[py] {
			seenPy[py] = true
			pys = append(pys, py)
		}
		pl := describePlatform(t.Platform)
		if !seenPlat[pl] {
			seenPlat[pl] = true
			plats = append(plats, pl)
		}
	}
	return strings.Join(pys, " or ") + " on " + strings.Join(plats, " or ")
}

func describeInterp(t wheel.Tag) string {
	ver := func(s string) string {
		if len(s) >= 2 {
			return s[:1] + "." + s[1:]
		}
		return s
	}
	switch {
	case strings.HasPrefix(t.Interpreter, "cp") && t.ABI == "abi3":
		return "CPython " + ver(t.Interpreter[2:]) + " or newer"
	case strings.HasPrefix(t.Interpreter, "cp"):
		return "CPython " + ver(t.Interpreter[2:])
	case strings.HasPrefix(t.Interpreter, "pp"):
		return "PyPy " + ver(t.Interpreter[2:])
	case strings.HasPrefix(t.Interpreter, "py"):
		return "Python " + ver(t.Interpreter[2:])
	}
	return t.Interpreter + "-" + t.ABI
}

func describePlatform(p string) string {
	if p == "any" {
		return "any platform"
	}
	parts := strings.Split(p, "_")
	switch {
	case strings.HasPrefix(p, "manylinux_") && len(parts) >= 4:
		return "linux " + strings.Join(parts[3:], "_") + " (glibc " + parts[1] + "." + parts[2] + "+)"
	case strings.HasPrefix(p, "musllinux_") && len(parts) >= 4:
		return "linux " + strings.Join(parts[3:], "_") + " (musl " + parts[1] + "." + parts[2] + "+)"
	case strings.HasPrefix(p, "manylinux"):
		glibc := map[string]string{"manylinux1": "2.5", "manylinux2010": "2.12", "manylinux2014": "2.17"}[parts[0]]
		return "linux " + strings.Join(parts[1:], "_") + " (glibc " + glibc + "+)"
	case strings.HasPrefix(p, "macosx_") && len(parts) >= 4:
		return "macOS " + parts[1] + "." + parts[2] + "+ " + strings.Join(parts[3:], "_")
	case strings.HasPrefix(p, "linux_"):
		return "linux " + strings.TrimPrefix(p, "linux_") + " (a local build)"
	case strings.HasPrefix(p, "win"):
		return "windows " + strings.TrimPrefix(strings.TrimPrefix(p, "win"), "_")
	}
	return p
}

// blob is a wheel's bytes, readable at random, and its digests.
type blob struct {
	r       io.ReaderAt
	size    int64
	digests map[string]string // algorithm -> hex
	close   func()
}

// memLimit is the largest wheel read into memory; larger ones go
// through a temporary file.
const memLimit = 256 << 20

// open reads a candidate into a private copy (memory or a temporary file
// in the cache), hashing it on the way, so that what is verified is what
// is unpacked.
func (s *syncer) open(c candidate, w *want) (*blob, error) {
	var rc io.ReadCloser
	var size int64 = -1
	if c.path != "" {
		f, err := os.Open(c.path)
		if err != nil {
			return nil, err
		}
		if fi, err := f.Stat(); err == nil {
			size = fi.Size()
		}
		rc = f
	} else {
		if s.opts.Offline {
			return nil, &HintError{Err: fmt.Errorf("%w: %s is not in the wheel cache, and --offline forbids downloading %s", ErrNoWheel, w.pinned(), redactURL(c.url)),
				Hint: "Sync once online (or with --wheelhouse DIR) to fill the cache."}
		}
		body, n, err := s.download(c.url)
		if err != nil {
			return nil, err
		}
		rc, size = body, n
	}
	defer rc.Close()
	hs := map[string]hash.Hash{"sha256": sha256.New()}
	if len(w.hashes["sha384"]) > 0 {
		hs["sha384"] = sha512.New384()
	}
	if len(w.hashes["sha512"]) > 0 {
		hs["sha512"] = sha512.New()
	}
	var ws []io.Writer
	for _, h := range hs {
		ws = append(ws, h)
	}
	b := &blob{digests: map[string]string{}, close: func() {}}
	if size >= 0 && size <= memLimit {
		var buf bytes.Buffer
		buf.Grow(int(size))
		if _, err := io.Copy(io.MultiWriter(append(ws, &buf)...), rc); err != nil {
			return nil, fmt.Errorf("reading %s: %w", c.where(), err)
		}
		b.r, b.size = bytes.NewReader(buf.Bytes()), int64(buf.Len())
	} else {
		dir := filepath.Join(s.cache.Dir, "wheels-v1", "tmp")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		f, err := os.CreateTemp(dir, "download-*.whl")
		if err != nil {
			return nil, err
		}
		b.close = func() { f.Close(); os.Remove(f.Name()) }
		n, err := io.Copy(io.MultiWriter(append(ws, f)...), rc)
		if err != nil {
			b.close()
			return nil, fmt.Errorf("reading %s: %w", c.where(), err)
		}
		b.r, b.size = f, n
	}
	for algo, h := range hs {
		b.digests[algo] = hex.EncodeToString(h.Sum(nil))
	}
	return b, nil
}

// verify reports whether one of the file's digests is pinned, and the
// digests for a message.
func verify(w *want, digests map[string]string) (bool, string) {
	if len(w.hashes) == 0 {
		return true, ""
	}
	var got []string
	for algo, hs := range w.hashes {
		d := digests[algo]
		got = append(got, algo+":"+d)
		if contains(hs, d) {
			return true, ""
		}
	}
	sort.Strings(got)
	return false, strings.Join(got, ", ")
}

// download fetches a URL with the credentials of the URL or netrc.
func (s *syncer) download(raw string) (io.ReadCloser, int64, error) {
	src, err := s.getSources()
	if err != nil {
		return nil, 0, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, 0, err
	}
	if u.Scheme == "file" {
		f, err := os.Open(filepath.FromSlash(u.Path))
		if err != nil {
			return nil, 0, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		return f, fi.Size(), nil
	}
	req, err := http.NewRequestWithContext(s.ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, 0, err
	}
	if u.User != nil {
		pass, _ := u.User.Password()
		req.SetBasicAuth(u.User.Username(), pass)
		cu := *u
		cu.User = nil
		req.URL = &cu
	} else if user, pass, ok := src.netrc.Lookup(u.Hostname()); ok {
		req.SetBasicAuth(user, pass)
	}
	resp, err := src.client.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("downloading %s: %w", redactURL(raw), err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, 0, fmt.Errorf("downloading %s: %w %s", redactURL(raw), index.ErrHTTP, resp.Status)
	}
	n := int64(-1)
	if v, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); err == nil {
		n = v
	}
	return resp.Body, n, nil
}

// fileSHA256 returns the hex sha256 of a file.
func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
