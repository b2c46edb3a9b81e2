package index

// The project list of an index (its root page, PEP 503 HTML or PEP 691
// JSON), read only to suggest a name when a requirement names a project
// that no source has.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/bundle-wsgi/bundle/internal/resolve"
)

// Limits of a project list. PyPI's root lists about 700,000 projects in
// about 40 MB; the list kept is the normalized names, one a line (about
// 8 MB for PyPI), never the page.
var (
	// namesMaxBytes caps the bytes read from a root page; a longer one
	// is used as far as it was read, and not cached.
	namesMaxBytes int64 = 128 << 20
	// namesMaxCount caps the names kept, likewise.
	namesMaxCount = 2 << 20
	// namesTimeout bounds the time spent on the project lists of a run;
	// past it there is no suggestion.
	namesTimeout = 10 * time.Second
)

// maxNameLen is the longest anchor text taken as a project name.
const maxNameLen = 200

// nameList collects normalized project names, one a line, up to max.
type nameList struct {
	buf       []byte
	n, max    int
	truncated bool
}

// add keeps a project name as written in a list, normalized, unless it
// is not a valid name; false when the list is full.
func (l *nameList) add(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	if bytes.IndexByte(raw, '&') >= 0 {
		raw = []byte(strings.TrimSpace(html.UnescapeString(string(raw))))
	}
	if len(raw) == 0 || len(raw) > maxNameLen || !validName(raw) {
		return true
	}
	if l.n >= l.max {
		l.truncated = true
		return false
	}
	sep := false
	for _, c := range raw {
		switch {
		case c == '-' || c == '_' || c == '.':
			if !sep {
				l.buf = append(l.buf, '-')
			}
			sep = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		sep = false
		l.buf = append(l.buf, c)
	}
	l.buf = append(l.buf, '\n')
	l.n++
	return true
}

// validName is spec.ValidName, without making a string.
func validName(b []byte) bool {
	alnum := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }
	if !alnum(b[0]) || !alnum(b[len(b)-1]) {
		return false
	}
	for _, c := range b {
		if !alnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// scanProjectsHTML reads a PEP 503 root page from r, streaming, and adds
// the text of each anchor to l until it is full. Comments are skipped;
// attribute values may hold '>' when quoted.
func scanProjectsHTML(r io.Reader, l *nameList) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var text []byte
	var nameBuf [16]byte
	inAnchor := false
	for {
		c, err := br.ReadByte()
		if err != nil {
			return eofOK(err)
		}
		if c != '<' {
			if inAnchor && len(text) <= maxNameLen {
				text = append(text, c)
			}
			continue
		}
		if p, _ := br.Peek(3); string(p) == "!--" {
			if err := skipComment(br); err != nil {
				return eofOK(err)
			}
			continue
		}
		name := nameBuf[:0]
		for {
			c, err := br.ReadByte()
			if err != nil {
				return eofOK(err)
			}
			if isNameChar(c) || c == '/' && len(name) == 0 {
				if len(name) < 16 {
					name = append(name, c|0x20) // lower-case ASCII letters
				}
				continue
			}
			br.UnreadByte()
			break
		}
		switch string(name) {
		case "a":
			inAnchor, text = true, text[:0]
		case "/a":
			if inAnchor && !l.add(text) {
				return nil
			}
			inAnchor = false
		}
		if err := skipTag(br); err != nil {
			return eofOK(err)
		}
	}
}

func eofOK(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// skipComment reads up to and including "-->".
func skipComment(br *bufio.Reader) error {
	dashes := 0
	for {
		c, err := br.ReadByte()
		if err != nil {
			return err
		}
		switch {
		case c == '-':
			dashes++
		case c == '>' && dashes >= 2:
			return nil
		default:
			dashes = 0
		}
	}
}

// skipTag reads the rest of a tag up to and including its '>'.
func skipTag(br *bufio.Reader) error {
	var quote byte
	for {
		c, err := br.ReadByte()
		if err != nil {
			return err
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return nil
		}
	}
}

// scanProjectsJSON reads a PEP 691 root page from r, streaming, and adds
// each project's name to l until it is full.
func scanProjectsJSON(r io.Reader, l *nameList) error {
	dec := json.NewDecoder(r)
	bad := func(err error) error { return fmt.Errorf("%w: %w", ErrBadPage, err) }
	if t, err := dec.Token(); err != nil {
		return bad(err)
	} else if t != json.Delim('{') {
		return bad(fmt.Errorf("not an object"))
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		switch t {
		case "meta":
			var m struct {
				APIVersion string `json:"api-version"`
			}
			if err := dec.Decode(&m); err != nil {
				return bad(err)
			}
			if major, _, _ := strings.Cut(m.APIVersion, "."); major != "" && major != "1" {
				return fmt.Errorf("%w: unsupported api-version %s", ErrBadPage, m.APIVersion)
			}
		case "projects":
			if t, err := dec.Token(); err != nil {
				return bad(err)
			} else if t != json.Delim('[') {
				return bad(fmt.Errorf("projects is not an array"))
			}
			for dec.More() {
				var p struct {
					Name string `json:"name"`
				}
				if err := dec.Decode(&p); err != nil {
					return bad(err)
				}
				if !l.add([]byte(p.Name)) {
					return nil
				}
			}
			if _, err := dec.Token(); err != nil {
				return bad(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad(err)
			}
		}
	}
	return nil
}

// scanProjects reads a root page of the given content type.
func scanProjects(r io.Reader, contentType string, l *nameList) error {
	if isJSON(contentType) {
		return scanProjectsJSON(r, l)
	}
	return scanProjectsHTML(r, l)
}

// cutAtCap marks l truncated when the page was cut at namesMaxBytes (lr
// is spent). A JSON page then ends inside a value, which is no error: the
// names read so far serve, as with HTML.
func cutAtCap(err error, lr *io.LimitedReader, l *nameList) error {
	if lr.N > 0 {
		return err
	}
	l.truncated = true
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// namesContentType marks a cached project list.
const namesContentType = "text/x-bundle-project-names"

// projectNames returns the normalized names an index lists at its root,
// one a line, through the cache (ETag, Last-Modified, Cache-Control, as
// pages). It reads the page as a stream, keeps only the names, and stops
// at namesMaxBytes or namesMaxCount (such a list is used but not cached).
func (f *fetcher) projectNames(ctx context.Context, base string) ([]byte, error) {
	raw := strings.TrimRight(base, "/") + "/"
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	l := &nameList{max: namesMaxCount}
	if u.Scheme == "file" {
		pg, err := readLocal(u)
		if err != nil {
			return nil, err
		}
		lr := &io.LimitedReader{R: bytes.NewReader(pg.body), N: namesMaxBytes}
		return l.buf, cutAtCap(scanProjects(lr, pg.contentType, l), lr, l)
	}
	key := keyOf("project-names", redact(raw), acceptSimple)
	cached := f.cache.getHTTP(key)
	if cached != nil && cached.ContentType != namesContentType {
		cached = nil
	}
	resp, err := f.revalidate(ctx, raw, acceptSimple, key, cached)
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return cached.Body, nil
	}
	defer resp.Body.Close()
	lr := &io.LimitedReader{R: resp.Body, N: namesMaxBytes}
	if err := cutAtCap(scanProjects(lr, resp.Header.Get("Content-Type"), l), lr, l); err != nil {
		return nil, fmt.Errorf("%s: %w", redact(raw), err)
	}
	e := &httpEntry{URL: resp.Request.URL.String(), ContentType: namesContentType, ETag: resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"), Stored: f.now(), MaxAge: parseMaxAge(resp.Header.Get("Cache-Control")), Body: l.buf}
	if !l.truncated && e.MaxAge >= 0 {
		f.cache.putHTTP(key, e)
	}
	return l.buf, nil
}

// closestName returns the name closest to name (see resolve.Closest)
// among the find-links names and the indexes' lists, preferring the
// find-links ones; "" when none is close.
func closestName(name string, local []string, lists [][]byte) string {
	local = append([]string(nil), local...)
	sort.Strings(local)
	if s := resolve.Closest(name, local); s != "" {
		return s
	}
	// Only names of about the same length can be close: the others are
	// skipped at once. No string is made of the names compared.
	limit := max(2, len(name)/3)
	var best []byte
	bestD := 0
	for _, l := range lists {
		for len(l) > 0 {
			i := bytes.IndexByte(l, '\n')
			if i < 0 {
				i = len(l)
			}
			if d := i - len(name); d <= limit && -d <= limit {
				k := l[:i]
				if d := resolve.EditDistance(name, k); d > 0 && d <= limit &&
					(best == nil || d < bestD || d == bestD && bytes.Compare(k, best) < 0) {
					best, bestD = k, d
				}
			}
			l = l[min(i+1, len(l)):]
		}
	}
	return string(best)
}
