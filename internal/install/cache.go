package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Cache holds unpacked wheels, keyed by the sha256 of the wheel file,
// under Dir/wheels-v1/XX/SHA256/ (XX the first two hex digits): files/
// with the members as unpacked, and manifest.json. An entry is built in a
// temporary directory and renamed into place, so a reader sees it whole or
// not at all, and concurrent syncs share the cache safely.
//
// Install hard-links (or copies) an entry's files into a virtualenv, so
// a file edited in place in a virtualenv would change the cached copy:
// Entry.Check notices that (by size and modification time) and the entry
// is then unpacked again.
type Cache struct {
	Dir string
}

// Entry is one unpacked wheel in a Cache.
type Entry struct {
	// Dir is the entry's directory; the members are under Dir/files.
	Dir      string
	Manifest *Manifest
}

// ErrCacheCorrupt: a cached file no longer matches its manifest.
var ErrCacheCorrupt = errors.New("cached wheel changed since it was unpacked")

func (c *Cache) entryDir(sum string) string {
	return filepath.Join(c.Dir, "wheels-v1", sum[:2], sum)
}

// Lookup returns the entry for the wheel with the given hex sha256.
func (c *Cache) Lookup(sum string) (*Entry, bool) {
	if c == nil || len(sum) < 2 {
		return nil, false
	}
	dir := c.entryDir(sum)
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, false
	}
	var m Manifest
	if json.Unmarshal(data, &m) != nil || m.SHA256 != sum {
		return nil, false
	}
	return &Entry{Dir: dir, Manifest: &m}, true
}

// Add unpacks a wheel whose sha256 the caller has verified (see Unpack)
// and returns its entry. When another process added the same wheel
// meanwhile, that entry is returned.
func (c *Cache) Add(r io.ReaderAt, size int64, filename, sum string) (*Entry, error) {
	if len(sum) != 64 || strings.ContainsAny(sum, "/\\.") {
		return nil, fmt.Errorf("bad sha256 %q", sum)
	}
	tmpRoot := filepath.Join(c.Dir, "wheels-v1", "tmp")
	if err := os.MkdirAll(tmpRoot, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(tmpRoot, sum[:12]+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	m, err := Unpack(r, size, filename, sum, tmp)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "manifest.json"), data, 0o644); err != nil {
		return nil, err
	}
	dir := c.entryDir(sum)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if e, ok := c.Lookup(sum); ok {
			return e, nil // another process was faster
		}
		// A broken entry (no manifest): replace it.
		os.RemoveAll(dir)
		if err := os.Rename(tmp, dir); err != nil {
			return nil, err
		}
	}
	return &Entry{Dir: dir, Manifest: m}, nil
}

// Remove deletes the entry of a wheel (a corrupt one, say).
func (c *Cache) Remove(sum string) error {
	if c == nil || len(sum) < 2 {
		return nil
	}
	dir := c.entryDir(sum)
	trash := dir + ".old-" + fmt.Sprint(os.Getpid())
	if err := os.Rename(dir, trash); err != nil {
		return err
	}
	return os.RemoveAll(trash)
}

// Check verifies that every file of the entry still has the size and
// modification time recorded when it was unpacked; a file changed through
// a hard link in a virtualenv gives ErrCacheCorrupt.
func (e *Entry) Check() error {
	for _, f := range e.Manifest.Files {
		fi, err := os.Lstat(e.path(f.Path))
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrCacheCorrupt, f.Path, err)
		}
		if !fi.Mode().IsRegular() || fi.Size() != f.Size || fi.ModTime().UnixNano() != f.MTime {
			return fmt.Errorf("%w: %s", ErrCacheCorrupt, f.Path)
		}
	}
	return nil
}

func (e *Entry) path(member string) string {
	return filepath.Join(e.Dir, "files", filepath.FromSlash(member))
}

// ReadFile returns the content of one member.
func (e *Entry) ReadFile(member string) ([]byte, error) {
	return os.ReadFile(e.path(member))
}
