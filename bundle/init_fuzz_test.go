package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseAppRef checks that no --app value panics, and that an accepted
// one prints back to a value that parses to the same reference.
func FuzzParseAppRef(f *testing.F) {
	for _, s := range []string{"app:app", "pkg.mod:create_app()", "mod", "a:b()", "", ":", "a:", "a.b.:c", "a:b(x)", "é:ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseAppRef(s)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.ToLower(msg[:1]) != msg[:1] {
				t.Errorf("ParseAppRef(%q): bad error message %q", s, msg)
			}
			return
		}
		again, err := ParseAppRef(ref.String())
		if err != nil || again != ref {
			t.Errorf("ParseAppRef(%q) = %+v, whose String %q parses to %+v, %v", s, ref, ref.String(), again, err)
		}
	})
}

// FuzzDetectSource feeds arbitrary Python source to the app detection,
// which must not panic.
func FuzzDetectSource(f *testing.F) {
	for _, s := range []string{
		"from flask import Flask\napp = Flask(__name__)\n",
		"def create_app(config=None):\n    return Flask(__name__)\n",
		"from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
		"def create_app(\n", "app = Flask(", "\"\"\"\napp = Flask(__name__)\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fileCandidates("pkg/wsgi.py", "pkg.wsgi", "", src)
		fileCandidates("app.py", "app", "", src)
	})
}

// FuzzImportRequirements feeds arbitrary requirements.txt content to the
// importer of `bundle init`, which must not panic.
func FuzzImportRequirements(f *testing.F) {
	for _, s := range []string{
		"flask>=3\n", "-r other.txt\n", "-e .\ngit+https://x.invalid/r.git\n", "flask==3.1.3 \\\n  --hash=sha256:00\n",
		"--index-url https://x.invalid/simple\n", "requests[socks]; python_version < '3.9'\n", "\\", "-r requirements.txt\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		importRequirements(dir, nil)
	})
}

// TestImportRequirementsSpecialFiles: an include of a device, a FIFO or a
// directory is skipped with a warning instead of hanging (found by fuzzing).
func TestImportRequirementsSpecialFiles(t *testing.T) {
	for _, inc := range []string{"/dev/zero", "/dev/stdin", ".", "/"} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("flask\n-r "+inc+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		ri := importRequirements(dir, nil)
		if len(ri.Reqs) != 1 {
			t.Errorf("-r %s: imported %v", inc, ri.Reqs)
		}
	}
}
