package spec

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// The -update flag rewrites the golden files under testdata/. It is
// defined here unless another test file of the package already defined it
// (package-level variables are initialized before any init function runs).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/")
	}
}

func updateGoldenFiles() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// diagSummary formats diagnostics as "LINE:COL severity CODE" for table tests.
func diagSummary(ds Diagnostics) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%d:%d %s %s", d.Line, d.Column, d.Severity, d.Code))
	}
	return out
}

// checkDiagStyle checks the conventions every diagnostic follows.
func checkDiagStyle(t *testing.T, file string, ds Diagnostics) {
	t.Helper()
	for _, d := range ds {
		if d.File != file {
			t.Errorf("%v: File = %q, want %q", d, d.File, file)
		}
		if d.Line < 0 || d.Column < 0 || (d.Line == 0 && d.Column != 0) {
			t.Errorf("%v: bad position %d:%d", d, d.Line, d.Column)
		}
		if len(d.Code) != 4 {
			t.Errorf("%v: bad code %q", d, d.Code)
		}
		if d.Message == "" || strings.HasSuffix(d.Message, ".") || unicode.IsUpper([]rune(d.Message)[0]) {
			t.Errorf("%v: message %q must be lower-case without a trailing period", d, d.Message)
		}
		if d.Hint == "" || unicode.IsLower([]rune(d.Hint)[0]) || !strings.HasSuffix(d.Hint, ".") {
			t.Errorf("%v: hint %q must be a sentence", d, d.Hint)
		}
	}
}

// checkGolden compares got with testdata/NAME.golden, or rewrites it with
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updateGoldenFiles() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update if the change is right)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

// formatDiagList writes diagnostics as the CLI does: one per line, hint
// indented below.
func formatDiagList(ds Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s\n    hint: %s\n", d, d.Hint)
	}
	if len(ds) == 0 {
		b.WriteString("(no diagnostics)\n")
	}
	return b.String()
}

func TestReadText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		lines []string
		diags []string
	}{
		{"empty", "", nil, []string{"0:0 error B003"}},
		{"bom only", "\xef\xbb\xbf", nil, []string{"0:0 error B003"}},
		{"blank is not empty", " \n", []string{" "}, nil},
		{"lf", "a\nb\n", []string{"a", "b"}, nil},
		{"no final newline", "a\nb", []string{"a", "b"}, nil},
		{"crlf", "a\r\nb\r\n", []string{"a", "b"}, nil},
		{"mixed", "a\r\nb\nc", []string{"a", "b", "c"}, nil},
		{"stray cr kept", "a\rb\r\n\r\n", []string{"a\rb", ""}, nil},
		{"bom stripped", "\xef\xbb\xbfa\n", []string{"a"}, nil},
		{"empty lines", "\n\n", []string{"", ""}, nil},
		{"bad first byte", "\xffabc", nil, []string{"1:1 error B004"}},
		{"bad after multibyte", "ok\néé\xfe\n", nil, []string{"2:3 error B004"}},
		{"truncated sequence", "a\nb\nxy\xe2\x82", nil, []string{"3:3 error B004"}},
		{"bad after bom", "\xef\xbb\xbfab\xc0", nil, []string{"1:3 error B004"}},
		{"surrogate", "a\xed\xa0\x80", nil, []string{"1:2 error B004"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			txt, ds := ReadText(strings.NewReader(tt.in), "f.txt")
			checkDiagStyle(t, "f.txt", ds)
			got := diagSummary(ds)
			if tt.diags == nil {
				tt.diags = []string{}
			}
			if !reflect.DeepEqual(got, tt.diags) {
				t.Fatalf("diagnostics = %v, want %v", got, tt.diags)
			}
			if len(ds) > 0 {
				if txt != nil {
					t.Fatalf("Text = %+v, want nil with diagnostics", txt)
				}
				return
			}
			var lines []string
			for i, l := range txt.Lines {
				if l.Num != i+1 {
					t.Errorf("line %d has Num %d", i+1, l.Num)
				}
				lines = append(lines, l.Text)
			}
			if !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("lines = %q, want %q", lines, tt.lines)
			}
			if strings.HasPrefix(txt.Content, "\xef\xbb\xbf") {
				t.Errorf("content keeps the BOM")
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadTextErrors(t *testing.T) {
	_, ds := ReadText(failingReader{}, "x")
	if got := diagSummary(ds); !reflect.DeepEqual(got, []string{"0:0 error B006"}) || !strings.Contains(ds[0].Message, "disk on fire") {
		t.Errorf("read error: %v", ds)
	}
	_, ds = ReadText(nil, "x")
	if got := diagSummary(ds); !reflect.DeepEqual(got, []string{"0:0 error B006"}) {
		t.Errorf("nil reader: %v", ds)
	}
	checkDiagStyle(t, "x", ds)
	// The .txt hint is the one design.md gives.
	_, ds = ParseExternal(strings.NewReader(""), "external-dependencies.txt")
	if len(ds) != 1 || ds[0].Hint != "If the app has none, write a comment line such as `# no dependencies`." {
		t.Errorf("B003 hint: %v", ds)
	}
}

func TestBlank(t *testing.T) {
	for in, want := range map[string]bool{" \n\t\r\n": true, "#": false, "\xef\xbb\xbf \n": true} {
		txt, _ := ReadText(strings.NewReader(in), "f")
		if txt.Blank() != want {
			t.Errorf("Blank(%q) = %v", in, !want)
		}
	}
}

func TestColAt(t *testing.T) {
	for _, tt := range []struct {
		s    string
		off  int
		want int
	}{
		{"abc", 0, 1}, {"abc", 2, 3}, {"abc", 3, 4}, {"abc", 9, 4}, {"abc", -1, 1},
		{"éa", 2, 2}, {"日本x", 6, 3}, {"\tx", 1, 2},
	} {
		if got := colAt(tt.s, tt.off); got != tt.want {
			t.Errorf("colAt(%q, %d) = %d, want %d", tt.s, tt.off, got, tt.want)
		}
	}
}

func TestStripComment(t *testing.T) {
	for _, tt := range []struct {
		in, out string
		comment bool
	}{
		{"# x", "", true},
		{"flask # x", "flask ", true},
		{"flask\t# x", "flask\t", true},
		{"a#b", "a#b", false},
		{"url#egg=x # c", "url#egg=x ", true},
		{"", "", false},
		{"é #", "é ", true},
	} {
		out, c := stripComment(tt.in)
		if out != tt.out || c != tt.comment {
			t.Errorf("stripComment(%q) = %q, %v; want %q, %v", tt.in, out, c, tt.out, tt.comment)
		}
	}
}

// TestGolden runs each parser on a set of bad (and a few good) inputs and
// compares the diagnostics, messages and hints included, with
// testdata/*.golden.
func TestGolden(t *testing.T) {
	type parser func(in string) (string, Diagnostics)
	toml := func(in string) (string, Diagnostics) {
		cfg, ds := ParseBundleTOML(strings.NewReader(in), "bundle.toml")
		res := "config: nil\n"
		if cfg != nil {
			res = fmt.Sprintf("config: spec=%q name=%q version=%q listen=%q\n", cfg.Spec, cfg.App.Name, cfg.App.Version, cfg.Run.Listen)
		}
		return res, ds
	}
	deps := func(in string) (string, Diagnostics) {
		d, ds := ParseDependencies(strings.NewReader(in), "dependencies.txt")
		var b strings.Builder
		for _, r := range d.Requirements {
			fmt.Fprintf(&b, "requirement %d:%d %q hashes=%d\n", r.Line, r.Column, r.Raw, len(r.Hashes))
		}
		return b.String(), ds
	}
	ext := func(in string) (string, Diagnostics) {
		e, ds := ParseExternal(strings.NewReader(in), "external-dependencies.txt")
		var b strings.Builder
		for _, d := range e.Deps {
			fmt.Fprintf(&b, "external %d:%d %q\n", d.Line, d.Column, d.Name)
		}
		return b.String(), ds
	}
	cases := []struct {
		name string
		p    parser
		in   string
	}{
		{"empty_dependencies", deps, ""},
		{"empty_bundletoml", toml, " \n\n"},
		{"non_utf8_dependencies", deps, "flask==3.0.0\nna\xefve==1.0\n"},
		{"non_utf8_bundletoml", toml, "spec = \"1\"\n[app]\nname = \"h\xe9llo\"\n"},
		{"crlf_dependencies", deps, "# pinned\r\nflask==3.0.3 \\\r\n    --hash=sha256:" + strings.Repeat("a", 64) + "\r\nclick==8.1.7 --hash=sha256:" + strings.Repeat("b", 64) + "\r\n"},
		{"crlf_bundletoml", toml, "spec = \"1\"\r\n[app]\r\nname = \"hello\"\r\nversion = \"1.0.0\"\r\n"},
		{"crlf_external", ext, "libpq (>=12)\r\nlibxml2\r\n"},
		{"unknown_key", toml, "spec = \"1\"\n[app]\nname = \"hello\"\nversion = \"1.0.0\"\nverison = \"1.0.1\"\n\n[run]\nworkers = 2\ncolour = \"blue\"\n[extra]\nx = 1\n"},
		{"index_strategy", toml, "spec = \"1\"\n[app]\nname = \"hello\"\nversion = \"1.0.0\"\n\n[index]\nextra-urls = [\"https://example.com/simple\"]\nstrategy = \"best-match\"\nstratgy = \"first-index\"\n"},
		{"bad_semver", toml, "spec = \"1\"\n[app]\nname = \"hello\"\nversion = \"1.0\"\n"},
		{"toml_syntax", toml, "spec = \"1\"\n[app]\nname = \"hello\nversion = \"1.0.0\"\n"},
		{"spec_newer", toml, "spec = \"2\"\n[app]\nname = \"hello\"\nversion = \"1.0.0\"\nfuture-key = true\n"},
		{"malformed_requirement", deps, "flask==3.0.3\nrequests>=2,\n"},
		{"unknown_marker_variable", deps, "flask==3.0.3; python_versoin < \"3.9\"\n"},
		{"duplicate_requirement", deps, "Flask==3.0.3\nclick==8.1.7\nflask==3.0.2\n"},
		{"unsupported_forms", deps, "-e ./src\n-r other.txt\ngit+https://github.com/x/y.git\n./wheels/y-1.0-py3-none-any.whl\nhttps://example.com/y.tar.gz\ny @ https://example.com/y-1.0.tar.gz\n--trusted-host example.com\n"},
		{"unpinned", deps, "flask>=3\nclick==8.1.7\n"},
		{"external_unclosed", ext, "libpq (>=12\n"},
		{"external_errors", ext, "libpq >= 12\nlibxml2 (>=2.9 junk)\nzlib; python_versoin > \"3\"\nlibpq\nLIBPQ\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, ds := c.p(c.in)
			got := fmt.Sprintf("input: %q\n\n%s\n%s", c.in, formatDiagList(ds), res)
			checkGolden(t, c.name, got)
		})
	}
}
