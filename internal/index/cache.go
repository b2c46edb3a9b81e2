package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Cache stores index pages and metadata under a directory, by default
// os.UserCacheDir()/bundle. Writes are atomic (temp file + rename), so
// concurrent pins share it safely. A nil *Cache caches nothing.
type Cache struct {
	Dir string
}

// DefaultCacheDir returns $BUNDLE_CACHE_DIR, else the user cache
// directory's "bundle" subdirectory.
func DefaultCacheDir(getenv func(string) string) (string, error) {
	if d := getenv("BUNDLE_CACHE_DIR"); d != "" {
		return d, nil
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "bundle"), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "bundle"), nil
}

func keyOf(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])
}

func (c *Cache) path(kind, key string) string {
	return filepath.Join(c.Dir, kind, key[:2], key)
}

// Get returns the bytes stored under kind/key.
func (c *Cache) Get(kind, key string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	data, err := os.ReadFile(c.path(kind, key))
	return data, err == nil
}

// Put stores data under kind/key; errors are ignored (a cache is
// optional).
func (c *Cache) Put(kind, key string, data []byte) {
	if c == nil {
		return
	}
	p := c.path(kind, key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), p) != nil {
		os.Remove(f.Name())
	}
}

// httpEntry is a cached HTTP response.
type httpEntry struct {
	URL          string    `json:"url"`
	ContentType  string    `json:"content_type"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Stored       time.Time `json:"stored"`
	MaxAge       int       `json:"max_age"` // seconds; -1: must revalidate
	Body         []byte    `json:"body"`
}

func (e *httpEntry) fresh(now time.Time) bool {
	return e.MaxAge > 0 && now.Sub(e.Stored) < time.Duration(e.MaxAge)*time.Second
}

// parseMaxAge reads Cache-Control: max-age=N (no-cache, no-store and
// must-revalidate with 0 mean revalidate every time).
func parseMaxAge(cc string) int {
	age := 0
	for _, d := range strings.Split(cc, ",") {
		d = strings.TrimSpace(strings.ToLower(d))
		switch {
		case d == "no-cache" || d == "no-store":
			return -1
		case strings.HasPrefix(d, "max-age="):
			if n, err := strconv.Atoi(strings.TrimPrefix(d, "max-age=")); err == nil {
				age = n
			}
		}
	}
	return age
}

func (c *Cache) getHTTP(key string) *httpEntry {
	data, ok := c.Get("http", key)
	if !ok {
		return nil
	}
	var e httpEntry
	if json.Unmarshal(data, &e) != nil {
		return nil
	}
	return &e
}

func (c *Cache) putHTTP(key string, e *httpEntry) {
	if c == nil {
		return
	}
	data, err := json.Marshal(e)
	if err == nil {
		c.Put("http", key, data)
	}
}
