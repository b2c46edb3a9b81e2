package index

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bundle-wsgi/bundle/internal/resolve"
	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

// Config says where a Finder looks and for which target.
type Config struct {
	// IndexURLs are the simple indexes in priority order: the index URL,
	// then the extra index URLs. Default none (find-links only).
	IndexURLs []string
	// MergeIndexes merges the files of every index that has a project
	// (spec.IndexBestMatch, "unsafe-best-match"). Default false: the first
	// index that has a project supplies all of its files, which protects
	// against dependency confusion (a public index serving a higher
	// version under the name of a private project).
	MergeIndexes bool
	// FindLinks are directories, file: URLs or http(s) URLs of pages
	// listing distribution files. A relative path is relative to BaseDir.
	// Default none.
	FindLinks []string
	// BaseDir resolves relative FindLinks paths. Default ".".
	BaseDir string
	// Target decides which wheels are compatible. Required.
	Target wheel.Target
	// CacheDir is where pages and metadata are cached; "" caches nothing.
	CacheDir string
	// Offline uses only the cache and local find-links. Default false.
	Offline bool
	// Refresh ignores cached pages (they are still rewritten). Default
	// false.
	Refresh bool
	// HTTPClient makes the requests. Default: a client with a 60 s
	// timeout that keeps Jobs connections a host open.
	HTTPClient *http.Client
	// Netrc supplies credentials by host. Default none.
	Netrc *Netrc
	// Jobs bounds parallel fetches. Default 8.
	Jobs int
}

// File is one distribution file a Finder knows.
type File struct {
	Link
	// Wheel is the parsed wheel filename, nil for an sdist.
	Wheel *wheel.Filename
	// Source is the index URL or find-links location it came from.
	Source string
	// Path is the local path, for files of a find-links directory.
	Path string
	// Compatible is true for a wheel whose tags and Requires-Python suit
	// the target; Rank orders compatible wheels (lower is preferred).
	Compatible bool
	Rank       int
	tagsOK     bool
}

// Finder finds distributions for the resolver. It implements
// resolve.Provider and resolve.Prefetcher. Call Close when done.
type Finder struct {
	cfg     Config
	f       *fetcher
	cache   *Cache
	matcher *wheel.Matcher
	python  spec.Version

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	sem    chan struct{}

	mu       sync.Mutex
	projects map[string]*call[*project]
	metas    map[string]*call[*wheel.Metadata]
	pages    map[string]*call[[]Link] // index URL + "\x00" + name; nil links: not there
	names    map[string]*call[[]byte] // index URL -> its project list (see projectNames)

	flOnce  sync.Once
	flFiles map[string][]File
	flErr   error

	// Stats, for progress and tests (read under mu).
	pagesFetched int
	metaFetched  int
}

type call[T any] struct {
	done chan struct{}
	val  T
	err  error
}

type project struct {
	name   string
	files  []File
	source string // where the files came from, for messages
	found  bool
}

// NewFinder returns a Finder for cfg. When cfg.Target is the zero
// Target, the Finder only warms up (see Warm) until SetTarget gives it.
func NewFinder(cfg Config) (*Finder, error) {
	later := cfg.Target.Python == [3]int{} && cfg.Target.Platform == ""
	if !later {
		if err := cfg.Target.Validate(); err != nil {
			return nil, err
		}
	}
	if cfg.BaseDir == "" {
		cfg.BaseDir = "."
	}
	if cfg.Jobs <= 0 {
		cfg.Jobs = 8
	}
	if cfg.HTTPClient == nil {
		// Keep a connection per job alive between requests: with the
		// default transport's 2 idle connections a host, 8 parallel
		// fetches keep opening new ones.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = cfg.Jobs
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second, Transport: tr}
	}
	var cache *Cache
	if cfg.CacheDir != "" {
		cache = &Cache{Dir: cfg.CacheDir}
		cache.Open()
	}
	ctx, cancel := context.WithCancel(context.Background())
	fd := &Finder{
		cfg:      cfg,
		f:        &fetcher{client: cfg.HTTPClient, cache: cache, offline: cfg.Offline, refresh: cfg.Refresh, netrc: cfg.Netrc, now: time.Now},
		cache:    cache,
		ctx:      ctx,
		cancel:   cancel,
		sem:      make(chan struct{}, cfg.Jobs),
		projects: map[string]*call[*project]{},
		metas:    map[string]*call[*wheel.Metadata]{},
		pages:    map[string]*call[[]Link]{},
		names:    map[string]*call[[]byte]{},
	}
	if !later {
		fd.setTarget(cfg.Target)
	}
	return fd, nil
}

// SetTarget gives the target to a Finder made without one. Call it once,
// before any method other than Warm and Close.
func (fd *Finder) SetTarget(t wheel.Target) error {
	if err := t.Validate(); err != nil {
		return err
	}
	fd.setTarget(t)
	return nil
}

func (fd *Finder) setTarget(t wheel.Target) {
	fd.cfg.Target = t
	fd.matcher = t.Matcher()
	fd.python = t.PythonFullVersion()
}

// Warm starts fetching, in the background and before the target is
// known, what the resolution of reqs will most likely need first: the
// index pages of the requirements, the metadata of the newest release
// each allows (from a pure-Python wheel, which suits any target), and
// the pages of that release's unconditional requirements. bundle pin
// calls it while the target interpreter starts (30 to 70 ms), which is
// then no longer on the critical path of a cold pin. It only uses the
// first index; find-links are listed when the target is known.
func (fd *Finder) Warm(reqs []*spec.Requirement) {
	if len(fd.cfg.IndexURLs) == 0 || fd.cfg.Offline {
		return
	}
	ix := fd.cfg.IndexURLs[0]
	seen := map[string]bool{}
	for _, r := range reqs {
		n := r.CanonicalName()
		if seen[n] || r.Marker != nil {
			continue
		}
		seen[n] = true
		fd.wg.Add(1)
		go func() {
			defer fd.wg.Done()
			links, _, err := fd.pageLinks(fd.ctx, ix, n)
			if err != nil || fd.ctx.Err() != nil {
				return
			}
			f := newestPure(links, n, r.Specifier)
			if f == nil {
				return
			}
			m, err := fd.metadataOf(fd.ctx, f)
			if err != nil {
				return
			}
			for _, d := range m.RequiresDist {
				if d.Marker == nil {
					dn := d.CanonicalName()
					fd.wg.Add(1)
					go func() {
						defer fd.wg.Done()
						_, _, _ = fd.pageLinks(fd.ctx, ix, dn)
					}()
				}
			}
		}()
	}
}

// newestPure returns a py3-none-any (or py2.py3) wheel of name's newest
// final release that set allows, or nil.
func newestPure(links []Link, name string, set spec.SpecifierSet) *File {
	var best *File
	for _, l := range links {
		if l.Yanked || !strings.HasSuffix(l.Filename, "-none-any.whl") {
			continue
		}
		w, err := wheel.ParseFilename(l.Filename)
		if err != nil || w.Name != name || w.Version.IsPrerelease() || !set.Contains(w.Version, false) {
			continue
		}
		if best == nil || w.Version.Compare(best.Wheel.Version) > 0 {
			best = &File{Link: l, Wheel: w}
		}
	}
	return best
}

// Close stops background fetches and waits for them, then writes what
// was fetched to the cache (see Cache.Close).
func (fd *Finder) Close() {
	fd.cancel()
	fd.wg.Wait()
	fd.cache.Close()
}

// Stats returns how many index pages and metadata files were fetched or
// read so far.
func (fd *Finder) Stats() (pages, metadata int) {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	return fd.pagesFetched, fd.metaFetched
}

// once runs fn for key at most once; concurrent callers wait for it.
func once[T any](fd *Finder, m map[string]*call[T], key string, fn func() (T, error)) (T, error) {
	fd.mu.Lock()
	c, ok := m[key]
	if !ok {
		c = &call[T]{done: make(chan struct{})}
		m[key] = c
		fd.mu.Unlock()
		c.val, c.err = fn()
		close(c.done)
		return c.val, c.err
	}
	fd.mu.Unlock()
	<-c.done
	return c.val, c.err
}

func (fd *Finder) acquire(ctx context.Context) error {
	select {
	case fd.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (fd *Finder) release() { <-fd.sem }

// Prefetch implements resolve.Prefetcher: it fetches the projects' pages
// in the background and, for remote files, the metadata of the version
// each requirement would choose, which the resolver most likely asks for
// next. (Local files are read when asked: that costs less than a
// goroutine.)
func (fd *Finder) Prefetch(wants []resolve.Want) {
	for _, w := range wants {
		fd.wg.Add(1)
		go func() {
			defer fd.wg.Done()
			p, err := fd.project(fd.ctx, w.Name)
			if err != nil || fd.ctx.Err() != nil {
				return
			}
			if v, ok := w.Choose(fd.candidates(p)); ok {
				fd.prefetchFile(p, v)
			}
		}()
	}
}

// PrefetchMetadata implements resolve.Prefetcher: it fetches the metadata
// of name==version in the background when it comes from a remote file.
func (fd *Finder) PrefetchMetadata(name string, version spec.Version) {
	fd.wg.Add(1)
	go func() {
		defer fd.wg.Done()
		p, err := fd.project(fd.ctx, name)
		if err != nil || fd.ctx.Err() != nil {
			return
		}
		fd.prefetchFile(p, version)
	}()
}

func (fd *Finder) prefetchFile(p *project, v spec.Version) {
	if f := fd.best(p, v); f != nil && f.Path == "" {
		_, _ = fd.metadataOf(fd.ctx, f)
	}
}

// project returns every file of a project: find-links files plus the
// first index that has it, or with MergeIndexes every index that has it.
func (fd *Finder) project(ctx context.Context, name string) (*project, error) {
	return once(fd, fd.projects, name, func() (*project, error) {
		fd.flOnce.Do(func() { fd.flFiles, fd.flErr = fd.loadFindLinks(ctx) })
		if fd.flErr != nil {
			return nil, fd.flErr
		}
		p := &project{name: name}
		for _, f := range fd.flFiles[name] {
			p.files = append(p.files, f)
			p.found = true
			if p.source == "" {
				p.source = f.Source
			}
		}
		if fd.cfg.MergeIndexes {
			// Every index is asked anyway: ask them at once.
			for _, ix := range fd.cfg.IndexURLs[min(1, len(fd.cfg.IndexURLs)):] {
				fd.wg.Add(1)
				go func() {
					defer fd.wg.Done()
					_, _, _ = fd.pageLinks(ctx, ix, name)
				}()
			}
		}
		for _, ix := range fd.cfg.IndexURLs {
			links, ok, err := fd.pageLinks(ctx, ix, name)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			p.found = true
			if p.source == "" {
				p.source = redact(ix)
			}
			for _, l := range links {
				if f, ok := fd.newFile(l, redact(ix)); ok && fd.nameOf(f) == name {
					p.files = append(p.files, f)
				}
			}
			if !fd.cfg.MergeIndexes {
				break // the first index that has the project wins
			}
		}
		return p, nil
	})
}

func (fd *Finder) nameOf(f File) string {
	if f.Wheel != nil {
		return f.Wheel.Name
	}
	if s, err := wheel.ParseSdistFilename(f.Filename); err == nil {
		return s.Name
	}
	return ""
}

// newFile classifies a link; ok is false for files that are neither
// wheels nor sdists.
func (fd *Finder) newFile(l Link, source string) (File, bool) {
	f := File{Link: l, Source: source}
	if strings.HasSuffix(l.Filename, ".whl") {
		w, err := wheel.ParseFilename(l.Filename)
		if err != nil {
			return f, false
		}
		f.Wheel = w
		f.Rank, f.tagsOK = fd.matcher.Rank(w)
		f.Compatible = f.tagsOK && fd.pythonOK(l.RequiresPython)
		return f, true
	}
	if _, err := wheel.ParseSdistFilename(l.Filename); err == nil {
		return f, true
	}
	return f, false
}

func (fd *Finder) pythonOK(rp string) bool {
	if strings.TrimSpace(rp) == "" {
		return true
	}
	set, err := spec.ParseSpecifierSet(rp)
	if err != nil {
		return true // pip ignores an invalid Requires-Python
	}
	return set.Contains(fd.python, true)
}

// pageLinks returns the links of NAME's page on an index, fetched once;
// ok is false when the index does not have it.
func (fd *Finder) pageLinks(ctx context.Context, base, name string) ([]Link, bool, error) {
	links, err := once(fd, fd.pages, base+"\x00"+name, func() ([]Link, error) {
		links, ok, err := fd.indexPage(ctx, base, name)
		if err == nil && ok && links == nil {
			links = []Link{}
		}
		return links, err
	})
	return links, links != nil, err
}

// indexPage fetches NAME's page from an index; ok is false when the
// index does not have it.
func (fd *Finder) indexPage(ctx context.Context, base, name string) ([]Link, bool, error) {
	if err := fd.acquire(ctx); err != nil {
		return nil, false, err
	}
	defer fd.release()
	u := strings.TrimRight(base, "/") + "/" + name + "/"
	pg, err := fd.f.get(ctx, u, acceptSimple)
	if errors.Is(err, errNoPage) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	fd.mu.Lock()
	fd.pagesFetched++
	fd.mu.Unlock()
	var links []Link
	if isJSON(pg.contentType) {
		links, err = ParseJSON(pg.body, pg.url)
	} else {
		links, err = ParseHTML(pg.body, pg.url)
	}
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", redact(u), err)
	}
	return links, true, nil
}

// loadFindLinks lists every find-links location once.
func (fd *Finder) loadFindLinks(ctx context.Context) (map[string][]File, error) {
	out := map[string][]File{}
	for _, loc := range fd.cfg.FindLinks {
		var links []Link
		source := redact(loc)
		isURL := strings.Contains(loc, "://") || strings.HasPrefix(loc, "file:")
		dir := ""
		if !isURL {
			dir = loc
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(fd.cfg.BaseDir, dir)
			}
		} else if u, err := url.Parse(loc); err == nil && u.Scheme == "file" {
			dir = filepath.FromSlash(u.Path)
		}
		if dir != "" {
			fi, err := os.Stat(dir)
			if err != nil {
				return nil, fmt.Errorf("find-links %s: %w", loc, err)
			}
			if fi.IsDir() {
				ents, err := os.ReadDir(dir)
				if err != nil {
					return nil, fmt.Errorf("find-links %s: %w", loc, err)
				}
				for _, e := range ents {
					if e.IsDir() {
						continue
					}
					p := filepath.Join(dir, e.Name())
					abs, _ := filepath.Abs(p)
					f, ok := fd.newFile(Link{Filename: e.Name(), URL: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()}, source)
					if !ok {
						continue
					}
					f.Path = p
					if n := fd.nameOf(f); n != "" {
						out[n] = append(out[n], f)
					}
				}
				continue
			}
		}
		pg, err := fd.f.get(ctx, pageURL(loc, dir), "text/html")
		if err != nil {
			return nil, fmt.Errorf("find-links %s: %w", source, err)
		}
		fd.mu.Lock()
		fd.pagesFetched++
		fd.mu.Unlock()
		links, err = ParseHTML(pg.body, pg.url)
		if err != nil {
			return nil, fmt.Errorf("find-links %s: %w", source, err)
		}
		for _, l := range links {
			if f, ok := fd.newFile(l, source); ok {
				if n := fd.nameOf(f); n != "" {
					out[n] = append(out[n], f)
				}
			}
		}
	}
	return out, nil
}

func pageURL(loc, dir string) string {
	if dir != "" {
		abs, _ := filepath.Abs(dir)
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	}
	return loc
}

// candidates groups a project's compatible wheels by version.
func (fd *Finder) candidates(p *project) []resolve.Candidate {
	type agg struct {
		v      spec.Version
		yanked bool
	}
	var vs []*agg
	for _, f := range p.files {
		if !f.Compatible {
			continue
		}
		var a *agg
		for _, x := range vs {
			if x.v.Equal(f.Wheel.Version) {
				a = x
				break
			}
		}
		if a == nil {
			a = &agg{v: f.Wheel.Version, yanked: true}
			vs = append(vs, a)
		}
		a.yanked = a.yanked && f.Yanked
	}
	out := make([]resolve.Candidate, 0, len(vs))
	for _, a := range vs {
		out = append(out, resolve.Candidate{Version: a.v, Yanked: a.yanked})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version.Compare(out[j].Version) < 0 })
	return out
}

// Candidates implements resolve.Provider.
func (fd *Finder) Candidates(ctx context.Context, name string) ([]resolve.Candidate, error) {
	p, err := fd.project(ctx, name)
	if err != nil {
		return nil, err
	}
	c := fd.candidates(p)
	if len(c) > 0 {
		return c, nil
	}
	return nil, fd.unavailable(ctx, p)
}

// unavailable explains why a project has no candidates.
func (fd *Finder) unavailable(ctx context.Context, p *project) error {
	name := p.name
	if !p.found {
		var names []string
		for n := range fd.flFiles {
			names = append(names, n)
		}
		suggest := ""
		if s := closestName(name, names, fd.indexNames(ctx)); s != "" {
			suggest = " (did you mean " + s + "?)"
		}
		return resolve.Unavailable(name, resolve.ErrNotFound, "there is no distribution named %s on %s%s", name, fd.where(), suggest)
	}
	var sdists, wrongTags, wrongPython []string
	for _, f := range p.files {
		switch {
		case f.Wheel == nil:
			sdists = append(sdists, f.Filename)
		case !f.tagsOK:
			wrongTags = append(wrongTags, f.Filename)
		default:
			wrongPython = append(wrongPython, fmt.Sprintf("%s (Requires-Python %s)", f.Filename, f.RequiresPython))
		}
	}
	switch {
	case len(wrongPython) > 0:
		return resolve.Unavailable(name, resolve.ErrNoWheels, "no wheel of %s supports Python %s: %s", name, fd.python, listSome(wrongPython))
	case len(wrongTags) > 0:
		return resolve.Unavailable(name, resolve.ErrNoWheels, "no wheel of %s is built for %s (found %s)", name, fd.cfg.Target, listSome(wrongTags))
	case len(sdists) > 0:
		return resolve.Unavailable(name, resolve.ErrNoWheels,
			"%s has only source distributions (%s), and bundle pin uses wheels only: build one with `pip wheel --no-deps %s -w wheels` and add --find-links wheels", name, listSome(sdists), name)
	}
	return resolve.Unavailable(name, resolve.ErrNotFound, "%s on %s lists no files", name, p.source)
}

// indexNames returns the project list of every index (see
// projectNames), each fetched once a run, in parallel, in at most
// namesTimeout. A list that cannot be had (no root page, an error, the
// time is up, offline without a cached list) is left out: it only
// serves a suggestion.
func (fd *Finder) indexNames(ctx context.Context) [][]byte {
	if len(fd.cfg.IndexURLs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, namesTimeout)
	defer cancel()
	out := make([][]byte, len(fd.cfg.IndexURLs))
	var wg sync.WaitGroup
	for i, ix := range fd.cfg.IndexURLs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], _ = once(fd, fd.names, ix, func() ([]byte, error) {
				l, err := fd.f.projectNames(ctx, ix)
				if err != nil {
					return nil, err
				}
				fd.mu.Lock()
				fd.pagesFetched++
				fd.mu.Unlock()
				return l, nil
			})
		}()
	}
	wg.Wait()
	return out
}

func listSome(s []string) string {
	sort.Strings(s)
	if len(s) > 3 {
		return strings.Join(s[:3], ", ") + fmt.Sprintf(" and %d more", len(s)-3)
	}
	return strings.Join(s, ", ")
}

// where describes the sources for messages.
func (fd *Finder) where() string {
	var w []string
	for _, u := range fd.cfg.IndexURLs {
		w = append(w, redact(u))
	}
	for _, l := range fd.cfg.FindLinks {
		w = append(w, redact(l))
	}
	if len(w) == 0 {
		return "no index (--no-index without --find-links)"
	}
	return strings.Join(w, ", ")
}

// best returns the preferred compatible file of a version: not yanked
// first, then by tag rank.
func (fd *Finder) best(p *project, v spec.Version) *File {
	var best *File
	for i := range p.files {
		f := &p.files[i]
		if !f.Compatible || !f.Wheel.Version.Equal(v) {
			continue
		}
		if best == nil || (best.Yanked && !f.Yanked) || (best.Yanked == f.Yanked && (f.Rank < best.Rank || f.Rank == best.Rank && f.Path != "" && best.Path == "")) {
			best = f
		}
	}
	return best
}

// Files returns the compatible files of name==v, the ones whose hashes
// the pinned form lists.
func (fd *Finder) Files(ctx context.Context, name string, v spec.Version) ([]File, error) {
	p, err := fd.project(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, f := range p.files {
		if f.Compatible && f.Wheel.Version.Equal(v) {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Filename < out[j].Filename })
	return out, nil
}

// Metadata implements resolve.Provider.
func (fd *Finder) Metadata(ctx context.Context, name string, v spec.Version) (*wheel.Metadata, error) {
	p, err := fd.project(ctx, name)
	if err != nil {
		return nil, err
	}
	f := fd.best(p, v)
	if f == nil {
		return nil, resolve.Unavailable(name, resolve.ErrNoWheels, "has no compatible wheel")
	}
	m, err := fd.metadataOf(ctx, f)
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, ErrOffline) {
			return nil, err
		}
		var ue *resolve.UnavailableError
		if errors.As(err, &ue) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", f.Filename, err)
	}
	if spec.NormalizeName(m.Name) != name || !m.Version.Equal(v) {
		return nil, resolve.Unavailable(name, wheel.ErrBadMetadata, "cannot be used: its metadata names %s %s", m.Name, m.Version)
	}
	return m, nil
}

// metadataOf returns a file's core metadata through the cache.
func (fd *Finder) metadataOf(ctx context.Context, f *File) (*wheel.Metadata, error) {
	key := f.URL
	return once(fd, fd.metas, key, func() (*wheel.Metadata, error) {
		raw, err := fd.rawMetadata(ctx, f)
		if err != nil {
			return nil, err
		}
		m, err := wheel.ParseMetadata(raw)
		if err != nil {
			return nil, resolve.Unavailable(f.Wheel.Name, err, "cannot be used: %v", err)
		}
		return m, nil
	})
}

// localCacheMin is the size under which a local file's metadata and
// sha256 are computed again on every run rather than cached: reading a
// small wheel costs less than creating a cache file (an inode) for it,
// while the central directory of a large one (Django's lists 2,000
// members) and its hash are worth keeping.
const localCacheMin = 64 << 10

// localKey is the cache key of a local file, by path, size and
// modification time; "" when the file is small (see localCacheMin) or
// cannot be examined.
func localKey(path string) string {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() < localCacheMin {
		return ""
	}
	abs, _ := filepath.Abs(path)
	return keyOf("local", abs, fmt.Sprint(fi.Size()), fi.ModTime().UTC().Format(time.RFC3339Nano))
}

func (fd *Finder) rawMetadata(ctx context.Context, f *File) ([]byte, error) {
	// Immutable: metadata by the file's sha256, or by path, size and
	// modification time for local files.
	var ckey string
	switch {
	case f.Hashes["sha256"] != "":
		ckey = keyOf("sha256", f.Hashes["sha256"])
	case f.Path != "":
		ckey = localKey(f.Path)
	}
	if ckey != "" && !fd.cfg.Refresh {
		if data, ok := fd.cache.Get("metadata", ckey); ok {
			return data, nil
		}
	}
	if err := fd.acquire(ctx); err != nil {
		return nil, err
	}
	data, err := fd.fetchMetadata(ctx, f)
	fd.release()
	if err != nil {
		return nil, err
	}
	fd.mu.Lock()
	fd.metaFetched++
	fd.mu.Unlock()
	if ckey != "" {
		fd.cache.Put("metadata", ckey, data)
	}
	return data, nil
}

func (fd *Finder) fetchMetadata(ctx context.Context, f *File) ([]byte, error) {
	if f.Path != "" {
		r, err := os.Open(f.Path)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		fi, err := r.Stat()
		if err != nil {
			return nil, err
		}
		return wheel.ReadMetadata(r, fi.Size(), f.Wheel)
	}
	if f.Metadata {
		data, err := fd.f.download(ctx, f.URL+".metadata")
		if err == nil {
			if want := f.MetadataHashes["sha256"]; want != "" {
				if got := sha256Hex(data); got != want {
					return nil, fmt.Errorf("%s.metadata: %w (got %s, want %s)", redact(f.URL), ErrHashMismatch, got, want)
				}
			}
			return data, nil
		}
		if errors.Is(err, ErrOffline) || ctx.Err() != nil {
			return nil, err
		}
		// Fall back to the wheel.
	}
	u, _ := url.Parse(f.URL)
	if u != nil && u.Scheme == "file" {
		data, err := os.ReadFile(filepath.FromSlash(u.Path))
		if err != nil {
			return nil, err
		}
		return wheel.ReadMetadata(bytes.NewReader(data), int64(len(data)), f.Wheel)
	}
	rr, whole, err := fd.f.openRange(ctx, f.URL)
	if err != nil {
		return nil, err
	}
	if whole != nil {
		if err := checkHash(f, whole); err != nil {
			return nil, err
		}
		return wheel.ReadMetadata(bytes.NewReader(whole), int64(len(whole)), f.Wheel)
	}
	return wheel.ReadMetadata(rr, rr.size, f.Wheel)
}

func checkHash(f *File, data []byte) error {
	if want := f.Hashes["sha256"]; want != "" {
		if got := sha256Hex(data); got != want {
			return fmt.Errorf("%s: %w (got %s, want %s)", redact(f.URL), ErrHashMismatch, got, want)
		}
	}
	return nil
}

func sha256Hex(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// SHA256 returns the file's sha256: the index's when it gave one,
// otherwise computed from the file (local files are hashed once per size
// and modification time, small ones on every call, see localCacheMin;
// remote ones downloaded once per URL; cached).
func (fd *Finder) SHA256(ctx context.Context, f File) (string, error) {
	if h := f.Hashes["sha256"]; h != "" {
		return h, nil
	}
	var ckey string
	if f.Path != "" {
		ckey = localKey(f.Path)
	} else {
		ckey = keyOf("url", redact(f.URL))
	}
	if ckey != "" {
		if data, ok := fd.cache.Get("sha256", ckey); ok && len(data) == 64 {
			return string(data), nil
		}
	}
	var sum string
	if f.Path != "" {
		r, err := os.Open(f.Path)
		if err != nil {
			return "", err
		}
		h := sha256.New()
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return "", err
		}
		sum = hex.EncodeToString(h.Sum(nil))
	} else {
		if err := fd.acquire(ctx); err != nil {
			return "", err
		}
		data, err := fd.f.download(ctx, f.URL)
		fd.release()
		if err != nil {
			return "", err
		}
		sum = sha256Hex(data)
	}
	if ckey != "" {
		fd.cache.Put("sha256", ckey, []byte(sum))
	}
	return sum, nil
}

var _ resolve.Provider = (*Finder)(nil)
var _ resolve.Prefetcher = (*Finder)(nil)
