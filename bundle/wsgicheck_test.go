package bundle

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bundle-wsgi/bundle/spec"
)

const shebang = "#!/usr/bin/env python3\n"

// diagSummary renders diagnostics as "CODE line:col" lines, for comparison.
func diagSummary(ds spec.Diagnostics) string {
	var s []string
	for _, d := range ds {
		s = append(s, d.Code+" "+itoa(d.Line)+":"+itoa(d.Column))
	}
	return strings.Join(s, "\n")
}

func itoa(n int) string { return strconv.Itoa(n) }

func writeWSGIApp(t *testing.T, content string, perm os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "wsgiapp")
	if err := os.WriteFile(p, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, perm); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckWSGIAppBindings(t *testing.T) {
	py := mustPython(t)
	tests := []struct {
		name string
		src  string
		want string // "" (valid), or "W001", or "W002 L:C"
	}{
		{"assign", "application = make()\n", ""},
		{"from import", "from hello import application\n", ""},
		{"from import as", "from hello import app as application\n", ""},
		{"import as", "import hello.wsgi as application\n", ""},
		{"import binds its first component", "import application.sub\n", ""},
		{"tuple assign", "a, application = 1, 2\n", ""},
		{"nested unpacking", "a, (b, *application) = f()\n", ""},
		{"list target", "[application, b] = f()\n", ""},
		{"chained assign", "app = application = f()\n", ""},
		{"annotated with value", "application: object = f()\n", ""},
		{"aug assign", "application = f()\napplication += g()\n", ""},
		{"def", "def application(environ, start_response):\n    pass\n", ""},
		{"async def", "async def application(scope, receive, send):\n    pass\n", ""},
		{"class", "class application:\n    pass\n", ""},
		{"inside if", "import os\nif os.environ.get('X'):\n    application = a()\nelse:\n    application = b()\n", ""},
		{"inside try", "try:\n    from fast import application\nexcept ImportError:\n    pass\n", ""},
		{"inside except", "try:\n    pass\nexcept ImportError:\n    from slow import app as application\n", ""},
		{"inside finally", "try:\n    pass\nfinally:\n    application = f()\n", ""},
		{"with as", "with f() as application:\n    pass\n", ""},
		{"for target", "for application in f():\n    break\n", ""},
		{"walrus", "if (application := f()):\n    pass\n", ""},
		{"star import: benefit of the doubt", "from hello import *\n", ""},
		{"missing", "from hello import app\n", "W001 0:0"},
		{"empty module body", "# just a comment\n", "W001 0:0"},
		{"annotation only", "application: object\n", "W001 0:0"},
		{"inside a function", "def setup():\n    application = f()\n", "W001 0:0"},
		{"global in a function", "def setup():\n    global application\n    application = f()\n", "W001 0:0"},
		{"inside a class", "class C:\n    application = f()\n", "W001 0:0"},
		{"attribute target", "import x\nx.application = f()\n", "W001 0:0"},
		{"comprehension variable", "[application for application in f()]\n", "W001 0:0"},
		{"lambda argument", "f = lambda application: application\n", "W001 0:0"},
		{"string mention", "s = 'application = 1'\n", "W001 0:0"},
		{"syntax error", "application = (\n", "W002 2:15"},
		{"syntax error position", "import os\ndef f(:\n    pass\n", "W002 3:7"},
		{"syntax error after non-ASCII", "x = 'é' + $\n", "W002 2:11"},
		{"bad indent", "if True:\nfoo()\n", "W002 3:1"},
		{"null byte", "x = 1\nab\x00c\n", "W002 3:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeWSGIApp(t, shebang+tt.src, 0o755)
			ds := CheckWSGIApp(context.Background(), py, p)
			got := diagSummary(ds)
			// the shebang is line 1, so source lines are one down
			if got != tt.want {
				t.Errorf("got %q, want %q (%v)", got, tt.want, ds)
			}
			for _, d := range ds {
				if d.File != p || d.Message == "" || d.Hint == "" || d.Severity != spec.SeverityError {
					t.Errorf("bad diagnostic %+v", d)
				}
			}
		})
	}
}

func TestCheckWSGIAppFile(t *testing.T) {
	py := mustPython(t)
	good := shebang + "application = f()\n"
	tests := []struct {
		name    string
		content *string // nil: no file
		perm    os.FileMode
		py      *Python
		want    string
		sev     []spec.Severity
	}{
		{"valid", &good, 0o755, py, "", nil},
		{"only owner may run it", &good, 0o700, py, "", nil},
		{"not executable", &good, 0o644, py, "W004 0:0", []spec.Severity{spec.SeverityWarning}},
		{"no shebang", ptr("application = f()\n"), 0o755, py, "W005 1:1", []spec.Severity{spec.SeverityWarning}},
		{"byte order mark before shebang", ptr("\uFEFF" + good), 0o755, py, "W005 1:1", []spec.Severity{spec.SeverityWarning}},
		{"no shebang, not executable, no application", ptr("app = f()\n"), 0o600, py, "W004 0:0\nW005 1:1\nW001 0:0",
			[]spec.Severity{spec.SeverityWarning, spec.SeverityWarning, spec.SeverityError}},
		{"empty", ptr(""), 0o755, py, "B003 0:0", []spec.Severity{spec.SeverityError}},
		{"only white space", ptr("\n  \n\t\n"), 0o755, py, "B003 0:0", []spec.Severity{spec.SeverityError}},
		{"not UTF-8", ptr(shebang + "application = 'caf\xe9'\n"), 0o755, py, "B004 2:19", []spec.Severity{spec.SeverityError}},
		{"missing", nil, 0, py, "B001 0:0", []spec.Severity{spec.SeverityError}},
		{"no interpreter", &good, 0o755, nil, "W003 0:0", []spec.Severity{spec.SeverityInfo}},
		{"no interpreter, syntax not checked", ptr(shebang + "def (\n"), 0o755, nil, "W003 0:0", []spec.Severity{spec.SeverityInfo}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "wsgiapp")
			if tt.content != nil {
				p = writeWSGIApp(t, *tt.content, tt.perm)
			}
			ds := CheckWSGIApp(context.Background(), tt.py, p)
			if got := diagSummary(ds); got != tt.want {
				t.Fatalf("got %q, want %q (%v)", got, tt.want, ds)
			}
			for i, d := range ds {
				if d.Severity != tt.sev[i] {
					t.Errorf("%s: severity %s, want %s", d.Code, d.Severity, tt.sev[i])
				}
			}
			if tt.py == nil && !strings.Contains(ds[len(ds)-1].Message, "no python interpreter found") {
				t.Errorf("W003 message does not say why: %q", ds[len(ds)-1].Message)
			}
		})
	}
}

func TestCheckWSGIAppBrokenPython(t *testing.T) {
	bin := t.TempDir()
	broken := &Python{Path: fakePython(t, bin, "python3", `echo "boom" >&2; exit 1`), Version: "3.11.0"}
	garbage := &Python{Path: fakePython(t, bin, "python3g", `cat >/dev/null; echo not json`), Version: "3.11.0"}
	p := writeWSGIApp(t, shebang+"application = f()\n", 0o755)
	for _, tt := range []struct {
		py   *Python
		want string
	}{{broken, "failed: boom"}, {garbage, "unexpected output"}} {
		ds := CheckWSGIApp(context.Background(), tt.py, p)
		if len(ds) != 1 || ds[0].Code != "W003" || ds[0].Severity != spec.SeverityInfo || !strings.Contains(ds[0].Message, tt.want) {
			t.Errorf("%s: got %v, want one W003 info containing %q", tt.py.Path, ds, tt.want)
		}
	}
}

// TestCheckWSGIAppNeverRuns checks that the file is parsed, not executed,
// and that a module next to it cannot shadow the standard library.
func TestCheckWSGIAppNeverRuns(t *testing.T) {
	py := mustPython(t)
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	src := shebang + "open(" + quotePy(marker) + ", 'w').write('x')\napplication = 1\n"
	p := filepath.Join(dir, "wsgiapp")
	if err := os.WriteFile(p, []byte(src), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ast.py"), []byte("open("+quotePy(marker)+", 'w').write('x')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if ds := CheckWSGIApp(context.Background(), py, p); len(ds) != 0 {
		t.Fatalf("unexpected diagnostics %v", ds)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the check executed code")
	}
}

func quotePy(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

func ptr(s string) *string { return &s }
