package venv

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// interpreters returns the Python 3.8+ interpreters to compare against:
// python3 on PATH, /usr/bin/python3, and any pyenv versions present. The
// test fails when there is none.
func interpreters(t *testing.T) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		real, err := filepath.EvalSymlinks(p)
		if err != nil || seen[real] {
			return
		}
		if exec.Command(p, "-c", "import sys, venv; assert sys.version_info >= (3, 8)").Run() != nil {
			return
		}
		seen[real] = true
		out = append(out, p)
	}
	if p, err := exec.LookPath("python3"); err == nil {
		add(p)
	}
	add("/usr/bin/python3")
	if home, err := os.UserHomeDir(); err == nil {
		m, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", "*", "bin", "python3"))
		for _, p := range m {
			add(p)
		}
	}
	if len(out) == 0 {
		t.Fatal("no Python 3.8+ interpreter with the venv module found")
	}
	if testing.Short() {
		out = out[:1]
	}
	return out
}

// describe is what a venv's interpreter reports, with the venv's path
// replaced by VENV.
const describe = `import json, sys, sysconfig
print(json.dumps({"prefix": sys.prefix, "base_prefix": sys.base_prefix, "exec_prefix": sys.exec_prefix,
 "path": sys.path, "paths": sysconfig.get_paths(), "executable": sys.executable}))`

func run(t *testing.T, py, dir string) map[string]any {
	t.Helper()
	out, err := exec.Command(py, "-c", describe).Output()
	if err != nil {
		t.Fatalf("%s: %v", py, err)
	}
	real, _ := filepath.EvalSymlinks(dir)
	s := strings.ReplaceAll(string(out), dir, "VENV")
	s = strings.ReplaceAll(s, real, "VENV")
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// tree lists a venv's files: path, and symlink target or "file"/"dir".
func tree(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		r, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out = append(out, r+" -> "+target)
		case d.IsDir():
			out = append(out, r+"/")
		default:
			out = append(out, r)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// TestCreateMatchesVenvModule creates a venv with Create and one with
// `python -m venv --without-pip` for each interpreter, and checks that
// they have the same files, links and pyvenv.cfg values, and that their
// interpreters report the same prefixes, sys.path and install paths.
func TestCreateMatchesVenvModule(t *testing.T) {
	for _, py := range interpreters(t) {
		t.Run(strings.ReplaceAll(py, "/", "_"), func(t *testing.T) {
			tmp := t.TempDir()
			ours, theirs := filepath.Join(tmp, "a", "env"), filepath.Join(tmp, "b", "env")
			in, err := Probe(context.Background(), py, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !in.Fresh() {
				t.Error("a fresh probe is not Fresh")
			}
			if _, err := Create(ours, in, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(in.BaseExecutable, "-m", "venv", "--without-pip", theirs).CombinedOutput(); err != nil {
				t.Fatalf("python -m venv: %v\n%s", err, out)
			}
			a, b := tree(t, ours), tree(t, theirs)
			// venv writes .gitignore from 3.13 on, and python3.X from 3.9
			// on; Create always does.
			extra := "bin/python3." + strings.Split(in.MinorVersion(), ".")[1] + " -> " + filepath.Base(in.BaseExecutable)
			drop := func(l []string) []string {
				var out []string
				for _, s := range l {
					if s != ".gitignore" && s != extra {
						out = append(out, s)
					}
				}
				return out
			}
			if !reflect.DeepEqual(drop(a), drop(b)) {
				t.Errorf("trees differ:\nCreate:  %q\nvenv:    %q", a, b)
			}
			for _, name := range []string{"activate", "activate.fish", "activate.csh"} {
				x, err1 := os.ReadFile(filepath.Join(ours, "bin", name))
				y, err2 := os.ReadFile(filepath.Join(theirs, "bin", name))
				if err1 != nil || err2 != nil {
					t.Errorf("%s: %v %v", name, err1, err2)
					continue
				}
				if strings.ReplaceAll(string(y), theirs, ours) != string(x) {
					t.Errorf("bin/%s differs from venv's", name)
				}
			}
			oc, _ := Open(ours)
			tc, _ := Open(theirs)
			for _, k := range []string{"home", "include-system-site-packages", "version", "executable"} {
				if k == "executable" && tc.Config.Get(k) == "" {
					continue // written from 3.11 on
				}
				if oc.Config.Get(k) != tc.Config.Get(k) {
					t.Errorf("pyvenv.cfg %s = %q, venv wrote %q", k, oc.Config.Get(k), tc.Config.Get(k))
				}
			}
			if p := oc.Problem(); p != "" {
				t.Errorf("Problem() = %q for a fresh venv", p)
			}
			ra, rb := run(t, filepath.Join(ours, "bin", "python"), ours), run(t, filepath.Join(theirs, "bin", "python"), theirs)
			rb2, _ := json.Marshal(rb)
			rb2s := strings.ReplaceAll(string(rb2), filepath.Dir(theirs), filepath.Dir(ours))
			json.Unmarshal([]byte(rb2s), &rb)
			if !reflect.DeepEqual(ra, rb) {
				t.Errorf("interpreters differ:\nCreate: %v\nvenv:   %v", ra, rb)
			}
		})
	}
}

// TestProblem: a venv whose base interpreter vanished says so.
func TestProblem(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "pyvenv.cfg"), []byte("home = /nonexistent/bin\nversion = 3.11.7\nexecutable = /nonexistent/bin/python3.11\n"), 0o644)
	os.Symlink("/nonexistent/bin/python3.11", filepath.Join(dir, "bin", "python"))
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p := v.Problem(); !strings.Contains(p, "base interpreter /nonexistent/bin/python3.11 is gone") {
		t.Errorf("Problem() = %q", p)
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Error("Open of an empty directory succeeded")
	}
}

func TestParseConfig(t *testing.T) {
	c := ParseConfig([]byte("home = /usr/bin\nInclude-System-Site-Packages=false\n no equals here\nversion = 3.11.2 \nprompt = 'a = b'\n"))
	want := map[string]string{"home": "/usr/bin", "include-system-site-packages": "false", "version": "3.11.2", "prompt": "'a = b'"}
	if !reflect.DeepEqual(c.Keys, want) {
		t.Errorf("got %v", c.Keys)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("home = /usr/bin\nversion = 3.11.2\n"))
	f.Add([]byte("=\n=x\nk=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := ParseConfig(data)
		if len(c.Order) != len(c.Keys) {
			t.Fatalf("order %v and keys %v disagree", c.Order, c.Keys)
		}
		for k, v := range c.Keys {
			if k != strings.ToLower(strings.TrimSpace(k)) || v != strings.TrimSpace(v) {
				t.Fatalf("untrimmed %q = %q", k, v)
			}
		}
	})
}
