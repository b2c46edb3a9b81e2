package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Cache stores index pages and metadata under a directory, by default
// os.UserCacheDir()/bundle. A nil *Cache caches nothing. Errors are
// ignored: a cache is optional.
//
// It stores in one of two ways:
//   - by default, Put writes one file per entry, KIND/KE/KEY (KE: the
//     key's first two characters), atomically (temp file + rename);
//   - between Open and Close, Put keeps the entries in memory and Close
//     writes them all at once as one pack file, packs/TIME-RANDOM.pack,
//     also atomically; Get reads the packs that Open found and the
//     entries Put so far.
//
// Packs exist because creating files was most of a cold pin's CPU time:
// hundreds of entries (a page per project, metadata per version), each a
// new inode, which costs 15 to 300 µs on ext4 (the more files were
// deleted recently, the more). A pin writes one pack instead. When a
// newer pack holds an entry too, its value wins. Close merges every pack
// into one when there would be more than maxPacks, so that Open reads a
// bounded number of them. Concurrent pins share packs safely: a pack is
// never changed once written, an open pack stays readable after another
// process's merge removes it (on Unix), and two merges at once only
// leave a duplicate for the next merge.
type Cache struct {
	Dir string

	mu      sync.Mutex
	open    bool
	packs   []*packFile        // oldest first
	index   map[string]packRef // kind + "/" + key -> where, newest pack's
	pending map[string][]byte  // kind + "/" + key -> data Close writes
}

// maxPacks is the number of packs beyond which Close merges them.
const maxPacks = 8

type packFile struct {
	f    *os.File
	path string
}

type packRef struct {
	p      *packFile
	off, n int64
	crc    uint32
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
	c.mu.Lock()
	if c.open {
		name := kind + "/" + key
		data, ok := c.pending[name]
		ref, inPack := c.index[name]
		c.mu.Unlock()
		if ok {
			return data, true
		}
		if inPack {
			return ref.read()
		}
		return nil, false
	}
	c.mu.Unlock()
	data, err := os.ReadFile(c.path(kind, key))
	return data, err == nil
}

// Put stores data under kind/key; errors are ignored (a cache is
// optional). The caller must not change data afterwards.
func (c *Cache) Put(kind, key string, data []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if c.open {
		c.pending[kind+"/"+key] = data
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
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
