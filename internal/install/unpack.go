package install

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

// Errors of Unpack; test with errors.Is.
var (
	// ErrUnsafePath: a member of the wheel would be written outside its
	// directory (an absolute path, "..", a symlink or a special file).
	ErrUnsafePath = errors.New("unsafe path in wheel")
	// ErrBadWheel: the wheel's layout or metadata is wrong (no single
	// .dist-info directory, names that do not match, a member whose hash
	// differs from RECORD).
	ErrBadWheel = errors.New("invalid wheel")
)

// Manifest describes an unpacked wheel: what Install needs without
// reading the wheel again.
type Manifest struct {
	// Filename is the wheel's file name and SHA256 its hex sha256.
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
	// Name and Version are the METADATA Name (as written) and Version.
	Name    string `json:"name"`
	Version string `json:"version"`
	// RequiresPython is the METADATA Requires-Python ("" when absent).
	RequiresPython string `json:"requires_python,omitempty"`
	// DistInfo is the .dist-info directory, such as "flask-3.1.3.dist-info".
	DistInfo string `json:"dist_info"`
	// RootIsPurelib is the WHEEL file's Root-Is-Purelib.
	RootIsPurelib bool `json:"root_is_purelib"`
	// Files are the regular files of the wheel, in zip order.
	Files []ManifestFile `json:"files"`
	// Scripts are the console and GUI scripts of entry_points.txt.
	Scripts []Script `json:"scripts,omitempty"`
}

// ManifestFile is one unpacked member.
type ManifestFile struct {
	// Path is the member's name in the wheel, "/"-separated.
	Path string `json:"path"`
	// Digest is the urlsafe base64 sha256 of the content (RECORD form).
	Digest string `json:"digest"`
	Size   int64  `json:"size"`
	// Exec is true when the member is executable.
	Exec bool `json:"exec,omitempty"`
	// MTime is the unpacked file's modification time (Unix nanoseconds),
	// to notice a cached file changed after unpacking.
	MTime int64 `json:"mtime"`
}

// dataKeys are the scheme keys allowed under NAME-VERSION.data/.
var dataKeys = map[string]bool{"purelib": true, "platlib": true, "headers": true, "scripts": true, "data": true}

// maxMemberSize bounds one member's uncompressed size (a zip bomb guard).
const maxMemberSize = 4 << 30

// CheckMemberName reports why a zip member name is unsafe to unpack, or
// nil: it must be valid UTF-8 without NUL or "\\", relative (no leading
// "/", no drive letter), and no component may be "", "." or ".." (a
// trailing "/" marks a directory).
func CheckMemberName(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w: %q %s", ErrUnsafePath, name, why) }
	switch {
	case name == "":
		return bad("is empty")
	case !utf8.ValidString(name):
		return bad("is not UTF-8")
	case strings.ContainsRune(name, 0):
		return bad("contains NUL")
	case strings.ContainsRune(name, '\\'):
		return bad("contains a backslash")
	case strings.HasPrefix(name, "/"):
		return bad("is an absolute path")
	case len(name) >= 2 && name[1] == ':':
		return bad("starts with a drive letter")
	}
	for _, c := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		switch c {
		case "..":
			return bad("escapes the target directory")
		case "", ".":
			return bad("has an empty or \".\" component")
		}
	}
	return nil
}

// Unpack checks the wheel in r (size bytes; its file name is filename and
// its verified sha256 sum) and writes its regular files under dest/files,
// which must not exist yet. It refuses, before writing anything, members
// with unsafe names (see CheckMemberName), symlinks and special files, a
// wheel without exactly one .dist-info directory or whose directory,
// METADATA Name or Version does not match the file name, an unknown
// .data/ scheme key, and a WHEEL file of another major version; while
// writing, a member whose sha256 differs from its RECORD row. On error,
// dest may hold a partial tree: callers unpack into a temporary directory.
func Unpack(r io.ReaderAt, size int64, filename, sum, dest string) (*Manifest, error) {
	fn, err := wheel.ParseFilename(filename)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrBadWheel, filename, err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrBadWheel, filename, fmt.Sprintf(format, args...))
	}

	// Check every name and find the .dist-info directory first.
	infoDirs := map[string]bool{}
	seen := map[string]bool{}
	var files []*zip.File
	for _, zf := range zr.File {
		if err := CheckMemberName(zf.Name); err != nil {
			return nil, fmt.Errorf("%s: %w", filename, err)
		}
		mode := zf.Mode()
		if mode&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s: %w: %q is a symlink", filename, ErrUnsafePath, zf.Name)
		}
		if mode&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice|fs.ModeIrregular) != 0 {
			return nil, fmt.Errorf("%s: %w: %q is not a regular file", filename, ErrUnsafePath, zf.Name)
		}
		name := strings.TrimSuffix(zf.Name, "/")
		if seen[name] {
			return nil, bad("%q appears twice", name)
		}
		seen[name] = true
		top, _, _ := strings.Cut(name, "/")
		if strings.HasSuffix(top, ".dist-info") {
			infoDirs[top] = true
		}
		if strings.HasSuffix(zf.Name, "/") || mode.IsDir() {
			continue
		}
		if zf.UncompressedSize64 > maxMemberSize {
			return nil, bad("%q is too large (%d bytes)", zf.Name, zf.UncompressedSize64)
		}
		files = append(files, zf)
	}
	// A file must not also be a directory prefix of another member.
	fileNames := make(map[string]bool, len(files))
	for _, zf := range files {
		fileNames[zf.Name] = true
	}
	for _, zf := range files {
		for d := path.Dir(zf.Name); d != "."; d = path.Dir(d) {
			if fileNames[d] {
				return nil, bad("%q is both a file and a directory", d)
			}
		}
	}
	if len(infoDirs) != 1 {
		return nil, bad("found %d .dist-info directories, want exactly 1", len(infoDirs))
	}
	var info string
	for d := range infoDirs {
		info = d
	}
	stem := strings.TrimSuffix(info, ".dist-info")
	infoName, infoVersion, _ := strings.Cut(stem, "-")
	if spec.NormalizeName(infoName) != fn.Name {
		return nil, bad("its .dist-info directory %s does not belong to %s", info, fn.Name)
	}
	if v, err := spec.ParseVersion(infoVersion); err != nil || !v.Equal(fn.Version) {
		return nil, bad("its .dist-info directory %s is not version %s", info, fn.Version)
	}

	read := func(member string, required bool) ([]byte, error) {
		for _, zf := range files {
			if zf.Name == member {
				rc, err := zf.Open()
				if err != nil {
					return nil, bad("%s: %v", member, err)
				}
				defer rc.Close()
				data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
				if err != nil {
					return nil, bad("%s: %v", member, err)
				}
				return data, nil
			}
		}
		if required {
			return nil, bad("no %s", member)
		}
		return nil, nil
	}
	wheelData, err := read(info+"/WHEEL", true)
	if err != nil {
		return nil, err
	}
	wf, err := ParseWheelFile(wheelData)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	metaData, err := read(info+"/METADATA", true)
	if err != nil {
		return nil, err
	}
	meta, err := wheel.ParseMetadata(metaData)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	if spec.NormalizeName(meta.Name) != fn.Name || !meta.Version.Equal(fn.Version) {
		return nil, bad("its METADATA names %s %s", meta.Name, meta.Version)
	}
	recData, err := read(info+"/RECORD", true)
	if err != nil {
		return nil, err
	}
	record, err := ParseRecord(recData)
	if err != nil {
		return nil, fmt.Errorf("%s: %s/RECORD: %w", filename, info, err)
	}
	want := map[string]RecordEntry{}
	for _, e := range record {
		want[e.Path] = e
	}
	epData, err := read(info+"/entry_points.txt", false)
	if err != nil {
		return nil, err
	}
	var scripts []Script
	if epData != nil {
		eps, err := ParseEntryPoints(epData)
		if err != nil {
			return nil, bad("entry_points.txt: %v", err)
		}
		if scripts, err = Scripts(eps); err != nil {
			return nil, fmt.Errorf("%s: %w", filename, err)
		}
	}
	for _, zf := range files {
		top, rest, _ := strings.Cut(zf.Name, "/")
		if !strings.HasSuffix(top, ".data") {
			continue
		}
		if top != stem+".data" {
			return nil, bad("%q: the .data directory must be %s.data", zf.Name, stem)
		}
		key, sub, ok := strings.Cut(rest, "/")
		if !ok || sub == "" {
			return nil, bad("%q: .data/ members must be named .data/SCHEME/PATH", zf.Name)
		}
		if !dataKeys[key] {
			return nil, bad("%q: unknown scheme key %q (want purelib, platlib, headers, scripts or data)", zf.Name, key)
		}
	}

	m := &Manifest{
		Filename: filename, SHA256: sum, Name: meta.Name, Version: meta.Version.String(),
		RequiresPython: meta.RequiresPython, DistInfo: info, RootIsPurelib: wf.RootIsPurelib, Scripts: scripts,
	}
	root := filepath.Join(dest, "files")
	if err := os.MkdirAll(filepath.Dir(root), 0o755); err != nil {
		return nil, err
	}
	if err := os.Mkdir(root, 0o755); err != nil {
		return nil, err
	}
	made := map[string]bool{root: true}
	for _, zf := range files {
		p := filepath.Join(root, filepath.FromSlash(zf.Name))
		if dir := filepath.Dir(p); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
			made[dir] = true
		}
		exec := zf.Mode()&0o111 != 0
		mf, err := extract(zf, p, exec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filename, err)
		}
		if e, ok := want[zf.Name]; ok && e.Algo == "sha256" && e.Digest != mf.Digest {
			return nil, bad("%s: its sha256 is %s, RECORD says %s", zf.Name, mf.Digest, e.Digest)
		}
		if e, ok := want[zf.Name]; ok && e.Algo == "sha256" && e.Size >= 0 && e.Size != mf.Size {
			return nil, bad("%s: its size is %d, RECORD says %d", zf.Name, mf.Size, e.Size)
		}
		m.Files = append(m.Files, mf)
	}
	return m, nil
}

// extract writes one member to p, hashing it.
func extract(zf *zip.File, p string, exec bool) (ManifestFile, error) {
	mf := ManifestFile{Path: zf.Name, Exec: exec}
	rc, err := zf.Open()
	if err != nil {
		return mf, fmt.Errorf("%w: %s: %v", ErrBadWheel, zf.Name, err)
	}
	defer rc.Close()
	perm := os.FileMode(0o644)
	if exec {
		perm = 0o755
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return mf, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(rc, int64(zf.UncompressedSize64)+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return mf, fmt.Errorf("%w: %s: %v", ErrBadWheel, zf.Name, err)
	}
	if uint64(n) != zf.UncompressedSize64 {
		return mf, fmt.Errorf("%w: %s: size %d differs from the zip directory's %d", ErrBadWheel, zf.Name, n, zf.UncompressedSize64)
	}
	fi, err := os.Lstat(p)
	if err != nil {
		return mf, err
	}
	mf.Size = n
	mf.Digest = base64.RawURLEncoding.EncodeToString(h.Sum(nil))
	mf.MTime = fi.ModTime().UnixNano()
	return mf, nil
}
