package install

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
)

// Target is where Install puts a wheel's files: the directories of a
// virtualenv's install scheme, all absolute and inside Root.
type Target struct {
	// Root is the virtualenv; nothing is written or removed outside it.
	Root string
	// Purelib, Platlib, Scripts and Data are the scheme's directories.
	Purelib, Platlib, Scripts, Data string
	// Headers is the directory for headers; the distribution's name is
	// appended (pip's include/site/pythonX.Y/NAME in a virtualenv).
	Headers string
	// Python is the interpreter named in the shebang of scripts.
	Python string
	// StateDir holds the journal of operations in progress and their
	// staging and trash directories; it must be inside Root.
	StateDir string
}

// LinkMode says how files get from the cache into the virtualenv.
type LinkMode int

const (
	// LinkHardlink hard-links files, falling back to copies where the
	// file system cannot (another device, no hard links).
	LinkHardlink LinkMode = iota
	// LinkCopy always copies.
	LinkCopy
)

// Linker places cached files; one is shared by the installs of a sync so
// that a failed hard link is tried only once.
type Linker struct {
	Mode     LinkMode
	noLinks  atomic.Bool
	linked   atomic.Int64
	copied   atomic.Int64
	fallback atomic.Value // error: why hard links were given up
}

// Stats returns how many files were hard-linked and copied, and why hard
// links were given up (nil when they were not).
func (l *Linker) Stats() (linked, copied int64, fallback error) {
	err, _ := l.fallback.Load().(error)
	return l.linked.Load(), l.copied.Load(), err
}

// Options are the choices of one Install.
type Options struct {
	// Installer is written to INSTALLER. Default "bundle".
	Installer string
	// Requested writes REQUESTED: the distribution was asked for directly.
	Requested bool
	// Linker places the files. Default: a hard-linking Linker.
	Linker *Linker
	// BeforeCommit, when set, runs after every file is in place and
	// before the .dist-info directory is renamed in; an error aborts the
	// install, leaving it for Recover to roll back (tests use it to
	// interrupt an install).
	BeforeCommit func() error
}

// Installed is what Install did.
type Installed struct {
	// DistInfo is the .dist-info directory installed.
	DistInfo string
	// Files are every file installed (absolute), the .dist-info's
	// included.
	Files []string
	// Python are the .py files installed in purelib or platlib, for
	// bytecode compilation.
	Python []string
}

// ErrUnsafeTarget: a file of the wheel would land outside the target.
var ErrUnsafeTarget = errors.New("file would be installed outside the virtualenv")

type placement struct {
	src    string // cached file to link; "" when data is generated
	data   []byte
	dst    string
	exec   bool
	digest string
	size   int64
}

// Install installs the unpacked wheel e into t (PEP 427): the root of the
// wheel into purelib or platlib as Root-Is-Purelib says, NAME.data/KEY/
// into the scheme's KEY directory (headers into Headers/NAME), scripts of
// .data/scripts with a "#!python" shebang rewritten to t.Python, console
// and GUI scripts generated from entry_points.txt, and a .dist-info with
// INSTALLER, REQUESTED (when opts.Requested) and a RECORD listing every
// file installed with its sha256 and size.
//
// The install is atomic as far as Python and pip can tell: every file is
// placed first, and the .dist-info directory, staged under t.StateDir,
// is renamed in last. A journal written before the first file lets
// Recover roll back an install that was interrupted. The caller removes
// an older version first (Uninstall) and holds the virtualenv's lock.
func Install(e *Entry, t *Target, opts Options) (*Installed, error) {
	if opts.Installer == "" {
		opts.Installer = "bundle"
	}
	if opts.Linker == nil {
		opts.Linker = &Linker{}
	}
	if err := e.Check(); err != nil {
		return nil, err
	}
	m := e.Manifest
	libDir := t.Platlib
	if m.RootIsPurelib {
		libDir = t.Purelib
	}
	stem := strings.TrimSuffix(m.DistInfo, ".dist-info")
	var places, info []placement
	index := map[string]int{} // dst -> position in places
	add := func(p placement) error {
		if !inside(t.Root, p.dst) {
			return fmt.Errorf("%w: %s", ErrUnsafeTarget, p.dst)
		}
		if i, ok := index[p.dst]; ok {
			places[i] = p
			return nil
		}
		index[p.dst] = len(places)
		places = append(places, p)
		return nil
	}
	for _, f := range m.Files {
		src := e.path(f.Path)
		top, rest, _ := strings.Cut(f.Path, "/")
		switch {
		case top == m.DistInfo:
			switch rest {
			case "RECORD", "INSTALLER", "REQUESTED", "RECORD.jws", "RECORD.p7s":
				continue // rewritten, or signatures of a RECORD that is rewritten
			}
			info = append(info, placement{src: src, dst: rest, exec: f.Exec, digest: f.Digest, size: f.Size})
			continue
		case top == stem+".data":
			key, sub, _ := strings.Cut(rest, "/")
			var base string
			switch key {
			case "purelib":
				base = t.Purelib
			case "platlib":
				base = t.Platlib
			case "scripts":
				base = t.Scripts
			case "headers":
				base = filepath.Join(t.Headers, m.Name)
			case "data":
				base = t.Data
			default:
				return nil, fmt.Errorf("%w: %s: unknown scheme key %q", ErrBadWheel, m.Filename, key)
			}
			p := placement{src: src, dst: filepath.Join(base, filepath.FromSlash(sub)), exec: f.Exec, digest: f.Digest, size: f.Size}
			if key == "scripts" {
				data, err := os.ReadFile(src)
				if err != nil {
					return nil, err
				}
				if fixed, ok := fixShebang(data, t.Python); ok {
					p.src, p.data = "", fixed
				}
				p.exec = true
				if p.src != "" && !f.Exec {
					p.src, p.data = "", data // needs its own mode: a copy
				}
			}
			if err := add(p); err != nil {
				return nil, err
			}
		default:
			if err := add(placement{src: src, dst: filepath.Join(libDir, filepath.FromSlash(f.Path)), exec: f.Exec, digest: f.Digest, size: f.Size}); err != nil {
				return nil, err
			}
		}
	}
	for _, s := range m.Scripts {
		if err := add(placement{data: ScriptText(t.Python, s), dst: filepath.Join(t.Scripts, s.Name), exec: true}); err != nil {
			return nil, err
		}
	}
	finalInfo := filepath.Join(libDir, m.DistInfo)
	if !inside(t.Root, finalInfo) {
		return nil, fmt.Errorf("%w: %s", ErrUnsafeTarget, finalInfo)
	}

	j := journal{Op: opInstall, DistInfo: rel(t.Root, finalInfo)}
	for _, p := range places {
		j.Files = append(j.Files, rel(t.Root, p.dst))
	}
	jpath, err := writeJournal(t, j, m.DistInfo)
	if err != nil {
		return nil, err
	}

	res := &Installed{DistInfo: finalInfo}
	var record []RecordEntry
	made := map[string]bool{}
	for i := range places {
		p := &places[i]
		if dir := filepath.Dir(p.dst); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
			made[dir] = true
		}
		if err := opts.Linker.place(p); err != nil {
			return nil, err
		}
		res.Files = append(res.Files, p.dst)
		if strings.HasSuffix(p.dst, ".py") && (isUnder(libDir, p.dst) || isUnder(t.Purelib, p.dst) || isUnder(t.Platlib, p.dst)) {
			res.Python = append(res.Python, p.dst)
		}
		record = append(record, RecordEntry{Path: rel(libDir, p.dst), Algo: "sha256", Digest: p.digest, Size: p.size})
	}

	// Stage the .dist-info directory, then rename it in.
	stageRoot := filepath.Join(t.StateDir, "staging")
	if err := os.MkdirAll(stageRoot, 0o755); err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(stageRoot, m.DistInfo+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	info = append(info, placement{data: []byte(opts.Installer + "\n"), dst: "INSTALLER"})
	if opts.Requested {
		info = append(info, placement{data: []byte{}, dst: "REQUESTED"})
	}
	for i := range info {
		p := &info[i]
		p.dst = filepath.Join(stage, filepath.FromSlash(p.dst))
		if !inside(stage, p.dst) {
			return nil, fmt.Errorf("%w: %s", ErrUnsafeTarget, p.dst)
		}
		if err := os.MkdirAll(filepath.Dir(p.dst), 0o755); err != nil {
			return nil, err
		}
		if err := opts.Linker.place(p); err != nil {
			return nil, err
		}
		relPath := m.DistInfo + "/" + filepath.ToSlash(rel(stage, p.dst))
		record = append(record, RecordEntry{Path: relPath, Algo: "sha256", Digest: p.digest, Size: p.size})
		res.Files = append(res.Files, filepath.Join(finalInfo, rel(stage, p.dst)))
	}
	record = append(record, RecordEntry{Path: m.DistInfo + "/RECORD", Size: -1})
	if err := os.WriteFile(filepath.Join(stage, "RECORD"), FormatRecord(record), 0o644); err != nil {
		return nil, err
	}
	res.Files = append(res.Files, filepath.Join(finalInfo, "RECORD"))
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(); err != nil {
			return nil, err
		}
	}
	if _, err := os.Lstat(finalInfo); err == nil {
		// Left over (the caller uninstalls first): move it out of the way.
		if err := moveToTrash(t, finalInfo); err != nil {
			return nil, err
		}
	}
	if err := os.Rename(stage, finalInfo); err != nil {
		return nil, err
	}
	os.Remove(jpath)
	return res, nil
}

// place puts one file at p.dst: generated data written to a temporary
// file and renamed, a cached file hard-linked or copied. It fills in
// p.digest and p.size for generated data.
func (l *Linker) place(p *placement) error {
	perm := fs.FileMode(0o644)
	if p.exec {
		perm = 0o755
	}
	if p.src == "" {
		h := sha256.Sum256(p.data)
		p.digest, p.size = base64.RawURLEncoding.EncodeToString(h[:]), int64(len(p.data))
		return writeFileAtomic(p.dst, p.data, perm)
	}
	if l.Mode == LinkHardlink && !l.noLinks.Load() {
		err := os.Link(p.src, p.dst)
		if errors.Is(err, fs.ErrExist) {
			if rerr := os.Remove(p.dst); rerr != nil {
				return rerr
			}
			err = os.Link(p.src, p.dst)
		}
		if err == nil {
			l.linked.Add(1)
			return nil
		}
		var errno syscall.Errno
		if !errors.As(err, &errno) || !(errno == syscall.EXDEV || errno == syscall.EPERM || errno == syscall.EMLINK || errno == syscall.ENOTSUP || errno == syscall.EACCES) {
			return err
		}
		l.fallback.CompareAndSwap(nil, err)
		l.noLinks.Store(true)
	}
	in, err := os.Open(p.src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := writeFileAtomicFrom(p.dst, in, perm); err != nil {
		return err
	}
	l.copied.Add(1)
	return nil
}

func writeFileAtomic(p string, data []byte, perm fs.FileMode) error {
	return writeFileAtomicFrom(p, strings.NewReader(string(data)), perm)
}

// writeFileAtomicFrom writes r to a temporary file beside p and renames
// it over p.
func writeFileAtomicFrom(p string, r io.Reader, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(p), ".bundle-tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// fixShebang rewrites a "#!python" (or "#!pythonw") first line to the
// target interpreter, as pip does for .data/scripts.
func fixShebang(data []byte, python string) ([]byte, bool) {
	s := string(data)
	if !strings.HasPrefix(s, "#!python") {
		return nil, false
	}
	rest := ""
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		rest = s[i+1:]
	}
	return []byte(Shebang(python) + rest), true
}

// Shebang returns the first line(s) of a script run by python: "#!PATH\n",
// or, when PATH is long (the kernel reads 127 bytes) or holds white
// space, the /bin/sh trick pip and distlib use, which re-executes the
// script with the interpreter.
func Shebang(python string) string {
	if len(python)+3 <= 127 && !strings.ContainsAny(python, " \t\n") {
		return "#!" + python + "\n"
	}
	q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`").Replace(python) + `"`
	return "#!/bin/sh\n'''exec' " + q + " \"$0\" \"$@\"\n' '''\n"
}

// ScriptText returns the launcher of a console or GUI script, as pip
// (distlib) writes it.
func ScriptText(python string, s Script) []byte {
	importName, _, _ := strings.Cut(s.Attr, ".")
	return []byte(Shebang(python) + "# -*- coding: utf-8 -*-\nimport re\nimport sys\n" +
		"from " + s.Module + " import " + importName + "\n" +
		"if __name__ == \"__main__\":\n" +
		"    sys.argv[0] = re.sub(r\"(-script\\.pyw|\\.exe)?$\", \"\", sys.argv[0])\n" +
		"    sys.exit(" + s.Attr + "())\n")
}

// inside reports whether p is root or below it (lexically).
func inside(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r)
}

// isUnder reports whether p is strictly below dir.
func isUnder(dir, p string) bool {
	return inside(dir, p) && filepath.Clean(dir) != filepath.Clean(p)
}

// rel returns p relative to base, "/"-separated.
func rel(base, p string) string {
	r, err := filepath.Rel(base, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}
