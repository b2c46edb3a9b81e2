package index

// The pack files of Cache (see its documentation).
//
// A pack is:
//
//	"bundle-cache-pack 1\n"
//	the entries' data, one after the other
//	the index: for each entry, uvarint length + name ("kind/key"),
//	  uvarint offset, uvarint length, 4 bytes CRC-32 (IEEE, little endian)
//	  of the data
//	a footer of 16 bytes: the index's offset (8 bytes), its CRC-32 (4
//	  bytes), both little endian, and "BPK1"
//
// A pack that does not read back this way is ignored, and so is an entry
// whose data does not match its CRC.

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

const (
	packMagic  = "bundle-cache-pack 1\n"
	packFooter = "BPK1"
	packSuffix = ".pack"
	// packIndexMax bounds the index read from a pack (64 MiB), so that a
	// corrupt footer cannot ask for an absurd allocation.
	packIndexMax = 64 << 20
)

var errBadPack = errors.New("not a valid cache pack")

func (c *Cache) packDir() string { return filepath.Join(c.Dir, "packs") }

// Open reads the index of every pack and makes Put keep entries until
// Close. Calling it on an open Cache does nothing.
func (c *Cache) Open() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open {
		return
	}
	c.open, c.index, c.pending, c.packs = true, map[string]packRef{}, map[string][]byte{}, nil
	ents, err := os.ReadDir(c.packDir())
	if err != nil {
		return
	}
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), packSuffix) && !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names) // oldest first: names start with the time
	for _, n := range names {
		p, refs, err := openPack(filepath.Join(c.packDir(), n))
		if err != nil {
			continue
		}
		c.packs = append(c.packs, p)
		for name, r := range refs {
			c.index[name] = r
		}
	}
}

// Close writes the entries Put since Open as a new pack (merging all
// packs into it when there are too many), closes the packs and makes
// Put write files again.
func (c *Cache) Close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		return
	}
	packs, index, pending := c.packs, c.index, c.pending
	c.open, c.packs, c.index, c.pending = false, nil, nil, nil
	defer func() {
		for _, p := range packs {
			p.f.Close()
		}
	}()
	merge := len(packs) >= maxPacks
	if len(pending) == 0 && !merge {
		return
	}
	entries := map[string]func() ([]byte, bool){}
	if merge {
		for name, r := range index {
			entries[name] = r.read
		}
	}
	for name, data := range pending {
		entries[name] = func() ([]byte, bool) { return data, true }
	}
	if err := writePack(c.packDir(), entries); err != nil || !merge {
		return
	}
	for _, p := range packs {
		p.f.Close()
		os.Remove(p.path)
	}
	removeStaleTemps(c.packDir())
}

func (r packRef) read() ([]byte, bool) {
	data := make([]byte, r.n)
	if _, err := r.p.f.ReadAt(data, r.off); err != nil || crc32.ChecksumIEEE(data) != r.crc {
		return nil, false
	}
	return data, true
}

// openPack opens a pack and reads its index.
func openPack(path string) (*packFile, map[string]packRef, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	refs, err := readPackIndex(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	p := &packFile{f: f, path: path}
	for name, r := range refs {
		r.p = p
		refs[name] = r
	}
	return p, refs, nil
}

func readPackIndex(f *os.File) (map[string]packRef, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size < int64(len(packMagic))+16 {
		return nil, errBadPack
	}
	var foot [16]byte
	if _, err := f.ReadAt(foot[:], size-16); err != nil {
		return nil, err
	}
	ixOff := int64(binary.LittleEndian.Uint64(foot[:8]))
	if string(foot[12:]) != packFooter || ixOff < int64(len(packMagic)) || ixOff > size-16 || size-16-ixOff > packIndexMax {
		return nil, errBadPack
	}
	head := make([]byte, len(packMagic))
	if _, err := f.ReadAt(head, 0); err != nil || string(head) != packMagic {
		return nil, errBadPack
	}
	ix := make([]byte, size-16-ixOff)
	if _, err := f.ReadAt(ix, ixOff); err != nil {
		return nil, err
	}
	if crc32.ChecksumIEEE(ix) != binary.LittleEndian.Uint32(foot[8:12]) {
		return nil, errBadPack
	}
	refs := map[string]packRef{}
	for len(ix) > 0 {
		nameLen, k := binary.Uvarint(ix)
		if k <= 0 || nameLen > uint64(len(ix)-k) {
			return nil, errBadPack
		}
		name := string(ix[k : k+int(nameLen)])
		ix = ix[k+int(nameLen):]
		off, k1 := binary.Uvarint(ix)
		if k1 <= 0 {
			return nil, errBadPack
		}
		n, k2 := binary.Uvarint(ix[k1:])
		if k2 <= 0 || len(ix) < k1+k2+4 {
			return nil, errBadPack
		}
		crc := binary.LittleEndian.Uint32(ix[k1+k2:])
		ix = ix[k1+k2+4:]
		if off < uint64(len(packMagic)) || n > uint64(ixOff) || off > uint64(ixOff)-n {
			return nil, errBadPack
		}
		refs[name] = packRef{off: int64(off), n: int64(n), crc: crc}
	}
	return refs, nil
}

// writePack writes entries (name -> its data) as a new pack in dir,
// atomically. Entries whose data cannot be read are left out.
func writePack(dir string, entries map[string]func() ([]byte, bool)) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	w := bufio.NewWriterSize(tmp, 256<<10)
	w.WriteString(packMagic)
	off := int64(len(packMagic))
	var ix bytes.Buffer
	for _, n := range names {
		data, ok := entries[n]()
		if !ok {
			continue
		}
		w.Write(data)
		ix.Write(binary.AppendUvarint(nil, uint64(len(n))))
		ix.WriteString(n)
		ix.Write(binary.AppendUvarint(nil, uint64(off)))
		ix.Write(binary.AppendUvarint(nil, uint64(len(data))))
		ix.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(data)))
		off += int64(len(data))
	}
	w.Write(ix.Bytes())
	var foot [16]byte
	binary.LittleEndian.PutUint64(foot[:8], uint64(off))
	binary.LittleEndian.PutUint32(foot[8:12], crc32.ChecksumIEEE(ix.Bytes()))
	copy(foot[12:], packFooter)
	w.Write(foot[:])
	werr := w.Flush()
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		return errors.Join(werr, cerr)
	}
	var rnd [4]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("%016x-%s%s", packTime(), hex.EncodeToString(rnd[:]), packSuffix)
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}

var lastPackTime atomic.Int64

// packTime is the time that names a new pack: now, in nanoseconds, but
// always after the previous pack of this process, so that the order of
// names is the order of writes even on a coarse clock.
func packTime() int64 {
	for {
		last, now := lastPackTime.Load(), time.Now().UnixNano()
		if now <= last {
			now = last + 1
		}
		if lastPackTime.CompareAndSwap(last, now) {
			return now
		}
	}
}

// removeStaleTemps removes the temporary files that a process killed
// while writing a pack left, an hour later.
func removeStaleTemps(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".tmp-") {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
