package index

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// acceptSimple asks for PEP 691 JSON first, then PEP 503 HTML.
const acceptSimple = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

// errNoPage: the server has no such page (404 or 410), or the file does
// not exist.
var errNoPage = errors.New("no such page")

type fetcher struct {
	client  *http.Client
	cache   *Cache
	offline bool
	refresh bool
	netrc   *Netrc
	now     func() time.Time

	mu    sync.Mutex
	creds map[string][2]string // host:port -> user, password seen in a URL
}

type page struct {
	body        []byte
	contentType string
	url         *url.URL // after redirects
}

// redact removes the password from a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// request builds a GET with credentials from the URL or netrc; the URL's
// user info is moved to an Authorization header.
func (f *fetcher) request(ctx context.Context, raw string) (*http.Request, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	user, pass, hasAuth := "", "", false
	// As pip does, credentials given in an index URL also serve the
	// other URLs of that host (the files the index links to).
	f.mu.Lock()
	if f.creds == nil {
		f.creds = map[string][2]string{}
	}
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
		hasAuth = true
		u.User = nil
		f.creds[u.Host] = [2]string{user, pass}
	} else if c, ok := f.creds[u.Host]; ok {
		user, pass, hasAuth = c[0], c[1], true
	} else if lu, lp, ok := f.netrc.Lookup(u.Hostname()); ok {
		user, pass, hasAuth = lu, lp, true
	}
	f.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if hasAuth {
		req.SetBasicAuth(user, pass)
	}
	req.Header.Set("User-Agent", "bundle-pin")
	return req, nil
}

// get fetches a page (an index or find-links page, or a metadata file)
// through the cache. file: URLs read the file system; a directory gives
// its index.html, or a listing of its files.
func (f *fetcher) get(ctx context.Context, raw, accept string) (*page, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "file" {
		return readLocal(u)
	}
	key := keyOf(redact(raw), accept)
	cached := f.cache.getHTTP(key)
	resp, err := f.revalidate(ctx, raw, accept, key, cached)
	if err != nil {
		return nil, err
	}
	if resp == nil {
		cu, _ := url.Parse(cached.URL)
		return &page{body: cached.Body, contentType: cached.ContentType, url: cu}, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", redact(raw), err)
	}
	final := resp.Request.URL
	e := &httpEntry{URL: final.String(), ContentType: resp.Header.Get("Content-Type"), ETag: resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"), Stored: f.now(), MaxAge: parseMaxAge(resp.Header.Get("Cache-Control")), Body: body}
	if e.MaxAge >= 0 {
		f.cache.putHTTP(key, e)
	}
	return &page{body: body, contentType: e.ContentType, url: final}, nil
}

// revalidate decides between cached (the cache entry under key, or nil)
// and the server for raw. It returns a nil response when cached is to be
// used: it is fresh, or --offline, or the server answered 304 (then its
// freshness is renewed in the cache). Otherwise it returns the server's
// 200 response, for the caller to read and close. Without a usable entry,
// --offline is ErrOffline; 404 and 410 are errNoPage.
func (f *fetcher) revalidate(ctx context.Context, raw, accept, key string, cached *httpEntry) (*http.Response, error) {
	if cached != nil && (f.offline || !f.refresh && cached.fresh(f.now())) {
		return nil, nil
	}
	if f.offline {
		return nil, fmt.Errorf("%s: %w", redact(raw), ErrOffline)
	}
	req, err := f.request(ctx, raw)
	if err != nil {
		return nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if cached != nil && !f.refresh {
		if cached.ETag != "" {
			req.Header.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			req.Header.Set("If-Modified-Since", cached.LastModified)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", redact(raw), err)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		return resp, nil
	case resp.StatusCode == http.StatusNotModified && cached != nil:
		resp.Body.Close()
		cached.Stored = f.now()
		cached.MaxAge = parseMaxAge(resp.Header.Get("Cache-Control"))
		f.cache.putHTTP(key, cached)
		return nil, nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		resp.Body.Close()
		return nil, errNoPage
	default:
		resp.Body.Close()
		return nil, fmt.Errorf("fetching %s: %w %s", redact(raw), ErrHTTP, resp.Status)
	}
}

// readLocal reads a file: URL.
func readLocal(u *url.URL) (*page, error) {
	p := filepath.FromSlash(u.Path)
	fi, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errNoPage
		}
		return nil, err
	}
	if !fi.IsDir() {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		ct := "text/html"
		if strings.HasSuffix(p, ".json") {
			ct = "application/vnd.pypi.simple.v1+json"
		} else if strings.HasSuffix(p, ".metadata") {
			ct = "text/plain"
		}
		return &page{body: data, contentType: ct, url: u}, nil
	}
	dirURL := *u
	if !strings.HasSuffix(dirURL.Path, "/") {
		dirURL.Path += "/"
	}
	if data, err := os.ReadFile(filepath.Join(p, "index.html")); err == nil {
		return &page{body: data, contentType: "text/html", url: &dirURL}, nil
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&b, "<a href=\"%s\">%s</a>\n", html.EscapeString(url.PathEscape(n)), html.EscapeString(n))
	}
	return &page{body: b.Bytes(), contentType: "text/html", url: &dirURL}, nil
}

// isJSON reports whether a content type is PEP 691 JSON.
func isJSON(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/vnd.pypi.simple.v1+json" || mt == "application/json"
}

// download fetches a whole file (not cached: callers cache what they
// derive from it).
func (f *fetcher) download(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "file" {
		return os.ReadFile(filepath.FromSlash(u.Path))
	}
	if f.offline {
		return nil, fmt.Errorf("%s: %w", redact(raw), ErrOffline)
	}
	req, err := f.request(ctx, raw)
	if err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", redact(raw), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: %w %s", redact(raw), ErrHTTP, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<30))
}

// rangeReader is an io.ReaderAt over a remote file, backed by HTTP range
// requests, for reading a wheel's central directory and METADATA member
// without downloading the wheel.
type rangeReader struct {
	ctx    context.Context
	f      *fetcher
	url    string
	size   int64
	blocks map[int64][]byte // offset -> data
	// Requests counts range requests made.
	requests int
}

const tailSize = 64 << 10

// openRange asks for the last tailSize bytes. ok is false when the server
// ignores ranges; whole then holds the complete file when it sent it.
func (f *fetcher) openRange(ctx context.Context, raw string) (r *rangeReader, whole []byte, err error) {
	if f.offline {
		return nil, nil, fmt.Errorf("%s: %w", redact(raw), ErrOffline)
	}
	req, err := f.request(ctx, raw)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Range", "bytes=-"+strconv.Itoa(tailSize))
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("fetching %s: %w", redact(raw), err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<30))
		return nil, data, err
	case http.StatusPartialContent:
	default:
		return nil, nil, fmt.Errorf("fetching %s: %w %s", redact(raw), ErrHTTP, resp.Status)
	}
	start, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
	if !ok {
		return nil, nil, fmt.Errorf("fetching %s: bad Content-Range %q", redact(raw), resp.Header.Get("Content-Range"))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, tailSize+1))
	if err != nil {
		return nil, nil, err
	}
	r = &rangeReader{ctx: ctx, f: f, url: raw, size: total, blocks: map[int64][]byte{start: data}, requests: 1}
	return r, nil, nil
}

func parseContentRange(s string) (start, total int64, ok bool) {
	s, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	a, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err1 := strconv.ParseInt(a, 10, 64)
	total, err2 := strconv.ParseInt(tot, 10, 64)
	return start, total, err1 == nil && err2 == nil
}

func (r *rangeReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	for bo, b := range r.blocks {
		if off >= bo && off+int64(len(p)) <= bo+int64(len(b)) {
			return copy(p, b[off-bo:]), nil
		}
	}
	end := min(off+max(int64(len(p)), tailSize), r.size) - 1
	req, err := r.f.request(r.ctx, r.url)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", off, end))
	resp, err := r.f.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		return 0, fmt.Errorf("range request %s: %w %s", redact(r.url), ErrHTTP, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, end-off+1))
	if err != nil {
		return 0, err
	}
	r.requests++
	r.blocks[off] = data
	n := copy(p, data)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
