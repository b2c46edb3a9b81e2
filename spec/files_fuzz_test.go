package spec

import (
	"bytes"
	"strings"
	"testing"
)

// The parsers must not panic on any input, and every diagnostic they
// return must name the file and have a sane position.

func checkFuzzDiags(t *testing.T, file string, ds Diagnostics) {
	t.Helper()
	for _, d := range ds {
		if d.File != file {
			t.Fatalf("%v: File = %q", d, d.File)
		}
		if d.Line < 0 || d.Column < 0 {
			t.Fatalf("%v: negative position", d)
		}
		if d.Code == "" || d.Message == "" || d.Hint == "" {
			t.Fatalf("%v: missing code, message or hint", d)
		}
	}
}

func FuzzParseBundleTOML(f *testing.F) {
	f.Add([]byte(minimalBundleTOML))
	f.Add(NewBundleTOML("hello", "1.0.0", "a description"))
	f.Add([]byte("spec = \"1\"\n[app]\nname = \"x\"\nversion = \"1\"\n[run]\nlisten = [\"[::1]:80\", \"unix:/x\"]\nworkers = -1\n[run.environment]\nA = 1\n"))
	f.Add([]byte("spec = \"2\"\n"))
	f.Add([]byte("a = { b = [1, {c = '''\n'''}], \"d.e\" = 2 }\n[[x.y]]\n"))
	f.Add([]byte("\xef\xbb\xbf[package.external.deb]\nlibpq = \"libpq5\"\r\n"))
	f.Add([]byte("x = \"\xff\"\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, ds := ParseBundleTOML(bytes.NewReader(data), "bundle.toml")
		checkFuzzDiags(t, "bundle.toml", ds)
		if cfg == nil && len(ds) == 0 {
			t.Fatal("nil config without diagnostics")
		}
		if cfg != nil && !ds.HasErrors() && (cfg.Spec != SpecVersion || cfg.App.Name == "" || cfg.App.Version == "") {
			t.Fatalf("valid config without spec, name or version: %+v", cfg)
		}
	})
}

func FuzzParseDependencies(f *testing.F) {
	f.Add([]byte("flask==3.0.3 \\\n    --hash=sha256:" + strings.Repeat("a", 64) + "\n    # via x\n"))
	f.Add([]byte("-i https://x/simple\n--extra-index-url=y -f z --no-index\n-e .\n-r x.txt\n"))
	f.Add([]byte("foo[bar]>=1,<2; python_version < \"3.9\" and sys_platform == 'linux' --hash sha512:00\n"))
	f.Add([]byte("git+https://x\n./y\nz.whl\nw @ https://x\n"))
	f.Add([]byte("a \\\n\\\n  \\"))
	f.Add([]byte("x # y \\\r\n\xef\xbb\xbf\r"))
	f.Add([]byte("a\xffb"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, ds := ParseDependencies(bytes.NewReader(data), "dependencies.txt")
		checkFuzzDiags(t, "dependencies.txt", ds)
		if d == nil {
			t.Fatal("nil Dependencies")
		}
		for _, r := range d.Requirements {
			if r.Req == nil || r.Line < 1 || r.Column < 1 {
				t.Fatalf("bad requirement %+v", r)
			}
		}
	})
}

func FuzzParseExternal(f *testing.F) {
	f.Add([]byte("libpq (>=12)\nlibxml2 ; sys_platform == 'linux'\n# c\n"))
	f.Add([]byte("libpq (>=12\nlibpq >= 3\n(x)\nlibé ()\n"))
	f.Add([]byte("a (==1.*) ; extra == 'x' # (\r\n"))
	f.Add([]byte("\t\v\f;"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, ds := ParseExternal(bytes.NewReader(data), "external-dependencies.txt")
		checkFuzzDiags(t, "external-dependencies.txt", ds)
		if e == nil {
			t.Fatal("nil External")
		}
		for _, d := range e.Deps {
			if !validExternalName(d.Name) || d.Line < 1 || d.Column < 1 {
				t.Fatalf("bad dep %+v", d)
			}
		}
	})
}
