package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bundle-wsgi/bundle/internal/resolve"
	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

var target = wheel.Target{Python: [3]int{3, 11, 7}, Platform: "manylinux_2_28_x86_64"}

// release is one file of a synthetic index.
type release struct {
	name, version  string
	tag            string // default py3-none-any
	requires       []string
	extras         []string
	requiresPython string // in the metadata and the index
	yanked         string // non-empty: yanked with this reason
	sdist          bool
}

// server is a synthetic simple index served by httptest.
type server struct {
	*httptest.Server
	json     bool // serve PEP 691 JSON when asked for it
	pep658   bool // serve .metadata files
	noRanges bool // ignore Range headers
	auth     string
	files    map[string][]byte // filename -> content
	projects map[string][]release
	mu       sync.Mutex
	requests []string // "METHOD path [range]"
	etagHits int
	maxAge   int
	// root serves the root page (the project list) when set; default a
	// list of the projects, as JSON or HTML.
	root  http.HandlerFunc
	extra []string // more names the root lists
}

func newServer(t *testing.T, rels []release, opts ...func(*server)) *server {
	t.Helper()
	s := &server{files: map[string][]byte{}, projects: map[string][]release{}}
	for _, o := range opts {
		o(s)
	}
	for _, r := range rels {
		var fn string
		var data []byte
		if r.sdist {
			fn, data = fmt.Sprintf("%s-%s.tar.gz", r.name, r.version), []byte("not really a tarball")
		} else {
			var err error
			fn, data, err = wheel.Build(r.name, r.version, wheel.BuildOptions{Tag: r.tag, RequiresDist: r.requires, RequiresPython: r.requiresPython, ProvidesExtra: r.extras})
			if err != nil {
				t.Fatal(err)
			}
		}
		s.files[fn] = data
		n := spec.NormalizeName(r.name)
		s.projects[n] = append(s.projects[n], r)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.Close)
	return s
}

func (s *server) log(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	line := r.Method + " " + r.URL.Path
	if rg := r.Header.Get("Range"); rg != "" {
		line += " " + rg
	}
	s.requests = append(s.requests, line)
}

func (s *server) count(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

func (s *server) filename(r release) string {
	if r.sdist {
		return fmt.Sprintf("%s-%s.tar.gz", r.name, r.version)
	}
	fn, _, _ := wheel.Build(r.name, r.version, wheel.BuildOptions{Tag: r.tag})
	return fn
}

func (s *server) handle(w http.ResponseWriter, r *http.Request) {
	s.log(r)
	if s.auth != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u+":"+p != s.auth {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/simple/"):
		name := strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/")
		if name == "" {
			s.writeRoot(w, r)
			return
		}
		rels, ok := s.projects[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		etag := `"` + name + `"`
		w.Header().Set("ETag", etag)
		if s.maxAge > 0 {
			w.Header().Set("Cache-Control", fmt.Sprintf("max-age=%d", s.maxAge))
		}
		if r.Header.Get("If-None-Match") == etag {
			s.mu.Lock()
			s.etagHits++
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if s.json && strings.Contains(r.Header.Get("Accept"), "application/vnd.pypi.simple.v1+json") {
			s.writeJSON(w, name, rels)
			return
		}
		s.writeHTML(w, rels)
	case strings.HasPrefix(r.URL.Path, "/files/"):
		fn := strings.TrimPrefix(r.URL.Path, "/files/")
		if meta, ok := strings.CutSuffix(fn, ".metadata"); ok && s.pep658 {
			data, ok := s.files[meta]
			if !ok {
				http.NotFound(w, r)
				return
			}
			m := metadataOf(data, meta)
			w.Write(m)
			return
		}
		data, ok := s.files[fn]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if s.noRanges {
			w.Write(data)
			return
		}
		http.ServeContent(w, r, fn, time.Time{}, strings.NewReader(string(data)))
	default:
		http.NotFound(w, r)
	}
}

// writeRoot serves the project list, with an ETag and max-age.
func (s *server) writeRoot(w http.ResponseWriter, r *http.Request) {
	if s.root != nil {
		s.root(w, r)
		return
	}
	names := append([]string(nil), s.extra...)
	for n := range s.projects {
		names = append(names, n)
	}
	sort.Strings(names)
	w.Header().Set("ETag", `"root"`)
	if s.maxAge > 0 {
		w.Header().Set("Cache-Control", fmt.Sprintf("max-age=%d", s.maxAge))
	}
	if r.Header.Get("If-None-Match") == `"root"` {
		s.mu.Lock()
		s.etagHits++
		s.mu.Unlock()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if s.json && strings.Contains(r.Header.Get("Accept"), "application/vnd.pypi.simple.v1+json") {
		w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
		var ps []map[string]any
		for i, n := range names {
			ps = append(ps, map[string]any{"name": strings.ToUpper(n[:1]) + n[1:], "_last-serial": i})
		}
		json.NewEncoder(w).Encode(map[string]any{"meta": map[string]string{"api-version": "1.1", "_last-serial": "7"}, "projects": ps})
		return
	}
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprintln(w, "<!DOCTYPE html><html><head><meta name=\"pypi:repository-version\" content=\"1.1\"></head><body>")
	for _, n := range names {
		fmt.Fprintf(w, "<a href=\"/simple/%s/\">%s</a>\n", n, html.EscapeString(strings.ToUpper(n[:1])+n[1:]))
	}
	fmt.Fprintln(w, "</body></html>")
}

func metadataOf(data []byte, fn string) []byte {
	f, _ := wheel.ParseFilename(fn)
	m, err := wheel.ReadMetadata(strings.NewReader(string(data)), int64(len(data)), f)
	if err != nil {
		panic(err)
	}
	return m
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func (s *server) writeHTML(w http.ResponseWriter, rels []release) {
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprintln(w, "<!DOCTYPE html><html><body>")
	for _, r := range rels {
		fn := s.filename(r)
		attrs := ""
		if r.requiresPython != "" {
			attrs += fmt.Sprintf(` data-requires-python="%s"`, html.EscapeString(r.requiresPython))
		}
		if r.yanked != "" {
			attrs += fmt.Sprintf(` data-yanked="%s"`, html.EscapeString(r.yanked))
		}
		if s.pep658 && !r.sdist {
			attrs += fmt.Sprintf(` data-core-metadata="sha256=%s"`, sum(metadataOf(s.files[fn], fn)))
		}
		fmt.Fprintf(w, "<a href=\"../../files/%s#sha256=%s\"%s>%s</a><br/>\n", fn, sum(s.files[fn]), attrs, fn)
	}
	fmt.Fprintln(w, "</body></html>")
}

func (s *server) writeJSON(w http.ResponseWriter, name string, rels []release) {
	w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
	type file struct {
		Filename       string            `json:"filename"`
		URL            string            `json:"url"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython string            `json:"requires-python,omitempty"`
		Yanked         any               `json:"yanked"`
		CoreMetadata   any               `json:"core-metadata,omitempty"`
	}
	page := map[string]any{"meta": map[string]string{"api-version": "1.1"}, "name": name}
	var files []file
	for _, r := range rels {
		fn := s.filename(r)
		f := file{Filename: fn, URL: "/files/" + fn, Hashes: map[string]string{"sha256": sum(s.files[fn])}, RequiresPython: r.requiresPython, Yanked: false}
		if r.yanked != "" {
			f.Yanked = r.yanked
		}
		if s.pep658 && !r.sdist {
			f.CoreMetadata = map[string]string{"sha256": sum(metadataOf(s.files[fn], fn))}
		}
		files = append(files, f)
	}
	page["files"] = files
	json.NewEncoder(w).Encode(page)
}

// universe is the synthetic index of most tests: backtracking, extras
// of extras, markers, pre-releases, yanked files, Requires-Python, a
// binary wheel for another platform and an sdist-only project.
var universe = []release{
	{name: "web", version: "1.0", requires: []string{"core<2", "helper"}},
	{name: "web", version: "2.0", requires: []string{"core>=2", "helper"}},
	{name: "web", version: "3.0", requires: []string{"core>=3"}, yanked: "broken"},
	{name: "core", version: "1.0"},
	{name: "core", version: "2.0", requires: []string{`winonly; sys_platform == "win32"`}},
	{name: "core", version: "2.5", requiresPython: ">=3.12"},
	{name: "core", version: "3.0b1"},
	{name: "helper", version: "1.0", requires: []string{"core<2"}},
	{name: "helper", version: "1.1", extras: []string{"fast", "all"}, requires: []string{`speedup; extra == "fast"`, `helper[fast]; extra == "all"`}},
	{name: "speedup", version: "1.0", tag: "cp311-cp311-manylinux_2_17_x86_64"},
	{name: "speedup", version: "1.0", tag: "cp311-cp311-win_amd64"},
	{name: "speedup", version: "1.0", tag: "cp311-abi3-manylinux_2_28_x86_64"},
	{name: "sourceonly", version: "1.0", sdist: true},
	{name: "winbin", version: "1.0", tag: "cp311-cp311-win_amd64"},
}

func resolveWith(t *testing.T, fd *Finder, roots ...string) (*resolve.Solution, error) {
	t.Helper()
	var rs []*spec.Requirement
	for _, r := range roots {
		q, err := spec.ParseRequirement(r)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, q)
	}
	return resolve.Resolve(context.Background(), fd, resolve.Options{Root: "app", Requirements: rs, Env: target.Environment()})
}

func pins(sol *resolve.Solution) string {
	var out []string
	for _, d := range sol.Dists {
		out = append(out, d.Name+"=="+d.Version.String())
	}
	return strings.Join(out, " ")
}

func TestIndexVariants(t *testing.T) {
	variants := []struct {
		name                   string
		json, pep658, noRanges bool
	}{
		{"html", false, false, false},
		{"html+pep658", false, true, false},
		{"json", true, false, false},
		{"json+pep658", true, true, false},
		{"html-no-ranges", false, false, true},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			srv := newServer(t, universe, func(s *server) { s.json, s.pep658, s.noRanges = v.json, v.pep658, v.noRanges })
			fd, err := NewFinder(Config{IndexURLs: []string{srv.URL + "/simple"}, Target: target})
			if err != nil {
				t.Fatal(err)
			}
			defer fd.Close()
			sol, err := resolveWith(t, fd, "web", "helper[all]")
			if err != nil {
				t.Fatal(err)
			}
			// web 3.0 is yanked, core 2.5 needs Python 3.12, core 3.0b1 is a
			// pre-release, helper 1.0 forces core<2 so helper 1.1 is taken.
			if got, want := pins(sol), "core==2.0 helper==1.1 speedup==1.0 web==2.0"; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
			files, err := fd.Files(context.Background(), "speedup", sol.Dists[2].Version)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range files {
				names = append(names, f.Filename)
				if h, err := fd.SHA256(context.Background(), f); err != nil || len(h) != 64 {
					t.Errorf("hash of %s: %q, %v", f.Filename, h, err)
				}
			}
			if want := "speedup-1.0-cp311-abi3-manylinux_2_28_x86_64.whl speedup-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"; strings.Join(names, " ") != want {
				t.Errorf("compatible files %v, want %s", names, want)
			}
			fd.Close()
			switch {
			case v.pep658:
				if n := srv.count("GET /files/") - countMeta(srv); n != 0 {
					t.Errorf("with PEP 658 the wheels were fetched %d times", n)
				}
			case v.noRanges:
				if srv.count("GET /files/") == 0 {
					t.Error("no wheel downloads")
				}
			default:
				for _, r := range srv.requests {
					if strings.HasPrefix(r, "GET /files/") && !strings.Contains(r, "bytes=") {
						t.Errorf("a wheel was downloaded without a range: %s", r)
					}
				}
			}
		})
	}
}

func countMeta(s *server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if strings.HasSuffix(r, ".metadata") {
			n++
		}
	}
	return n
}

func TestUnavailable(t *testing.T) {
	srv := newServer(t, universe, func(s *server) { s.json = true })
	dir := t.TempDir()
	fn, data, _ := wheel.Build("flask", "3.0", wheel.BuildOptions{})
	os.WriteFile(filepath.Join(dir, fn), data, 0o644)
	fd, _ := NewFinder(Config{IndexURLs: []string{srv.URL + "/simple"}, FindLinks: []string{dir}, Target: target})
	defer fd.Close()
	for _, tt := range []struct{ root, want string }{
		{"flaks", "there is no distribution named flaks on " + srv.URL + "/simple, " + dir + " (did you mean flask?)"},
		{"sourceonly", "sourceonly has only source distributions (sourceonly-1.0.tar.gz), and bundle pin uses wheels only: build one with `pip wheel --no-deps sourceonly -w wheels` and add --find-links wheels"},
		{"winbin", "no wheel of winbin is built for CPython 3.11 on linux x86_64 (found winbin-1.0-cp311-cp311-win_amd64.whl)"},
	} {
		_, err := resolveWith(t, fd, tt.root)
		if !errors.Is(err, resolve.ErrNoSolution) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v\nwant it to contain %s", tt.root, err, tt.want)
		}
	}
}

// TestIndexPriority: by default the first index that has a project
// supplies all of its files, even when a later one has newer versions;
// with MergeIndexes the files of every index are merged, the best version
// wins, and a version on both lists the files of both.
func TestIndexPriority(t *testing.T) {
	for _, js := range []bool{false, true} {
		first := newServer(t, []release{{name: "internal", version: "1.0"}, {name: "shared", version: "1.0"}}, func(s *server) { s.json = js })
		second := newServer(t, []release{{name: "internal", version: "99.0"}, {name: "other", version: "2.0"},
			{name: "shared", version: "1.0", tag: "cp311-abi3-manylinux_2_28_x86_64"}})
		for _, tt := range []struct {
			merge       bool
			want        string
			sharedFiles string
		}{
			{false, "internal==1.0 other==2.0 shared==1.0", "shared-1.0-py3-none-any.whl@" + first.URL},
			{true, "internal==99.0 other==2.0 shared==1.0", "shared-1.0-cp311-abi3-manylinux_2_28_x86_64.whl@" + second.URL + " shared-1.0-py3-none-any.whl@" + first.URL},
		} {
			t.Run(fmt.Sprintf("json=%v/merge=%v", js, tt.merge), func(t *testing.T) {
				fd, _ := NewFinder(Config{IndexURLs: []string{first.URL + "/simple", second.URL + "/simple"}, MergeIndexes: tt.merge, Target: target})
				defer fd.Close()
				sol, err := resolveWith(t, fd, "internal", "other", "shared")
				if err != nil {
					t.Fatal(err)
				}
				if got := pins(sol); got != tt.want {
					t.Errorf("got %s, want %s", got, tt.want)
				}
				files, err := fd.Files(context.Background(), "shared", sol.Dists[2].Version)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, f := range files {
					got = append(got, f.Filename+"@"+strings.TrimSuffix(f.Source, "/simple"))
				}
				if strings.Join(got, " ") != tt.sharedFiles {
					t.Errorf("files of shared 1.0: %s\nwant %s", strings.Join(got, " "), tt.sharedFiles)
				}
			})
		}
	}
}

func TestCredentials(t *testing.T) {
	srv := newServer(t, []release{{name: "a", version: "1.0"}}, func(s *server) { s.auth = "user:secret" })
	u, _ := url.Parse(srv.URL)
	// From the URL.
	fd, _ := NewFinder(Config{IndexURLs: []string{"http://user:secret@" + u.Host + "/simple"}, Target: target})
	if _, err := resolveWith(t, fd, "a"); err != nil {
		t.Errorf("credentials in the URL: %v", err)
	}
	fd.Close()
	// From netrc.
	nrc := ParseNetrc("machine " + u.Hostname() + "\n  login user\n  password secret\n")
	fd, _ = NewFinder(Config{IndexURLs: []string{srv.URL + "/simple"}, Target: target, Netrc: nrc})
	if _, err := resolveWith(t, fd, "a"); err != nil {
		t.Errorf("credentials from netrc: %v", err)
	}
	fd.Close()
	// None: an HTTP error that does not show the password.
	fd, _ = NewFinder(Config{IndexURLs: []string{"http://user:wrong@" + u.Host + "/simple"}, Target: target})
	_, err := resolveWith(t, fd, "a")
	if !errors.Is(err, ErrHTTP) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("bad credentials: %v", err)
	}
	fd.Close()
}

func TestCacheOfflineRefresh(t *testing.T) {
	srv := newServer(t, universe, func(s *server) { s.json = true })
	cache := t.TempDir()
	run := func(cfg Config) (*resolve.Solution, error) {
		cfg.IndexURLs, cfg.Target, cfg.CacheDir = []string{srv.URL + "/simple"}, target, cache
		fd, _ := NewFinder(cfg)
		defer fd.Close()
		return resolveWith(t, fd, "web")
	}
	if _, err := run(Config{}); err != nil {
		t.Fatal(err)
	}
	before := srv.count("GET /files/")
	// Warm: pages revalidated with ETag, metadata from the cache.
	if _, err := run(Config{}); err != nil {
		t.Fatal(err)
	}
	if srv.etagHits == 0 {
		t.Error("no conditional request on the warm run")
	}
	if n := srv.count("GET /files/"); n != before {
		t.Errorf("warm run fetched %d more files", n-before)
	}
	// Offline: nothing asked.
	reqs := srv.count("")
	if _, err := run(Config{Offline: true}); err != nil {
		t.Fatalf("offline with a warm cache: %v", err)
	}
	if n := srv.count(""); n != reqs {
		t.Errorf("offline run made %d requests", n-reqs)
	}
	// Refresh: pages fetched again, without If-None-Match hits.
	hits := srv.etagHits
	if _, err := run(Config{Refresh: true}); err != nil {
		t.Fatal(err)
	}
	if srv.etagHits != hits {
		t.Error("--refresh revalidated instead of refetching")
	}
	// Offline with an empty cache fails clearly.
	cache = t.TempDir()
	if _, err := run(Config{Offline: true}); !errors.Is(err, ErrOffline) {
		t.Errorf("offline, cold: err = %v, want ErrOffline", err)
	}
}

func TestMaxAge(t *testing.T) {
	srv := newServer(t, []release{{name: "a", version: "1.0"}}, func(s *server) { s.maxAge = 600 })
	cache := t.TempDir()
	for range 2 {
		fd, _ := NewFinder(Config{IndexURLs: []string{srv.URL + "/simple"}, Target: target, CacheDir: cache})
		if _, err := resolveWith(t, fd, "a"); err != nil {
			t.Fatal(err)
		}
		fd.Close()
	}
	if n := srv.count("GET /simple/"); n != 1 {
		t.Errorf("a fresh page was fetched %d times", n)
	}
}

// TestWheelhouse reads the shared wheelhouse as find-links, as a
// directory and as a file: URL, and checks the hashes against SHA256SUMS.
func TestWheelhouse(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "wheelhouse")
	sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatalf("the shared wheelhouse is missing: %v", err)
	}
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		h, f, _ := strings.Cut(line, "  ")
		want[f] = h
	}
	abs, _ := filepath.Abs(dir)
	for _, loc := range []string{dir, "file://" + filepath.ToSlash(abs)} {
		fd, err := NewFinder(Config{FindLinks: []string{loc}, Target: target, CacheDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		sol, err := resolveWith(t, fd, "flask>=3", "requests", "pyyaml")
		if err != nil {
			t.Fatal(err)
		}
		got := pins(sol)
		if w := "blinker==1.9.0 certifi==2026.5.20 charset-normalizer==3.4.7 click==8.4.0 flask==3.1.3 idna==3.13 itsdangerous==2.2.0 jinja2==3.1.6 markupsafe==3.0.3 pyyaml==6.0.3 requests==2.34.2 urllib3==2.7.0 werkzeug==3.1.8"; got != w {
			t.Errorf("%s: got %s\nwant %s", loc, got, w)
		}
		for _, d := range sol.Dists {
			files, _ := fd.Files(context.Background(), d.Name, d.Version)
			if len(files) == 0 {
				t.Errorf("%s: no files", d.Name)
			}
			for _, f := range files {
				h, err := fd.SHA256(context.Background(), f)
				if err != nil || h != want[f.Filename] {
					t.Errorf("%s: sha256 %s, %v; want %s", f.Filename, h, err, want[f.Filename])
				}
			}
		}
		fd.Close()
	}
}

func TestParseHTML(t *testing.T) {
	base, _ := url.Parse("https://example.org/simple/foo/")
	page := `<!DOCTYPE html><html><head><base href="https://files.example.org/x/"></head><body>
<!-- <a href="commented-1.0.tar.gz">no</a> -->
<a href="../pkgs/foo-1.0-py3-none-any.whl#sha256=ABCDEF" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=1234">foo-1.0</a>
<A HREF='foo-2.0.tar.gz' data-yanked="bad &amp; broken">foo-2.0</A>
<a href=foo-3.0-py3-none-any.whl data-yanked data-core-metadata=true>x</a>
<a>no href</a><a href="dir/">dir</a>
</body></html>`
	links, err := ParseHTML([]byte(page), base)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range links {
		got = append(got, fmt.Sprintf("%s %s %v rp=%q y=%v %q m=%v %v", l.Filename, l.URL, l.Hashes, l.RequiresPython, l.Yanked, l.YankedReason, l.Metadata, l.MetadataHashes))
	}
	want := []string{
		`foo-1.0-py3-none-any.whl https://files.example.org/pkgs/foo-1.0-py3-none-any.whl map[sha256:abcdef] rp=">=3.8" y=false "" m=true map[sha256:1234]`,
		`foo-2.0.tar.gz https://files.example.org/x/foo-2.0.tar.gz map[] rp="" y=true "bad & broken" m=false map[]`,
		`foo-3.0-py3-none-any.whl https://files.example.org/x/foo-3.0-py3-none-any.whl map[] rp="" y=true "" m=true map[]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseJSON(t *testing.T) {
	base, _ := url.Parse("https://example.org/simple/foo/")
	page := `{"meta":{"api-version":"1.1"},"name":"foo","files":[
{"filename":"foo-1.0-py3-none-any.whl","url":"/f/foo-1.0-py3-none-any.whl","hashes":{"sha256":"AB"},"requires-python":">=3.8","yanked":false,"core-metadata":{"sha256":"CD"}},
{"filename":"foo-2.0.tar.gz","url":"https://x.org/foo-2.0.tar.gz","hashes":{},"yanked":"reason","dist-info-metadata":true}]}`
	links, err := ParseJSON([]byte(page), base)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 2 || links[0].URL != "https://example.org/f/foo-1.0-py3-none-any.whl" || links[0].Hashes["sha256"] != "ab" ||
		links[0].MetadataHashes["sha256"] != "cd" || links[0].RequiresPython != ">=3.8" || links[0].Yanked ||
		!links[1].Yanked || links[1].YankedReason != "reason" || !links[1].Metadata {
		t.Errorf("got %+v", links)
	}
	if _, err := ParseJSON([]byte(`{"meta":{"api-version":"2.0"},"files":[]}`), base); !errors.Is(err, ErrBadPage) {
		t.Errorf("api-version 2: %v", err)
	}
	if _, err := ParseJSON([]byte(`{`), base); !errors.Is(err, ErrBadPage) {
		t.Errorf("bad json: %v", err)
	}
}

func TestNetrc(t *testing.T) {
	n := ParseNetrc("machine a.example login u1 password p1\n# c\nmacdef init\ncd x\n\nmachine B.example\nlogin u2\npassword p2 account z\ndefault login anon password x\n")
	for _, tt := range []struct{ host, user, pass string }{{"a.example", "u1", "p1"}, {"b.example", "u2", "p2"}, {"other", "anon", "x"}} {
		u, p, ok := n.Lookup(tt.host)
		if !ok || u != tt.user || p != tt.pass {
			t.Errorf("%s: %s %s %v", tt.host, u, p, ok)
		}
	}
	if _, _, ok := ParseNetrc("machine a login b password c").Lookup("z"); ok {
		t.Error("no default: found")
	}
	var nilNetrc *Netrc
	if _, _, ok := nilNetrc.Lookup("a"); ok {
		t.Error("nil netrc found something")
	}
}

// TestLocalFilesCache: the metadata and sha256 of a small local wheel are
// computed on every run, not cached; those of a large one are cached.
func TestLocalFilesCache(t *testing.T) {
	dir := t.TempDir()
	big := make([]byte, 2*localCacheMin)
	rand.NewChaCha8([32]byte{1}).Read(big) // incompressible
	for _, w := range []struct {
		name  string
		files map[string]string
	}{{"small", nil}, {"big", map[string]string{"big/data.bin": string(big)}}} {
		fn, data, err := wheel.Build(w.name, "1.0", wheel.BuildOptions{Files: w.files})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fn), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache := t.TempDir()
	for run := range 2 {
		fd, err := NewFinder(Config{FindLinks: []string{dir}, Target: target, CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		sol, err := resolveWith(t, fd, "small", "big")
		if err != nil {
			t.Fatal(err)
		}
		if got := pins(sol); got != "big==1.0 small==1.0" {
			t.Fatalf("run %d: got %s", run, got)
		}
		for _, d := range sol.Dists {
			files, _ := fd.Files(context.Background(), d.Name, d.Version)
			if len(files) != 1 {
				t.Fatalf("%s: %d files", d.Name, len(files))
			}
			data, _ := os.ReadFile(files[0].Path)
			if h, err := fd.SHA256(context.Background(), files[0]); err != nil || h != sum(data) {
				t.Errorf("run %d: %s: sha256 %s, %v; want %s", run, d.Name, h, err, sum(data))
			}
		}
		fd.Close()
		for _, kind := range []string{"metadata", "sha256"} {
			if n := cacheEntries(t, cache, kind); n != 1 {
				t.Errorf("run %d: %d %s entries, want 1 (the large wheel's)", run, n, kind)
			}
		}
	}
}

// cacheEntries counts the entries of a kind in a cache directory.
func cacheEntries(t *testing.T, dir, kind string) int {
	t.Helper()
	c := &Cache{Dir: dir}
	c.Open()
	defer c.Close()
	n := 0
	for name := range c.index {
		if strings.HasPrefix(name, kind+"/") {
			n++
		}
	}
	return n
}

// TestWarm: a Finder made without a target fetches the pages and the
// metadata the first steps need (pure-Python wheels only, the newest
// final release the requirement allows), and resolves as usual once
// SetTarget gives the target.
func TestWarm(t *testing.T) {
	rels := []release{
		{name: "a", version: "1.0", requires: []string{"b"}}, {name: "a", version: "2.0", requires: []string{"b", "c; python_version < '3'"}},
		{name: "a", version: "3.0b1"},
		{name: "b", version: "1.0"},
		{name: "c", version: "1.0"},
		{name: "native", version: "1.0", tag: "cp311-cp311-manylinux_2_17_x86_64"},
	}
	srv := newServer(t, rels)
	fd, err := NewFinder(Config{IndexURLs: []string{srv.URL + "/simple"}})
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	var roots []*spec.Requirement
	for _, r := range []string{"a<3", "native"} {
		q, _ := spec.ParseRequirement(r)
		roots = append(roots, q)
	}
	fd.Warm(roots)
	deadline := time.Now().Add(10 * time.Second)
	for srv.count("GET /simple/b/") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("b's page was not warmed")
		}
		time.Sleep(time.Millisecond)
	}
	if n := srv.count("GET /files/a-2.0"); n != 1 {
		t.Errorf("a 2.0 fetched %d times, want 1", n)
	}
	if n := srv.count("GET /files/a-3.0b1") + srv.count("GET /files/a-1.0") + srv.count("GET /files/native"); n != 0 {
		t.Errorf("%d fetches of files that were not to be warmed", n)
	}
	if n := srv.count("GET /simple/c/"); n != 0 {
		t.Error("the page of a requirement with a marker was warmed")
	}
	if err := fd.SetTarget(target); err != nil {
		t.Fatal(err)
	}
	before := srv.count("")
	sol, err := resolveWith(t, fd, "a<3", "native")
	if err != nil {
		t.Fatal(err)
	}
	if got := pins(sol); got != "a==2.0 b==1.0 native==1.0" {
		t.Errorf("got %s", got)
	}
	// What was warmed is not fetched again.
	if n := srv.count("GET /simple/a/") + srv.count("GET /simple/b/") + srv.count("GET /files/a-2.0"); n != 3 {
		t.Errorf("warmed requests repeated: %d, want 3 (requests after warm-up: %d)", n, srv.count("")-before)
	}
}
