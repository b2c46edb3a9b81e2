package spec

import (
	"reflect"
	"strings"
	"testing"
)

var (
	testHash64  = strings.Repeat("a", 64)
	testHash64b = strings.Repeat("b", 64)
)

// matchDiagSummary compares diagSummary() output with want, where a column of "*"
// in want matches any column (for positions chosen by the PEP 508 parser).
func matchDiagSummary(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if strings.Contains(w, ":* ") {
			gl, gr, _ := strings.Cut(g, " ")
			wl, wr, _ := strings.Cut(w, " ")
			if gr != wr || strings.Split(gl, ":")[0] != strings.Split(wl, ":")[0] {
				return false
			}
			continue
		}
		if g != w {
			return false
		}
	}
	return true
}

func parseDepsForTest(t *testing.T, in string) (*Dependencies, Diagnostics) {
	t.Helper()
	d, ds := ParseDependencies(strings.NewReader(in), "dependencies.txt")
	if d == nil {
		t.Fatal("nil Dependencies")
	}
	checkDiagStyle(t, "dependencies.txt", ds)
	return d, ds
}

func TestParseDependenciesDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{"0:0 error B003"}},
		{"comment only", "# no dependencies\n", nil},
		{"blank lines", "\n \n\t\n", nil},
		{"not utf8", "flask==1.0\n# caf\xe9\n", []string{"2:6 error B004"}},
		{"pinned", "flask==3.0.3 --hash=sha256:" + testHash64 + "\n", nil},
		{"pinned triple eq", "flask===3.0.3 --hash sha256:" + testHash64 + "\n", nil},
		{"pinned extras marker", "Flask[async]==3.0.3 ; python_version >= \"3.8\" --hash=sha256:" + testHash64 + " --hash=sha512:" + strings.Repeat("c", 128) + "\n", nil},
		{"crlf and bom", "\xef\xbb\xbfflask==3.0.3 \\\r\n    --hash=sha256:" + testHash64 + "\r\n", nil},
		{"pip-compile output", "#\n# pip-compile\n#\nclick==8.1.7 \\\n    --hash=sha256:" + testHash64 + " \\\n    --hash=sha256:" + testHash64b + "\n    # via flask\nflask==3.0.3 \\\n    --hash=sha256:" + testHash64 + "\n    # via -r requirements.in\n", nil},

		// D001
		{"malformed", "flask==3.0.3 --hash=sha256:" + testHash64 + "\nrequests>=2,\n", []string{"2:* error D001"}},
		{"malformed name", "  fl$sk==1\n", []string{"1:* error D001"}},
		{"backslash not last", "flask==3.0.3 \\ \n", []string{"1:1 warning D007", "1:14 error D001"}},
		{"backslash in comment", "flask==3.0.3 # pinned \\\nclick==8.1.7\n", []string{"1:1 warning D007", "1:23 error D001", "2:1 warning D007"}},
		{"comment line backslash is fine", "# see below \\\nflask==3.0.3 --hash=sha256:" + testHash64 + "\n", nil},
		{"option without value", "--index-url\n", []string{"1:1 error D001"}},
		{"option empty value", "  --find-links=\n", []string{"1:3 error D001"}},
		{"no-index with value", "--no-index=yes\n", []string{"1:1 error D001"}},
		{"word after option", "--no-index flask\n", []string{"1:12 error D001"}},

		// D002, also across continuation lines
		{"marker variable", "flask==3.0.3; python_versoin < \"3.9\"\n", []string{"1:15 error D002"}},
		{"marker variable continued", "flask==3.0.3 \\\n  ;\\\n python_versoin<'3'\n", []string{"3:2 error D002"}},

		// D003
		{"duplicate", "Flask==3.0.3 --hash=sha256:" + testHash64 + "\nclick==8.1.7 --hash=sha256:" + testHash64 + "\nFLASK==3.0.2\n", []string{"3:1 error D003"}},
		{"same name other marker", "numpy==1.26.4; python_version >= \"3.9\" --hash=sha256:" + testHash64 + "\nnumpy==1.24.4; python_version < \"3.9\" --hash=sha256:" + testHash64 + "\n", nil},
		{"same name same marker", "numpy==1.26.4; python_version >= \"3.9\" --hash=sha256:" + testHash64 + "\nnumpy==1.24.4 ;python_version>='3.9' --hash=sha256:" + testHash64 + "\n", []string{"2:1 error D003"}},

		// D004
		{"editable", "-e ./src\n", []string{"1:1 error D004"}},
		{"editable long", "  --editable=git+https://example.com/x.git#egg=x\n", []string{"1:3 error D004"}},
		{"editable attached", "-e.\n", []string{"1:1 error D004"}},
		{"include", "-r other.txt\n", []string{"1:1 error D004"}},
		{"include long", "--requirement=other.txt\n", []string{"1:1 error D004"}},
		{"constraint", "-c constraints.txt\n", []string{"1:1 error D004"}},
		{"constraint long", "--constraint constraints.txt\n", []string{"1:1 error D004"}},
		{"vcs git", "git+https://github.com/pallets/flask.git@3.0.3#egg=flask\n", []string{"1:1 error D004"}},
		{"vcs hg", "hg+https://example.com/repo\n", []string{"1:1 error D004"}},
		{"vcs svn", "\tsvn+svn://example.com/repo\n", []string{"1:2 error D004"}},
		{"vcs bzr", "bzr+lp:project\n", []string{"1:1 error D004"}},
		{"url", "https://example.com/flask-3.0.3.tar.gz\n", []string{"1:1 error D004"}},
		{"file url", "file:///srv/wheels/flask-3.0.3-py3-none-any.whl\n", []string{"1:1 error D004"}},
		{"relative path", "./src\n", []string{"1:1 error D004"}},
		{"parent path", "../lib[extra]\n", []string{"1:1 error D004"}},
		{"absolute path", "/srv/flask\n", []string{"1:1 error D004"}},
		{"dir path", "vendor/flask\n", []string{"1:1 error D004"}},
		{"wheel", "flask-3.0.3-py3-none-any.whl\n", []string{"1:1 error D004"}},
		{"sdist", "flask-3.0.3.tar.gz\n", []string{"1:1 error D004"}},
		{"zip", "flask.zip\n", []string{"1:1 error D004"}},
		{"direct reference", "flask @ https://example.com/flask-3.0.3.tar.gz\n", []string{"1:1 error D004"}},
		{"direct reference no spaces", "flask@https://example.com/flask.whl --hash=sha256:" + testHash64 + "\n", []string{"1:1 error D004"}},
		{"editable after requirement", "flask==3.0.3 -e .\n", []string{"1:14 error D004"}},

		// D005
		{"hash algo", "flask==3.0.3 --hash=md5:0123\n", []string{"1:1 warning D007", "1:21 error D005"}},
		{"hash no colon", "flask==3.0.3 --hash=sha256" + testHash64 + "\n", []string{"1:1 warning D007", "1:21 error D005"}},
		{"hash upper", "flask==3.0.3 --hash=sha256:" + strings.ToUpper(testHash64) + "\n", []string{"1:1 warning D007", "1:28 error D005"}},
		{"hash bad digit", "flask==3.0.3 --hash sha256:abcx\n", []string{"1:1 warning D007", "1:31 error D005"}},
		{"hash short", "flask==3.0.3 --hash=sha256:" + testHash64[:63] + "\n", []string{"1:1 warning D007", "1:28 error D005"}},
		{"hash sha512 short", "flask==3.0.3 --hash=sha256:" + testHash64 + " --hash=sha512:" + testHash64 + "\n", []string{"1:107 error D005"}},
		{"hash on continuation", "flask==3.0.3 \\\n    --hash=sha256:" + testHash64 + " \\\n    --hash=sha256:" + strings.Repeat("G", 64) + "\n", []string{"3:19 error D005"}},
		{"requirement after options", "flask==3.0.3 --hash=sha256:" + testHash64 + " click==8.1.7\n", []string{"1:93 error D001"}},
		{"hash without value", "flask==3.0.3 --hash\n", []string{"1:14 error D001"}},

		// D006, D007
		{"not pinned", "flask>=3\n", []string{"1:1 warning D006"}},
		{"wildcard", "flask==3.* --hash=sha256:" + testHash64 + "\n", []string{"1:1 warning D006"}},
		{"range", "  flask>=3,<4 --hash=sha256:" + testHash64 + "\n", []string{"1:3 warning D006"}},
		{"bare name", "flask\n", []string{"1:1 warning D006"}},
		{"only sha384", "flask==3.0.3 --hash=sha384:" + strings.Repeat("d", 96) + "\n", []string{"1:1 warning D007"}},

		// D008
		{"unsupported global", "--pre\n", []string{"1:1 error D008"}},
		{"unsupported trusted-host", "-i https://example.com/simple --trusted-host example.com\n", []string{"1:31 error D008"}},
		{"unsupported per-requirement", "flask==3.0.3 --install-option=--x\n", []string{"1:14 error D008"}},
		{"hash alone", "--hash=sha256:" + testHash64 + "\n", []string{"1:1 error D008"}},
		{"short attached unknown", "-Z\n", []string{"1:1 error D008"}},

		// D009
		{"continuation at eof", "flask==3.0.3 --hash=sha256:" + testHash64 + " \\\n", []string{"1:93 error D009"}},
		{"continuation at eof no newline", "# x\nflask==3.0.3 \\", []string{"2:1 warning D007", "2:14 error D009"}},

		// D010
		{"index twice", "-i https://a.example/simple\n--index-url=https://b.example/simple\n", []string{"2:1 error D010"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := parseDepsForTest(t, tt.in)
			got := diagSummary(ds)
			if tt.want == nil {
				tt.want = []string{}
			}
			if !matchDiagSummary(got, tt.want) {
				t.Errorf("got %v, want %v\n%s", got, tt.want, formatDiagList(ds))
			}
		})
	}
}

func TestParseDependenciesValues(t *testing.T) {
	in := "# app requirements\n" +
		"--index-url https://example.com/simple\n" +
		"--extra-index-url=https://extra.example/simple -f ./wheels\n" +
		"--find-links=https://example.com/wheels/ --no-index\n" +
		"\n" +
		"Flask[async] == 3.0.3 ; python_version >= \"3.8\" \\\n" +
		"    --hash=sha256:" + testHash64 + " \\\n" +
		"    --hash sha512:" + strings.Repeat("0", 128) + "  # trailing comment\n" +
		"\tclick==8.1.7\n"
	d, ds := parseDepsForTest(t, in)
	if got := diagSummary(ds); !reflect.DeepEqual(got, []string{"9:2 warning D007"}) {
		t.Errorf("diagnostics %v\n%s", got, formatDiagList(ds))
	}
	if d.IndexURL != "https://example.com/simple" || !d.NoIndex ||
		!reflect.DeepEqual(d.ExtraIndexURLs, []string{"https://extra.example/simple"}) ||
		!reflect.DeepEqual(d.FindLinks, []string{"./wheels", "https://example.com/wheels/"}) {
		t.Errorf("options: %+v", d)
	}
	if len(d.Requirements) != 2 {
		t.Fatalf("requirements: %+v", d.Requirements)
	}
	r := d.Requirements[0]
	if r.Line != 6 || r.Column != 1 || r.Raw != `Flask[async] == 3.0.3 ; python_version >= "3.8"` ||
		!reflect.DeepEqual(r.Hashes, []Hash{{"sha256", testHash64}, {"sha512", strings.Repeat("0", 128)}}) {
		t.Errorf("first: %+v", r)
	}
	if r.Req == nil || r.Req.Name != "Flask" || !reflect.DeepEqual(r.Req.Extras, []string{"async"}) || r.Req.Marker == nil {
		t.Errorf("first requirement: %+v", r.Req)
	}
	if !r.Pinned() || !r.HasSHA256() {
		t.Errorf("first: pinned %v, sha256 %v", r.Pinned(), r.HasSHA256())
	}
	r = d.Requirements[1]
	if r.Line != 9 || r.Column != 2 || r.Raw != "click==8.1.7" || len(r.Hashes) != 0 || !r.Pinned() || r.HasSHA256() {
		t.Errorf("second: %+v", r)
	}
}

func TestParseDependenciesMessages(t *testing.T) {
	_, ds := parseDepsForTest(t, "flask>=3\nflask>=3.1\n")
	if len(ds) != 2 || ds[0].Message != "flask>=3 is not pinned" ||
		ds[1].Message != `duplicate requirement "flask" (first on line 1)` {
		t.Errorf("got\n%s", formatDiagList(ds))
	}
	_, ds = parseDepsForTest(t, "foo @ https://example.com/foo.whl\n")
	if len(ds) != 1 || !strings.Contains(ds[0].Message, "reproducible, hashed installs from an index") ||
		!strings.Contains(ds[0].Hint, "Publish a wheel to an index or a find-links directory and pin it") {
		t.Errorf("got\n%s", formatDiagList(ds))
	}
}

func TestDepLineMethods(t *testing.T) {
	mk := func(specs ...Specifier) DepLine { return DepLine{Req: &Requirement{Name: "x", Specifier: specs}} }
	for _, tt := range []struct {
		d    DepLine
		want bool
	}{
		{mk(Specifier{Op: "==", Version: "1.0"}), true},
		{mk(Specifier{Op: "===", Version: "1.0"}), true},
		{mk(Specifier{Op: "==", Version: "1.*"}), false},
		{mk(Specifier{Op: ">=", Version: "1.0"}), false},
		{mk(Specifier{Op: "==", Version: "1.0"}, Specifier{Op: "!=", Version: "1.1"}), false},
		{mk(Specifier{Op: "==", Version: "1.0", Legacy: true}), false},
		{mk(), false},
		{DepLine{}, false},
	} {
		if got := tt.d.Pinned(); got != tt.want {
			t.Errorf("Pinned(%+v) = %v", tt.d.Req, got)
		}
	}
	if (DepLine{Hashes: []Hash{{"sha512", "x"}}}).HasSHA256() || !(DepLine{Hashes: []Hash{{"sha512", "x"}, {"sha256", "y"}}}).HasSHA256() {
		t.Error("HasSHA256")
	}
}

func TestFormOf(t *testing.T) {
	for s, want := range map[string]string{
		"flask":                 "",
		"flask.ext==1":          "",
		"zope.interface>=5":     "",
		"foo; os_name == 'a/b'": "",
		"foo@https://x/y":       "",
		"GIT+https://x":         "vcs requirement",
		"HTTP://x/y":            "url requirement",
		"file:foo":              "url requirement",
		".":                     "local path",
		"~/src/x":               "local path",
		`C:\src\x`:              "local path",
		"x.TAR.GZ":              "local archive",
		"x.whl[extra]":          "local archive",
		"x.tgz ; os_name=='a'":  "local archive",
	} {
		if got := formOf(s); got != want {
			t.Errorf("formOf(%q) = %q, want %q", s, got, want)
		}
	}
}
