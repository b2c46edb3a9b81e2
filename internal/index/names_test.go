package index

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bundle-wsgi/bundle/internal/resolve"
)

func TestScanProjects(t *testing.T) {
	for _, tt := range []struct {
		name, ct, page string
		max            int
		want           string // names, space-separated
		truncated      bool
		wantErr        bool
	}{
		{name: "html", ct: "text/html", page: `<!DOCTYPE html><html><body>
<a href="/simple/flask/">Flask</a><br/>
<A HREF='/simple/zope-interface/'>zope.interface</A>
<a href="/simple/a/" title="x > y">A_b</a>
<!-- <a href="/simple/hidden/">hidden</a> -->
<a href="/simple/sp/">  spaced  </a>
<a href="/simple/amp/">amp&amp;x</a>
<a href="/simple/ent/">caf&#65;</a>
<a href="/simple/bad/">-bad-</a>
<a href="/simple/nested/"><b>nested</b></a>
<area href="/x">area</area>
</body></html>`, max: 100, want: "flask zope-interface a-b spaced cafa nested"},
		{name: "html truncated", ct: "text/html", page: `<a>one</a><a>two</a><a>three</a>`, max: 2, want: "one two", truncated: true},
		{name: "html unterminated", ct: "text/html", page: `<a>one</a><a>two`, max: 10, want: "one"},
		{name: "html long name", ct: "text/html", page: "<a>" + strings.Repeat("x", maxNameLen+1) + "</a><a>ok</a>", max: 10, want: "ok"},
		{name: "json", ct: "application/vnd.pypi.simple.v1+json", page: `{"meta":{"api-version":"1.1","_last-serial":1},"projects":[{"name":"Flask","_last-serial":3},{"name":"zope.interface"},{"name":""},{"name":"-x"}],"extra":[1,2]}`,
			max: 100, want: "flask zope-interface"},
		{name: "json projects first", ct: "application/json", page: `{"projects":[{"name":"b"}],"meta":{"api-version":"1.0"}}`, max: 100, want: "b"},
		{name: "json truncated", ct: "application/vnd.pypi.simple.v1+json", page: `{"projects":[{"name":"a"},{"name":"b"},{"name":"c"}]}`, max: 1, want: "a", truncated: true},
		{name: "json api 2", ct: "application/vnd.pypi.simple.v1+json", page: `{"meta":{"api-version":"2.0"},"projects":[]}`, max: 10, wantErr: true},
		{name: "json not object", ct: "application/vnd.pypi.simple.v1+json", page: `[]`, max: 10, wantErr: true},
		{name: "json bad project", ct: "application/vnd.pypi.simple.v1+json", page: `{"projects":["flask"]}`, max: 10, wantErr: true},
		{name: "json cut", ct: "application/vnd.pypi.simple.v1+json", page: `{"projects":[{"name":"a"},`, max: 10, wantErr: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := &nameList{max: tt.max}
			err := scanProjects(strings.NewReader(tt.page), tt.ct, l)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrBadPage) {
					t.Errorf("err %v does not wrap ErrBadPage", err)
				}
				return
			}
			if got := strings.Join(strings.Fields(string(l.buf)), " "); got != tt.want || l.truncated != tt.truncated || l.n != len(strings.Fields(tt.want)) {
				t.Errorf("got %q truncated=%v n=%d, want %q truncated=%v", got, l.truncated, l.n, tt.want, tt.truncated)
			}
		})
	}
}

// missing resolves a name no source has and returns the error text.
func missing(t *testing.T, fd *Finder, name string) string {
	t.Helper()
	_, err := resolveWith(t, fd, name)
	if !errors.Is(err, resolve.ErrNoSolution) {
		t.Fatalf("%s: err = %v, want no solution", name, err)
	}
	return err.Error()
}

// TestSuggestFromIndex: a name no source has gets the closest name of
// the index's project list (PEP 503 HTML or PEP 691 JSON, as negotiated),
// fetched only on a miss and only once a run.
func TestSuggestFromIndex(t *testing.T) {
	for _, js := range []bool{false, true} {
		t.Run(fmt.Sprintf("json=%v", js), func(t *testing.T) {
			srv := newServer(t, universe, func(s *server) {
				s.json = js
				s.extra = []string{"requests", "zope-interface", "request"}
			})
			fd, _ := NewFinder(Config{IndexURLs: []string{srv.URL + "/simple"}, Target: target})
			defer fd.Close()
			if _, err := resolveWith(t, fd, "web"); err != nil {
				t.Fatal(err)
			}
			if n := countExact(srv, "GET /simple/"); n != 0 {
				t.Errorf("the project list was fetched %d times without a miss", n)
			}
			for _, tt := range []struct{ name, suggest string }{
				{"reqeusts", " (did you mean requests?)"}, // a transposition is one edit
				{"zope-interfce", " (did you mean zope-interface?)"},
				{"helpr", " (did you mean helper?)"},
				{"something-else-entirely", ""},
			} {
				want := "there is no distribution named " + tt.name + " on " + srv.URL + "/simple" + tt.suggest + "."
				if got := missing(t, fd, tt.name); !strings.Contains(got, want) {
					t.Errorf("got %s\nwant it to contain %s", got, want)
				}
			}
			if n := countExact(srv, "GET /simple/"); n != 1 {
				t.Errorf("the project list was fetched %d times, want 1", n)
			}
		})
	}
}

func countExact(s *server, line string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r == line {
			n++
		}
	}
	return n
}

// TestSuggestSources: the find-links names come first; several indexes
// are all searched.
func TestSuggestSources(t *testing.T) {
	a := newServer(t, []release{{name: "alpha", version: "1.0"}})
	b := newServer(t, []release{{name: "beta", version: "1.0"}}, func(s *server) { s.json = true })
	dir := t.TempDir()
	fd, _ := NewFinder(Config{IndexURLs: []string{a.URL + "/simple", b.URL + "/simple"}, FindLinks: []string{dir}, Target: target})
	defer fd.Close()
	if got := missing(t, fd, "betta"); !strings.Contains(got, "(did you mean beta?)") {
		t.Errorf("second index: %s", got)
	}
	if got := missing(t, fd, "alpah"); !strings.Contains(got, "(did you mean alpha?)") {
		t.Errorf("first index: %s", got)
	}
	// A file: index: its directories are its projects.
	root := t.TempDir()
	for _, d := range []string{"gamma", "delta"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	fd2, _ := NewFinder(Config{IndexURLs: []string{"file://" + filepath.ToSlash(root)}, Target: target})
	defer fd2.Close()
	if got := missing(t, fd2, "gama"); !strings.Contains(got, "(did you mean gamma?)") {
		t.Errorf("file index: %s", got)
	}
}

// TestSuggestCache: the project list goes through the cache like pages:
// revalidated with its ETag, not fetched while fresh.
func TestSuggestCache(t *testing.T) {
	srv := newServer(t, []release{{name: "requests", version: "1.0"}})
	cache := t.TempDir()
	run := func(cfg Config) string {
		t.Helper()
		cfg.IndexURLs, cfg.Target, cfg.CacheDir = []string{srv.URL + "/simple"}, target, cache
		fd, _ := NewFinder(cfg)
		defer fd.Close()
		return missing(t, fd, "reqests")
	}
	const want = "(did you mean requests?)"
	if got := run(Config{}); !strings.Contains(got, want) {
		t.Fatalf("cold: %s", got)
	}
	if got := run(Config{}); !strings.Contains(got, want) || srv.etagHits != 1 {
		t.Errorf("warm: %s; %d revalidations, want 1", got, srv.etagHits)
	}
	if got := run(Config{Refresh: true}); !strings.Contains(got, want) || srv.etagHits != 1 {
		t.Errorf("refresh: %s; %d revalidations, want 1", got, srv.etagHits)
	}
	// A fresh list (max-age) is not fetched again.
	fresh := newServer(t, []release{{name: "requests", version: "1.0"}}, func(s *server) { s.maxAge = 600 })
	cache = t.TempDir()
	for range 2 {
		fd, _ := NewFinder(Config{IndexURLs: []string{fresh.URL + "/simple"}, Target: target, CacheDir: cache})
		if got := missing(t, fd, "reqests"); !strings.Contains(got, want) {
			t.Errorf("max-age: %s", got)
		}
		fd.Close()
	}
	if n := countExact(fresh, "GET /simple/"); n != 1 {
		t.Errorf("a fresh list was fetched %d times", n)
	}
}

// TestSuggestBounded: a root page that is huge, slow, missing or broken
// costs a bounded time and memory, and never an error other than the
// miss itself.
func TestSuggestBounded(t *testing.T) {
	defer func(b int64, n int, d time.Duration) { namesMaxBytes, namesMaxCount, namesTimeout = b, n, d }(namesMaxBytes, namesMaxCount, namesTimeout)
	namesMaxBytes, namesMaxCount, namesTimeout = 1<<20, 1000, 500*time.Millisecond
	endless := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<a>requests</a>\n")
		for i := 0; r.Context().Err() == nil; i++ {
			if _, err := fmt.Fprintf(w, "<a>project-%d</a>\n", i); err != nil {
				return
			}
		}
	}
	for _, tt := range []struct {
		name    string
		root    http.HandlerFunc
		suggest bool
	}{
		{"endless, cut at the count cap", endless, true},
		{"endless JSON, cut", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			fmt.Fprint(w, `{"projects":[{"name":"requests"}`)
			for i := 0; r.Context().Err() == nil; i++ {
				if _, err := fmt.Fprintf(w, `,{"name":"p%d","_last-serial":%d}`, i, i); err != nil {
					return
				}
			}
		}, true},
		{"endless JSON, cut at the byte cap", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			fmt.Fprint(w, `{"projects":[{"name":"requests"}`)
			pad := strings.Repeat("x", 4<<10)
			for i := 0; r.Context().Err() == nil; i++ {
				if _, err := fmt.Fprintf(w, `,{"name":"p%d","pad":"%s"}`, i, pad); err != nil {
					return
				}
			}
		}, true},
		{"cut at the byte cap", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "<a>requests</a><!--")
			pad := strings.Repeat("x", 64<<10)
			for r.Context().Err() == nil {
				if _, err := fmt.Fprint(w, pad); err != nil {
					return
				}
			}
		}, true},
		{"hangs", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<a>requests</a>")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, false},
		{"not found", http.NotFound, false},
		{"server error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 500) }, false},
		{"bad JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			fmt.Fprint(w, `{"projects":[{"name":"requests"},`)
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, []release{{name: "other", version: "1.0"}}, func(s *server) { s.root = tt.root })
			cache := t.TempDir()
			fd, _ := NewFinder(Config{IndexURLs: []string{srv.URL + "/simple"}, Target: target, CacheDir: cache})
			start := time.Now()
			got := missing(t, fd, "reqests")
			fd.Close()
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s", d)
			}
			if !strings.Contains(got, "there is no distribution named reqests on "+srv.URL+"/simple") ||
				strings.Contains(got, "(did you mean requests?)") != tt.suggest {
				t.Errorf("got %s, want a suggestion: %v", got, tt.suggest)
			}
			if n := cacheEntries(t, cache, "http"); n != 0 {
				t.Errorf("%d cache entries: a partial or failed list was cached", n)
			}
		})
	}
}

// BenchmarkProjectListPyPISize scans a root page of PyPI's size (700,000
// projects, about 40 MB of HTML) and finds a suggestion in it.
func BenchmarkProjectListPyPISize(b *testing.B) {
	var page strings.Builder
	for i := range 700_000 {
		n := fmt.Sprintf("project-%x-%d", i*2654435761%1000003, i)
		fmt.Fprintf(&page, "    <a href=\"/simple/%s/\">%s</a>\n", n, n)
	}
	s := page.String()
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		l := &nameList{max: namesMaxCount}
		if err := scanProjects(strings.NewReader(s), "text/html", l); err != nil || l.n != 700_000 {
			b.Fatal(err, l.n)
		}
		if got := closestName("project-10-1x", nil, [][]byte{l.buf}); got == "" {
			b.Fatal("no suggestion")
		}
	}
}
