package install

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseRecord: no input panics; what parses formats and parses back
// to the same rows (in path order).
func FuzzParseRecord(f *testing.F) {
	f.Add([]byte("flask/__init__.py,sha256=mHvJN9Swtl1RDtjCqCIYyIniK_SZ_l_hqUynOzgpJ9o,2701\nflask-3.1.3.dist-info/RECORD,,\n"))
	f.Add([]byte("\"a,b\",,\n\"x\"\"y\",sha256=AAAA,0\r\n\n"))
	f.Add([]byte("a,sha256=abc,12,extra\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := ParseRecord(data)
		if err != nil {
			return
		}
		again, err := ParseRecord(FormatRecord(entries))
		if err != nil {
			t.Fatalf("formatted RECORD does not parse: %v\n%q", err, FormatRecord(entries))
		}
		if len(again) != len(entries) {
			t.Fatalf("round trip changed the rows: %d -> %d", len(entries), len(again))
		}
		seen := map[string]int{}
		for _, e := range entries {
			seen[e.Path+"\x00"+e.Algo+"\x00"+e.Digest]++
		}
		for _, e := range again {
			seen[e.Path+"\x00"+e.Algo+"\x00"+e.Digest]--
		}
		for k, n := range seen {
			if n != 0 {
				t.Fatalf("round trip changed row %q", k)
			}
		}
	})
}

// FuzzParseEntryPoints: no input panics, and every script Scripts accepts
// is a single safe file name and an import of identifiers.
func FuzzParseEntryPoints(f *testing.F) {
	f.Add([]byte("[console_scripts]\nflask = flask.cli:main\n"))
	f.Add([]byte("[gui_scripts]\ng = a.b:C.d [x]\n# c\n;c\n"))
	f.Add([]byte("[console_scripts]\n../x = os:system\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		eps, err := ParseEntryPoints(data)
		if err != nil {
			return
		}
		scripts, err := Scripts(eps)
		if err != nil {
			return
		}
		for _, s := range scripts {
			if filepath.Base(s.Name) != s.Name || strings.ContainsAny(s.Name, "/\\\x00\n ") || strings.HasPrefix(s.Name, ".") {
				t.Fatalf("unsafe script name %q", s.Name)
			}
			if !dottedIdent(s.Module) || !dottedIdent(s.Attr) {
				t.Fatalf("unsafe reference %q:%q", s.Module, s.Attr)
			}
			text := string(ScriptText("/venv/bin/python", s))
			if strings.Count(text, "\n") != 8 {
				t.Fatalf("script has unexpected lines:\n%s", text)
			}
		}
	})
}

// FuzzParseWheelFile: no input panics; a parsed file has version 1.x.
func FuzzParseWheelFile(f *testing.F) {
	f.Add([]byte("Wheel-Version: 1.0\nGenerator: flit 3.12.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
	f.Add([]byte("Wheel-Version: 1.9\nTag: cp311-cp311-manylinux_2_17_x86_64\nTag: py2.py3-none-any\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWheelFile(data)
		if err == nil && w.Version[0] != 1 {
			t.Fatalf("accepted Wheel-Version %v", w.Version)
		}
	})
}

// FuzzUnpack: no zip panics Unpack, and nothing is ever written outside
// the destination's files directory.
func FuzzUnpack(f *testing.F) {
	f.Add(buildWheel(f, demoMembers(), true))
	f.Add(buildWheel(f, []member{
		{name: "demo-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"},
		{name: "demo-1.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\n"},
		{name: "../evil", data: "x"},
	}, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		outer := t.TempDir()
		dest := filepath.Join(outer, "in", "entry")
		m, err := Unpack(bytes.NewReader(data), int64(len(data)), "demo-1.0-py3-none-any.whl", sum(data), dest)
		filepath.Walk(outer, func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() && !strings.HasPrefix(p, filepath.Join(dest, "files")+string(filepath.Separator)) {
				t.Fatalf("wrote %s outside the destination", p)
			}
			if err == nil && fi.Mode()&os.ModeSymlink != 0 {
				t.Fatalf("made a symlink %s", p)
			}
			return nil
		})
		if err == nil && (m.DistInfo != "demo-1.0.dist-info" || m.SHA256 != sum(data)) {
			t.Fatalf("manifest %+v", m)
		}
	})
}
