package spec

import (
	"reflect"
	"strings"
	"testing"
)

func parseExtForTest(t *testing.T, in string) (*External, Diagnostics) {
	t.Helper()
	e, ds := ParseExternal(strings.NewReader(in), "external-dependencies.txt")
	if e == nil {
		t.Fatal("nil External")
	}
	checkDiagStyle(t, "external-dependencies.txt", ds)
	return e, ds
}

func TestParseExternalDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{"0:0 error B003"}},
		{"comment only", "# no external dependencies\n", nil},
		{"not utf8", "libpq\nlib\xff\n", []string{"2:4 error B004"}},
		{"plain", "libpq\nlibxml2\n", nil},
		{"specifier", "libpq (>=12)\nopenssl(>=1.1,<4)\n", nil},
		{"spaces, marker and comment", "  libxml2 ( >=2.9, <3 ) ; sys_platform == \"linux\"  # for lxml\n", nil},
		{"marker without specifier", "libmagic; sys_platform != 'win32'\n", nil},
		{"crlf", "libpq (>=12)\r\nzlib\r\n", nil},
		{"names", "libstdc++\ngtk+-3.0\nlib_foo.bar\n", nil},

		// X001
		{"no name", "(>=12)\n", []string{"1:1 error X001"}},
		{"specifier without parentheses", "libpq >= 12\n", []string{"1:7 error X001"}},
		{"junk after parenthesis", "libpq (>=12) junk\n", []string{"1:14 error X001"}},
		{"bad name character", "lib$pq\n", []string{"1:4 error X001"}},
		{"non-ascii name", "libé\n", []string{"1:4 error X001"}},
		{"empty marker", "libpq ;\n", []string{"1:7 error X001"}},
		{"bad marker", "libpq; sys_platform ==\n", []string{"1:* error X001"}},

		// X002
		{"unclosed", "libpq (>=12\n", []string{"1:7 error X002"}},
		{"unclosed after comment strip", "# c\nlibpq   (>=12 # comment)\n", []string{"2:9 error X002"}},
		{"unclosed unicode column", "libé (\n", []string{"1:4 error X001"}},
		{"unclosed tab", "\tzlib\t(\n", []string{"1:7 error X002"}},

		// X003
		{"duplicate", "libpq\nzlib\nLibPQ (>=12)\n", []string{"3:1 error X003"}},
		{"duplicate normalized", "lib_foo\nlib.foo\n", []string{"2:1 error X003"}},
		{"same name other markers", "libpq; sys_platform == 'linux'\nlibpq; sys_platform == 'darwin'\n", nil},

		// X004
		{"no operator", "libpq (12)\n", []string{"1:* error X004"}},
		{"empty parentheses", "libpq ()\n", []string{"1:7 error X004"}},
		{"bad wildcard", "libpq (>=1.0.*)\n", []string{"1:* error X004"}},

		// X005
		{"unknown marker variable", "libpq; python_versoin > \"3\"\n", []string{"1:8 error X005"}},
		{"unknown marker variable after specifier", "libpq (>=12) ; os_nam == 'posix'\n", []string{"1:16 error X005"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := parseExtForTest(t, tt.in)
			if tt.want == nil {
				tt.want = []string{}
			}
			if got := diagSummary(ds); !matchDiagSummary(got, tt.want) {
				t.Errorf("got %v, want %v\n%s", got, tt.want, formatDiagList(ds))
			}
		})
	}
}

func TestParseExternalValues(t *testing.T) {
	e, ds := parseExtForTest(t, "# libs\n  libpq (>=12)  # postgres\nzlib ; sys_platform == \"linux\"\nlibffi\n")
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	if len(e.Deps) != 3 {
		t.Fatalf("deps: %+v", e.Deps)
	}
	d := e.Deps[0]
	if d.Name != "libpq" || d.Line != 2 || d.Column != 3 || d.Marker != nil ||
		len(d.Specifier) != 1 || d.Specifier[0].Op != ">=" || d.Specifier[0].Version != "12" {
		t.Errorf("first: %+v", d)
	}
	d = e.Deps[1]
	if d.Name != "zlib" || d.Line != 3 || d.Column != 1 || d.Marker == nil || len(d.Specifier) != 0 {
		t.Errorf("second: %+v", d)
	}
	d = e.Deps[2]
	if d.Name != "libffi" || d.Line != 4 || d.Marker != nil || d.Specifier != nil {
		t.Errorf("third: %+v", d)
	}
}

func TestNormalizeExternalName(t *testing.T) {
	for in, want := range map[string]string{
		"libpq": "libpq", "LibPQ": "libpq", "lib_foo.bar": "lib-foo-bar", "a--_b": "a-b", "libstdc++": "libstdc++", "x-": "x-",
	} {
		if got := NormalizeExternalName(in); got != want {
			t.Errorf("NormalizeExternalName(%q) = %q, want %q", in, got, want)
		}
	}
	if !reflect.DeepEqual([]bool{validExternalName("libpq"), validExternalName("gtk+-3.0"), validExternalName(""),
		validExternalName("-x"), validExternalName("a b")}, []bool{true, true, false, false, false}) {
		t.Error("validExternalName")
	}
}
