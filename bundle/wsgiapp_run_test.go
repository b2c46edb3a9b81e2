package bundle

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// wheelhouse is ../shared/wheelhouse seen from the repository root.
const wheelhouse = "../../shared/wheelhouse"

// loadAndCall imports bin/wsgiapp the way servers do (by path, as module
// "wsgiapp"), calls its application with a GET of argv[2] and prints the
// status and body.
const loadAndCall = `
import importlib.machinery, importlib.util, sys
from wsgiref.util import setup_testing_defaults
loader = importlib.machinery.SourceFileLoader("wsgiapp", sys.argv[1])
spec = importlib.util.spec_from_loader("wsgiapp", loader)
mod = importlib.util.module_from_spec(spec)
loader.exec_module(mod)
env = {}
setup_testing_defaults(env)
env["PATH_INFO"] = sys.argv[2]
status = []
body = b"".join(mod.application(env, lambda s, h, exc_info=None: status.append(s)))
print(status[0])
print(body.decode())
`

// TestWSGIAppRuns creates a virtual environment with the real Flask and
// Django wheels and checks that the bin/wsgiapp Init writes imports and
// serves each kind of app, from any working directory, and that running it
// without bundle_runtime exits 2 with the contract's message.
func TestWSGIAppRuns(t *testing.T) {
	py := mustPython(t)
	if testing.Short() {
		t.Skip("creates a virtual environment")
	}
	wh, err := filepath.Abs(wheelhouse)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(wh, "SHA256SUMS")); err != nil {
		t.Fatalf("this test needs the wheelhouse at %s: %v", wh, err)
	}
	venv := filepath.Join(t.TempDir(), "venv")
	run := func(dir string, name string, args ...string) (string, string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	if _, stderr, err := run("", py.Path, "-m", "venv", venv); err != nil {
		t.Fatalf("python -m venv: %v\n%s", err, stderr)
	}
	vpy := filepath.Join(venv, "bin", "python")
	if _, stderr, err := run("", vpy, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
		"--no-index", "--find-links", wh, "flask==3.1.3", "django==3.2.25"); err != nil {
		t.Fatalf("pip install: %v\n%s", err, stderr)
	}

	djangoSettings := "SECRET_KEY = 'test'\nDEBUG = False\nALLOWED_HOSTS = ['*']\nROOT_URLCONF = 'mysite.urls'\n" +
		"INSTALLED_APPS = []\nMIDDLEWARE = []\nDATABASES = {}\n"
	djangoURLs := "from django.http import HttpResponse\nfrom django.urls import path\n\n" +
		"urlpatterns = [path('', lambda request: HttpResponse('hello django'))]\n"
	tests := []struct {
		name  string
		files map[string]string
		app   string
		body  string
	}{
		{"flask object", map[string]string{"hello.py": flaskHello}, "", "hello"},
		{"flask factory", map[string]string{"flaskr/__init__.py": flaskFactory}, "", "hello factory"},
		{"flask factory in src", map[string]string{"src/flaskr/__init__.py": flaskFactory}, "", "hello factory"},
		{"--app factory", map[string]string{"web/__init__.py": "", "web/factory.py": flaskFactory}, "web.factory:create_app()", "hello factory"},
		{"django", map[string]string{
			"manage.py": "", "mysite/__init__.py": "", "mysite/wsgi.py": djangoWSGI,
			"mysite/settings.py": djangoSettings, "mysite/urls.py": djangoURLs,
		}, "", "hello django"},
		{"django in a subdirectory", map[string]string{
			"backend/manage.py": "", "backend/mysite/__init__.py": "", "backend/mysite/wsgi.py": djangoWSGI,
			"backend/mysite/settings.py": djangoSettings, "backend/mysite/urls.py": djangoURLs,
		}, "", "hello django"},
	}
	elsewhere := t.TempDir()
	fakeRuntime := t.TempDir()
	if err := os.WriteFile(filepath.Join(fakeRuntime, "bundle_runtime.py"),
		[]byte("def main(app):\n    print('main called with', type(app).__name__ if not callable(app) else 'a callable')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			if _, err := Init(context.Background(), InitOptions{Dir: dir, App: tt.app, Python: py}); err != nil {
				t.Fatal(err)
			}
			wsgiapp := filepath.Join(dir, "bin", "wsgiapp")
			if ds := CheckWSGIApp(context.Background(), py, wsgiapp); len(ds) != 0 {
				t.Errorf("CheckWSGIApp: %v", ds)
			}
			// Loaded as a module from another directory.
			stdout, stderr, err := run(elsewhere, vpy, "-c", loadAndCall, wsgiapp, "/")
			if err != nil {
				t.Fatalf("loading bin/wsgiapp: %v\n%s\n%s", err, stderr, readFile(t, dir, "bin/wsgiapp"))
			}
			if want := "200 OK\n" + tt.body + "\n"; stdout != want {
				t.Errorf("got %q, want %q", stdout, want)
			}
			// Run as a program without bundle_runtime: exit 2 and the message.
			_, stderr, err = run(elsewhere, vpy, wsgiapp)
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
				t.Errorf("running bin/wsgiapp: %v, want exit status 2\n%s", err, stderr)
			}
			if want := "bundle_runtime is not installed in this environment: run `bundle sync`, then try again\n"; stderr != want {
				t.Errorf("stderr %q, want %q", stderr, want)
			}
			// With a bundle_runtime, main gets the application.
			cmd := exec.Command(vpy, wsgiapp)
			cmd.Dir = elsewhere
			cmd.Env = append(os.Environ(), "PYTHONPATH="+fakeRuntime)
			out, err := cmd.CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "main called with a callable" {
				t.Errorf("with bundle_runtime: %v\n%s", err, out)
			}
		})
	}
}
