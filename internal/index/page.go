package index

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"path"
	"strings"
)

// Link is one file an index page or find-links location lists.
type Link struct {
	// Filename is the last path segment of the URL, unescaped.
	Filename string
	// URL is the absolute URL, without the fragment.
	URL string
	// Hashes maps algorithms ("sha256") to lower-case hex digests, from
	// the URL fragment (PEP 503) or the JSON "hashes" (PEP 691).
	Hashes map[string]string
	// RequiresPython is data-requires-python / "requires-python".
	RequiresPython string
	// Yanked is PEP 592 data-yanked / "yanked"; YankedReason its text.
	Yanked       bool
	YankedReason string
	// Metadata is true when a PEP 658/714 core metadata file is served at
	// URL + ".metadata"; MetadataHashes are its hashes when given.
	Metadata       bool
	MetadataHashes map[string]string
}

// ParseHTML reads a PEP 503 project page or a find-links page: every
// <a href> with its data-* attributes, resolved against base (and against
// a <base href> in the page).
//
// Hand-written: golang.org/x/net/html would do, but these pages are a flat
// list of anchors, and a tolerant scanner over them avoids a new module
// in the shared go.mod. Attributes follow the HTML rules (quoted or not,
// case-insensitive names, character references decoded).
func ParseHTML(data []byte, base *url.URL) ([]Link, error) {
	s := string(data)
	var links []Link
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j + 1
		if strings.HasPrefix(s[i:], "!--") {
			end := strings.Index(s[i:], "-->")
			if end < 0 {
				break
			}
			i += end + 3
			continue
		}
		nameEnd := i
		for nameEnd < len(s) && isNameChar(s[nameEnd]) {
			nameEnd++
		}
		tag := strings.ToLower(s[i:nameEnd])
		attrs, next := parseAttrs(s, nameEnd)
		i = next
		switch tag {
		case "base":
			if h, ok := attrs["href"]; ok {
				if u, err := base.Parse(h); err == nil {
					base = u
				}
			}
		case "a":
			href, ok := attrs["href"]
			if !ok {
				continue
			}
			u, err := base.Parse(strings.TrimSpace(href))
			if err != nil {
				continue
			}
			l := Link{URL: stripFragment(u), Hashes: fragmentHashes(u.Fragment)}
			l.Filename = filenameOf(u)
			if l.Filename == "" {
				continue
			}
			l.RequiresPython = attrs["data-requires-python"]
			if y, ok := attrs["data-yanked"]; ok {
				l.Yanked, l.YankedReason = true, y
			}
			for _, k := range []string{"data-core-metadata", "data-dist-info-metadata"} {
				if v, ok := attrs[k]; ok && v != "false" {
					l.Metadata = true
					if alg, hex, ok := strings.Cut(v, "="); ok {
						l.MetadataHashes = map[string]string{strings.ToLower(alg): strings.ToLower(hex)}
					}
					break
				}
			}
			links = append(links, l)
		}
	}
	return links, nil
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '!'
}

// parseAttrs reads attributes from s[i:] up to the closing '>', returning
// lower-cased names and decoded values.
func parseAttrs(s string, i int) (map[string]string, int) {
	attrs := map[string]string{}
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '/') {
			i++
		}
		if i >= len(s) {
			break
		}
		if s[i] == '>' {
			return attrs, i + 1
		}
		start := i
		for i < len(s) && !strings.ContainsRune(" \t\n\r\f/>=", rune(s[i])) {
			i++
		}
		name := strings.ToLower(s[start:i])
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
		val := ""
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
				i++
			}
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				q := s[i]
				end := strings.IndexByte(s[i+1:], q)
				if end < 0 {
					val, i = s[i+1:], len(s)
				} else {
					val, i = s[i+1:i+1+end], i+2+end
				}
			} else {
				start := i
				for i < len(s) && !strings.ContainsRune(" \t\n\r\f>", rune(s[i])) {
					i++
				}
				val = s[start:i]
			}
		}
		if name != "" {
			if _, dup := attrs[name]; !dup {
				attrs[name] = html.UnescapeString(val)
			}
		}
	}
	return attrs, len(s)
}

func stripFragment(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

func fragmentHashes(frag string) map[string]string {
	alg, hex, ok := strings.Cut(frag, "=")
	if !ok || hex == "" {
		return nil
	}
	switch alg = strings.ToLower(alg); alg {
	case "sha256", "sha384", "sha512", "sha224", "sha1", "md5":
		return map[string]string{alg: strings.ToLower(hex)}
	}
	return nil
}

func filenameOf(u *url.URL) string {
	p := u.Path
	if p == "" || strings.HasSuffix(p, "/") {
		return ""
	}
	return path.Base(p)
}

// jsonPage is a PEP 691 project page.
type jsonPage struct {
	Meta struct {
		APIVersion string `json:"api-version"`
	} `json:"meta"`
	Name  string `json:"name"`
	Files []struct {
		Filename         string            `json:"filename"`
		URL              string            `json:"url"`
		Hashes           map[string]string `json:"hashes"`
		RequiresPython   *string           `json:"requires-python"`
		Yanked           json.RawMessage   `json:"yanked"`
		CoreMetadata     json.RawMessage   `json:"core-metadata"`
		DistInfoMetadata json.RawMessage   `json:"dist-info-metadata"`
	} `json:"files"`
}

// ParseJSON reads a PEP 691 project page; file URLs are resolved
// against base.
func ParseJSON(data []byte, base *url.URL) ([]Link, error) {
	var p jsonPage
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadPage, err)
	}
	if major, _, _ := strings.Cut(p.Meta.APIVersion, "."); major != "" && major != "1" {
		return nil, fmt.Errorf("%w: unsupported api-version %s", ErrBadPage, p.Meta.APIVersion)
	}
	var links []Link
	for _, f := range p.Files {
		u, err := base.Parse(f.URL)
		if err != nil {
			continue
		}
		l := Link{Filename: f.Filename, URL: stripFragment(u), Hashes: map[string]string{}}
		for k, v := range f.Hashes {
			l.Hashes[strings.ToLower(k)] = strings.ToLower(v)
		}
		if l.Filename == "" {
			l.Filename = filenameOf(u)
		}
		if f.RequiresPython != nil {
			l.RequiresPython = *f.RequiresPython
		}
		var yb bool
		var ys string
		switch {
		case json.Unmarshal(f.Yanked, &yb) == nil:
			l.Yanked = yb
		case json.Unmarshal(f.Yanked, &ys) == nil:
			l.Yanked, l.YankedReason = true, ys
		}
		for _, raw := range []json.RawMessage{f.CoreMetadata, f.DistInfoMetadata} {
			if len(raw) == 0 {
				continue
			}
			var b bool
			var hs map[string]string
			switch {
			case json.Unmarshal(raw, &b) == nil:
				l.Metadata = b
			case json.Unmarshal(raw, &hs) == nil:
				l.Metadata = true
				l.MetadataHashes = map[string]string{}
				for k, v := range hs {
					l.MetadataHashes[strings.ToLower(k)] = strings.ToLower(v)
				}
			}
			break
		}
		links = append(links, l)
	}
	return links, nil
}
