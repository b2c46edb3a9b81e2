package install

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// member is one zip entry of a test wheel.
type member struct {
	name string
	data string
	mode fs.FileMode // 0: 0644 regular file
}

// buildWheel returns a zip of the members; when record is true, a RECORD
// listing them with their hashes is added to the first .dist-info.
func buildWheel(t testing.TB, members []member, record bool) []byte {
	t.Helper()
	if record {
		var info string
		for _, m := range members {
			if top, _, _ := strings.Cut(m.name, "/"); strings.HasSuffix(top, ".dist-info") {
				info = top
				break
			}
		}
		var rec []RecordEntry
		for _, m := range members {
			rec = append(rec, RecordEntry{Path: m.name, Algo: "sha256", Digest: RecordHash([]byte(m.data)), Size: int64(len(m.data))})
		}
		rec = append(rec, RecordEntry{Path: info + "/RECORD", Size: -1})
		members = append(members, member{name: info + "/RECORD", data: string(FormatRecord(rec))})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate}
		mode := m.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// demoMembers is a wheel with a module, a C-extension stand-in, every
// .data key, and console and GUI scripts.
func demoMembers() []member {
	return []member{
		{name: "demo/__init__.py", data: "VALUE = 1\n"},
		{name: "demo/cli.py", data: "def main():\n    print('demo')\n"},
		{name: "demo/_ext.so", data: "\x7fELF", mode: 0o755},
		{name: "demo-1.0.data/scripts/demo-tool", data: "#!python\nprint('tool')\n"},
		{name: "demo-1.0.data/scripts/plain.sh", data: "#!/bin/sh\necho plain\n", mode: 0o755},
		{name: "demo-1.0.data/headers/demo.h", data: "int demo;\n"},
		{name: "demo-1.0.data/data/share/demo/readme.txt", data: "data\n"},
		{name: "demo-1.0.data/purelib/demo_pure.py", data: "X = 2\n"},
		{name: "demo-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: Demo\nVersion: 1.0\nRequires-Python: >=3.8\n"},
		{name: "demo-1.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: py3-none-any\n"},
		{name: "demo-1.0.dist-info/entry_points.txt", data: "[console_scripts]\ndemo = demo.cli:main\n\n[gui_scripts]\ndemo-gui = demo.cli:main [gui]\n\n[other]\nx = y:z\n"},
	}
}

func newTarget(t *testing.T) *Target {
	root := t.TempDir()
	lib := filepath.Join(root, "lib", "python3.11", "site-packages")
	return &Target{
		Root: root, Purelib: lib, Platlib: lib,
		Scripts: filepath.Join(root, "bin"), Data: root,
		Headers: filepath.Join(root, "include", "site", "python3.11"),
		Python:  filepath.Join(root, "bin", "python"), StateDir: filepath.Join(root, ".bundle"),
	}
}

func addToCache(t *testing.T, c *Cache, filename string, data []byte) *Entry {
	t.Helper()
	e, err := c.Add(bytes.NewReader(data), int64(len(data)), filename, sum(data))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// files lists the regular files and symlinks under root, relative.
func files(t *testing.T, root string) []string {
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			r, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(r))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestInstallUninstall(t *testing.T) {
	tg := newTarget(t)
	c := &Cache{Dir: t.TempDir()}
	data := buildWheel(t, demoMembers(), true)
	e := addToCache(t, c, "demo-1.0-py3-none-any.whl", data)
	res, err := Install(e, tg, Options{Requested: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"bin/demo", "bin/demo-gui", "bin/demo-tool", "bin/plain.sh",
		"include/site/python3.11/Demo/demo.h",
		"lib/python3.11/site-packages/demo-1.0.dist-info/INSTALLER",
		"lib/python3.11/site-packages/demo-1.0.dist-info/METADATA",
		"lib/python3.11/site-packages/demo-1.0.dist-info/RECORD",
		"lib/python3.11/site-packages/demo-1.0.dist-info/REQUESTED",
		"lib/python3.11/site-packages/demo-1.0.dist-info/WHEEL",
		"lib/python3.11/site-packages/demo-1.0.dist-info/entry_points.txt",
		"lib/python3.11/site-packages/demo/__init__.py",
		"lib/python3.11/site-packages/demo/_ext.so",
		"lib/python3.11/site-packages/demo/cli.py",
		"lib/python3.11/site-packages/demo_pure.py",
		"share/demo/readme.txt",
	}
	if got := files(t, tg.Root); !reflect.DeepEqual(got, want) {
		t.Errorf("installed files:\n got %q\nwant %q", got, want)
	}
	if len(res.Python) != 3 {
		t.Errorf("Python files = %q", res.Python)
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(tg.Root, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := read("bin/demo-tool"); got != "#!"+tg.Python+"\nprint('tool')\n" {
		t.Errorf("bin/demo-tool = %q", got)
	}
	if got := read("bin/demo"); !strings.HasPrefix(got, "#!"+tg.Python+"\n") || !strings.Contains(got, "from demo.cli import main\n") || !strings.Contains(got, "sys.exit(main())") {
		t.Errorf("bin/demo = %q", got)
	}
	for _, p := range []string{"bin/demo", "bin/demo-gui", "bin/demo-tool", "bin/plain.sh", "lib/python3.11/site-packages/demo/_ext.so"} {
		fi, _ := os.Stat(filepath.Join(tg.Root, p))
		if fi.Mode().Perm()&0o111 == 0 {
			t.Errorf("%s is not executable", p)
		}
	}
	if got := read("lib/python3.11/site-packages/demo-1.0.dist-info/INSTALLER"); got != "bundle\n" {
		t.Errorf("INSTALLER = %q", got)
	}
	// RECORD lists every installed file with a correct hash and size.
	info := filepath.Join(tg.Purelib, "demo-1.0.dist-info")
	rec, err := ParseRecord([]byte(read("lib/python3.11/site-packages/demo-1.0.dist-info/RECORD")))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, r := range rec {
		p := filepath.Clean(filepath.Join(tg.Purelib, filepath.FromSlash(r.Path)))
		rp, _ := filepath.Rel(tg.Root, p)
		listed = append(listed, filepath.ToSlash(rp))
		if r.Path == "demo-1.0.dist-info/RECORD" {
			if r.Algo != "" || r.Size != -1 {
				t.Errorf("RECORD row for itself: %+v", r)
			}
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("RECORD lists %s: %v", r.Path, err)
			continue
		}
		if r.Algo != "sha256" || r.Digest != RecordHash(b) || r.Size != int64(len(b)) {
			t.Errorf("RECORD row %+v does not match the file", r)
		}
	}
	sort.Strings(listed)
	if !reflect.DeepEqual(listed, want) {
		t.Errorf("RECORD lists\n %q\nwant %q", listed, want)
	}
	if _, err := os.Stat(filepath.Join(tg.StateDir, "journal")); err == nil {
		if ents, _ := os.ReadDir(filepath.Join(tg.StateDir, "journal")); len(ents) != 0 {
			t.Errorf("journal left behind: %v", ents)
		}
	}

	dists, err := List(tg.Purelib, tg.Platlib)
	if err != nil || len(dists) != 1 || dists[0].Name != "demo" || dists[0].Version != "1.0" || dists[0].DistInfo != info {
		t.Fatalf("List = %+v, %v", dists, err)
	}

	// A .pyc left by Python goes too.
	os.MkdirAll(filepath.Join(tg.Purelib, "demo", "__pycache__"), 0o755)
	os.WriteFile(filepath.Join(tg.Purelib, "demo", "__pycache__", "cli.cpython-311.pyc"), []byte("x"), 0o644)
	rm, err := Uninstall(tg, info)
	if err != nil {
		t.Fatal(err)
	}
	if rm.Files != 11 {
		t.Errorf("removed %d files, want 11 (10 and a .pyc)", rm.Files)
	}
	// Only the scheme's directories stay.
	if got := files(t, tg.Root); len(got) != 0 {
		t.Errorf("left after uninstall: %q", got)
	}
	for _, d := range []string{"lib/python3.11/site-packages/demo", "share/demo", "include/site/python3.11/Demo"} {
		if _, err := os.Stat(filepath.Join(tg.Root, d)); err == nil {
			t.Errorf("directory %s left after uninstall", d)
		}
	}
	if _, err := os.Stat(tg.Purelib); err != nil {
		t.Errorf("site-packages removed: %v", err)
	}
	// The cache is intact (hard links).
	if err := e.Check(); err != nil {
		t.Errorf("cache entry after uninstall: %v", err)
	}
}

// TestInstallCopyAndCacheCheck: the copy mode copies; a cached file
// changed after unpacking is noticed.
func TestInstallCopyAndCacheCheck(t *testing.T) {
	tg := newTarget(t)
	c := &Cache{Dir: t.TempDir()}
	e := addToCache(t, c, "demo-1.0-py3-none-any.whl", buildWheel(t, demoMembers(), true))
	l := &Linker{Mode: LinkCopy}
	if _, err := Install(e, tg, Options{Linker: l}); err != nil {
		t.Fatal(err)
	}
	if linked, copied, _ := l.Stats(); linked != 0 || copied == 0 {
		t.Errorf("linked %d, copied %d", linked, copied)
	}
	if _, err := os.Stat(filepath.Join(tg.Purelib, "demo-1.0.dist-info", "REQUESTED")); err == nil {
		t.Error("REQUESTED written without Requested")
	}
	if e2, ok := c.Lookup(e.Manifest.SHA256); !ok || e2.Manifest.DistInfo != "demo-1.0.dist-info" {
		t.Fatalf("Lookup = %v, %v", e2, ok)
	}
	p := e.path("demo/cli.py")
	os.WriteFile(p, []byte("edited\n"), 0o644)
	if err := e.Check(); !errors.Is(err, ErrCacheCorrupt) {
		t.Errorf("Check after an edit = %v", err)
	}
	if _, err := Install(e, newTarget(t), Options{}); !errors.Is(err, ErrCacheCorrupt) {
		t.Errorf("Install of a changed entry = %v", err)
	}
	if err := c.Remove(e.Manifest.SHA256); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Lookup(e.Manifest.SHA256); ok {
		t.Error("entry still there after Remove")
	}
}

// TestRecover: an install interrupted before its commit is rolled back; a
// removal interrupted after moving the .dist-info out is finished; files
// another distribution owns are kept.
func TestRecover(t *testing.T) {
	tg := newTarget(t)
	c := &Cache{Dir: t.TempDir()}
	other := buildWheel(t, []member{
		{name: "other/__init__.py", data: ""},
		{name: "demo/cli.py", data: "def main():\n    print('demo')\n"}, // shared with demo
		{name: "other-2.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: other\nVersion: 2.0\n"},
		{name: "other-2.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}, true)
	if _, err := Install(addToCache(t, c, "other-2.0-py3-none-any.whl", other), tg, Options{}); err != nil {
		t.Fatal(err)
	}
	e := addToCache(t, c, "demo-1.0-py3-none-any.whl", buildWheel(t, demoMembers(), true))
	stop := errors.New("interrupted")
	if _, err := Install(e, tg, Options{BeforeCommit: func() error { return stop }}); !errors.Is(err, stop) {
		t.Fatalf("Install = %v", err)
	}
	if !Pending(tg) {
		t.Fatal("no journal after an interrupted install")
	}
	if _, err := os.Stat(filepath.Join(tg.Purelib, "demo", "__init__.py")); err != nil {
		t.Fatal("the interrupted install placed no files: the test does not test")
	}
	notes, err := Recover(tg)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0] != "rolled back the interrupted install of demo-1.0.dist-info" {
		t.Errorf("notes = %q", notes)
	}
	got := files(t, tg.Root)
	want := []string{
		"lib/python3.11/site-packages/demo/cli.py", // owned by other
		"lib/python3.11/site-packages/other-2.0.dist-info/INSTALLER",
		"lib/python3.11/site-packages/other-2.0.dist-info/METADATA",
		"lib/python3.11/site-packages/other-2.0.dist-info/RECORD",
		"lib/python3.11/site-packages/other-2.0.dist-info/WHEEL",
		"lib/python3.11/site-packages/other/__init__.py",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after recovery:\n got %q\nwant %q", got, want)
	}
	if Pending(tg) {
		t.Error("journal left after Recover")
	}

	// A removal interrupted after the .dist-info was moved out.
	info := filepath.Join(tg.Purelib, "other-2.0.dist-info")
	j := journal{Op: opRemove, DistInfo: rel(tg.Root, info), Files: []string{rel(tg.Root, filepath.Join(tg.Purelib, "other", "__init__.py"))}}
	if _, err := writeJournal(tg, j, "other"); err != nil {
		t.Fatal(err)
	}
	if err := moveToTrash(tg, info); err != nil {
		t.Fatal(err)
	}
	notes, err = Recover(tg)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "finished the interrupted removal") {
		t.Errorf("notes = %q", notes)
	}
	if got := files(t, tg.Root); !reflect.DeepEqual(got, []string{"lib/python3.11/site-packages/demo/cli.py"}) {
		t.Errorf("after the removal: %q", got)
	}
}

// TestUnpackRefuses checks every unsafe or malformed wheel is refused
// before anything is written outside the destination.
func TestUnpackRefuses(t *testing.T) {
	base := func(extra ...member) []member {
		return append([]member{
			{name: "demo-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"},
			{name: "demo-1.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
		}, extra...)
	}
	tests := []struct {
		name    string
		members []member
		record  bool
		want    error
		msg     string
	}{
		{"dotdot", base(member{name: "../evil.py", data: "x"}), true, ErrUnsafePath, "escapes"},
		{"dotdot inside", base(member{name: "demo/../../evil.py", data: "x"}), true, ErrUnsafePath, "escapes"},
		{"absolute", base(member{name: "/tmp/evil.py", data: "x"}), true, ErrUnsafePath, "absolute"},
		{"backslash", base(member{name: "demo\\..\\..\\evil.py", data: "x"}), true, ErrUnsafePath, "backslash"},
		{"drive", base(member{name: "C:/evil.py", data: "x"}), true, ErrUnsafePath, "drive"},
		{"symlink", base(member{name: "demo/link", data: "/etc/passwd", mode: fs.ModeSymlink | 0o777}), true, ErrUnsafePath, "symlink"},
		{"data dotdot", base(member{name: "demo-1.0.data/scripts/../../../evil", data: "x"}), true, ErrUnsafePath, "escapes"},
		{"no dist-info", []member{{name: "demo/__init__.py"}}, false, ErrBadWheel, "found 0 .dist-info"},
		{"two dist-infos", base(member{name: "other-1.0.dist-info/METADATA", data: "x"}), true, ErrBadWheel, "found 2 .dist-info"},
		{"wrong name", []member{
			{name: "evil-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n"},
			{name: "evil-1.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\n"},
		}, true, ErrBadWheel, "does not belong to demo"},
		{"metadata name", []member{
			{name: "demo-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n"},
			{name: "demo-1.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\n"},
		}, true, ErrBadWheel, "METADATA names evil 1.0"},
		{"bad data key", base(member{name: "demo-1.0.data/etc/passwd", data: "x"}), true, ErrBadWheel, "unknown scheme key"},
		{"wheel version 2", []member{
			{name: "demo-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"},
			{name: "demo-1.0.dist-info/WHEEL", data: "Wheel-Version: 2.0\n"},
		}, true, ErrBadWheelFile, "not supported"},
		{"no RECORD", base(member{name: "demo/__init__.py"}), false, ErrBadWheel, "no demo-1.0.dist-info/RECORD"},
		{"bad entry point", base(member{name: "demo-1.0.dist-info/entry_points.txt", data: "[console_scripts]\n../evil = demo:main\n"}), true, ErrBadEntryPoint, "plain file name"},
		{"code in entry point", base(member{name: "demo-1.0.dist-info/entry_points.txt", data: "[console_scripts]\nx = os:system('id')\n"}), true, ErrBadEntryPoint, "identifiers"},
		{"duplicate", base(member{name: "demo/a.py", data: "1"}, member{name: "demo/a.py", data: "2"}), true, ErrBadWheel, "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := buildWheel(t, tt.members, tt.record)
			outer := t.TempDir()
			dest := filepath.Join(outer, "a", "b", "entry")
			_, err := Unpack(bytes.NewReader(data), int64(len(data)), "demo-1.0-py3-none-any.whl", sum(data), dest)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Unpack = %v, want %v containing %q", err, tt.want, tt.msg)
			}
			for _, f := range files(t, outer) {
				if !strings.HasPrefix(f, "a/b/entry/files/") {
					t.Errorf("wrote %s outside the destination", f)
				}
			}
		})
	}
}

// TestUnpackRecordMismatch: a member whose content differs from its
// RECORD hash is refused.
func TestUnpackRecordMismatch(t *testing.T) {
	ms := demoMembers()
	data := buildWheel(t, ms, true)
	// Rebuild with the same RECORD but a changed module.
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	var out []member
	for _, f := range zr.File {
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		m := member{name: f.Name, data: b.String(), mode: f.Mode()}
		if f.Name == "demo/cli.py" {
			m.data = "import os; os.system('id')\n"
		}
		out = append(out, m)
	}
	bad := buildWheel(t, out, false)
	_, err := Unpack(bytes.NewReader(bad), int64(len(bad)), "demo-1.0-py3-none-any.whl", sum(bad), filepath.Join(t.TempDir(), "e"))
	if !errors.Is(err, ErrBadWheel) || !strings.Contains(err.Error(), "demo/cli.py: its sha256 is") {
		t.Errorf("Unpack = %v", err)
	}
}

func TestShebang(t *testing.T) {
	if got := Shebang("/venv/bin/python"); got != "#!/venv/bin/python\n" {
		t.Errorf("short: %q", got)
	}
	long := "/" + strings.Repeat("x", 130) + "/bin/python"
	if got := Shebang(long); got != "#!/bin/sh\n'''exec' \""+long+"\" \"$0\" \"$@\"\n' '''\n" {
		t.Errorf("long: %q", got)
	}
	if got := Shebang("/a b/python"); !strings.HasPrefix(got, "#!/bin/sh\n'''exec' \"/a b/python\"") {
		t.Errorf("space: %q", got)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	in := []RecordEntry{
		{Path: "b.py", Algo: "sha256", Digest: RecordHash([]byte("b")), Size: 1},
		{Path: "a,comma \"quoted\".py", Algo: "sha256", Digest: RecordHash(nil), Size: 0},
		{Path: "x.dist-info/RECORD", Size: -1},
	}
	out, err := ParseRecord(FormatRecord(in))
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(in, func(i, j int) bool { return in[i].Path < in[j].Path })
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
	for _, bad := range []string{",sha256=x,1\n", "a,md5,1\n", "a,sha256=!!,1\n", "a,sha256=abc,-1\n", "a,sha256=abc,x\n"} {
		if _, err := ParseRecord([]byte(bad)); !errors.Is(err, ErrBadRecord) {
			t.Errorf("ParseRecord(%q) = %v", bad, err)
		}
	}
}

func TestEntryPoints(t *testing.T) {
	eps, err := ParseEntryPoints([]byte("# comment\n[console_scripts]\nflask = flask.cli:main\n ; also comment\nx=a.b:C.run [extra1, extra2]\n[gui_scripts]\ng = m:f\nflask = other:main\n"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Scripts(eps)
	if err != nil {
		t.Fatal(err)
	}
	want := []Script{{Name: "flask", Module: "other", Attr: "main", GUI: true}, {Name: "x", Module: "a.b", Attr: "C.run"}, {Name: "g", Module: "m", Attr: "f", GUI: true}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("Scripts = %+v", s)
	}
	if got := string(ScriptText("/p", want[1])); !strings.Contains(got, "from a.b import C\n") || !strings.Contains(got, "sys.exit(C.run())") {
		t.Errorf("ScriptText = %q", got)
	}
	for _, bad := range []string{"x = y\n", "[a]\nnovalue\n"} {
		if _, err := ParseEntryPoints([]byte(bad)); err == nil {
			t.Errorf("ParseEntryPoints(%q) succeeded", bad)
		}
	}
}

func TestParseWheelFile(t *testing.T) {
	w, err := ParseWheelFile([]byte("Wheel-Version: 1.0\nGenerator: bdist_wheel (0.40)\nRoot-Is-Purelib: False\nTag: cp311-cp311-manylinux_2_17_x86_64\nTag: cp311-cp311-manylinux2014_x86_64\nBuild: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w.Version != [2]int{1, 0} || w.RootIsPurelib || len(w.Tags) != 2 || w.Build != "1" {
		t.Errorf("got %+v", w)
	}
	for _, bad := range []string{"", "Root-Is-Purelib: true\n", "Wheel-Version: 1\n", "Wheel-Version: 2.0\n", "Wheel-Version: 1.0\nTag: a-b\n"} {
		if _, err := ParseWheelFile([]byte(bad)); !errors.Is(err, ErrBadWheelFile) {
			t.Errorf("ParseWheelFile(%q) = %v", bad, err)
		}
	}
}
