package resolve

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

var update = flag.Bool("update", false, "rewrite golden files")

var testEnv = wheel.Target{Python: [3]int{3, 11, 7}, Platform: "manylinux_2_28_x86_64"}.Environment()

func rel(name, version string, requires ...string) MemoryRelease {
	return MemoryRelease{Name: name, Version: version, Requires: requires}
}

func reqs(t *testing.T, ss ...string) []*spec.Requirement {
	t.Helper()
	var out []*spec.Requirement
	for _, s := range ss {
		r, err := spec.ParseRequirement(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func render(sol *Solution) string {
	var parts []string
	for _, d := range sol.Dists {
		s := d.Name + "==" + d.Version.String()
		if len(d.Extras) > 0 {
			s += "[" + strings.Join(d.Extras, ",") + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name     string
		universe []MemoryRelease
		root     []string
		prefer   map[string]string
		want     string // solution, or "error: substring"
	}{
		{
			name:     "highest versions",
			universe: []MemoryRelease{rel("a", "1.0", "b>=1"), rel("a", "2.0", "b>=2"), rel("b", "1.0"), rel("b", "2.0"), rel("b", "2.1")},
			root:     []string{"a"},
			want:     "a==2.0 b==2.1",
		},
		{
			name: "backtracking",
			universe: []MemoryRelease{
				rel("a", "1.0", "c<2"), rel("a", "2.0", "c>=2"),
				rel("b", "1.0", "c<2"),
				rel("c", "1.0"), rel("c", "2.0"),
			},
			root: []string{"a", "b"},
			want: "a==1.0 b==1.0 c==1.0",
		},
		{
			name: "deep backtracking",
			universe: []MemoryRelease{
				rel("a", "1.0", "b==1.0"), rel("a", "2.0", "b==2.0"),
				rel("b", "1.0", "c==1.0"), rel("b", "2.0", "c==2.0"),
				rel("c", "1.0"), rel("c", "2.0", "d==9"),
				rel("d", "1.0"),
			},
			root: []string{"a"},
			want: "a==1.0 b==1.0 c==1.0",
		},
		{
			name: "extras and extras of extras",
			universe: []MemoryRelease{
				{Name: "web", Version: "1.0", Extras: []string{"async", "all"}, Requires: []string{
					"core", `aio>=2; extra == "async"`, `web[async]; extra == "all"`, `fancy; extra == "all"`}},
				rel("core", "1.0"), rel("aio", "1.0"), rel("aio", "2.0"), rel("fancy", "3.0"),
			},
			root: []string{"web[all]"},
			want: "aio==2.0 core==1.0 fancy==3.0 web==1.0[all,async]",
		},
		{
			name: "extra not provided installs the base",
			universe: []MemoryRelease{
				{Name: "web", Version: "1.0", Requires: []string{"core", `aio; extra == "async"`}}, rel("core", "1.0"), rel("aio", "1.0"),
			},
			root: []string{"web[async]"},
			want: "core==1.0 web==1.0[async]",
		},
		{
			name: "markers drop a dependency on the target",
			universe: []MemoryRelease{
				rel("a", "1.0", `win-only; sys_platform == "win32"`, `old-py; python_version < "3.8"`, `new-py; python_version >= "3.8"`),
				rel("new-py", "1.0"),
			},
			root: []string{"a", `ignored; os_name == "nt"`},
			want: "a==1.0 new-py==1.0",
		},
		{
			name:     "pre-releases excluded",
			universe: []MemoryRelease{rel("a", "1.0"), rel("a", "2.0b1")},
			root:     []string{"a"},
			want:     "a==1.0",
		},
		{
			name:     "pre-releases when asked",
			universe: []MemoryRelease{rel("a", "1.0"), rel("a", "2.0b1")},
			root:     []string{"a>=2.0b1"},
			want:     "a==2.0b1",
		},
		{
			name:     "pre-releases when they are the only candidates",
			universe: []MemoryRelease{rel("a", "1.0", "b>=1.5"), rel("b", "1.0"), rel("b", "2.0rc1")},
			root:     []string{"a"},
			want:     "a==1.0 b==2.0rc1",
		},
		{
			name:     "yanked skipped",
			universe: []MemoryRelease{rel("a", "1.0"), {Name: "a", Version: "2.0", Yanked: true}},
			root:     []string{"a"},
			want:     "a==1.0",
		},
		{
			name:     "yanked when pinned",
			universe: []MemoryRelease{rel("a", "1.0"), {Name: "a", Version: "2.0", Yanked: true}},
			root:     []string{"a==2.0"},
			want:     "a==2.0",
		},
		{
			name:     "requires-python in metadata",
			universe: []MemoryRelease{rel("a", "1.0"), {Name: "a", Version: "2.0", RequiresPython: ">=3.12"}},
			root:     []string{"a"},
			want:     "a==1.0",
		},
		{
			name:     "preferences",
			universe: []MemoryRelease{rel("a", "1.0"), rel("a", "2.0"), rel("a", "3.0")},
			root:     []string{"a"},
			prefer:   map[string]string{"a": "2.0"},
			want:     "a==2.0",
		},
		{
			name:     "preference no longer allowed",
			universe: []MemoryRelease{rel("a", "1.0"), rel("a", "2.0"), rel("a", "3.0")},
			root:     []string{"a>=3"},
			prefer:   map[string]string{"a": "2.0"},
			want:     "a==3.0",
		},
		{
			name:     "cycle",
			universe: []MemoryRelease{rel("a", "1.0", "b"), rel("b", "1.0", "a")},
			root:     []string{"a"},
			want:     "a==1.0 b==1.0",
		},
		{
			name:     "missing package",
			universe: []MemoryRelease{rel("flask", "1.0")},
			root:     []string{"flaks"},
			want:     "error: the app requires flaks, but there is no distribution named flaks (did you mean flask?).",
		},
		{
			name:     "no version matches",
			universe: []MemoryRelease{rel("a", "1.0", "b>=5"), rel("b", "1.0")},
			root:     []string{"a"},
			want:     "error: Because a requires b>=5 (no version of b matches >=5) and the app requires a, the requirements cannot be met.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewMemoryProvider(tt.universe)
			if err != nil {
				t.Fatal(err)
			}
			prefer := map[string]spec.Version{}
			for k, v := range tt.prefer {
				prefer[k], _ = spec.ParseVersion(v)
			}
			sol, err := Resolve(context.Background(), p, Options{Requirements: reqs(t, tt.root...), Env: testEnv, Prefer: prefer})
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if !errors.Is(err, ErrNoSolution) || !strings.Contains(err.Error(), want) {
					t.Fatalf("err = %v, want one containing %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := render(sol); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestVia(t *testing.T) {
	p, _ := NewMemoryProvider([]MemoryRelease{
		rel("flask", "3.0", "werkzeug", "jinja2", "markupsafe"), rel("jinja2", "3.0", "markupsafe"),
		rel("werkzeug", "3.0", "markupsafe"), rel("markupsafe", "2.0"),
	})
	sol, err := Resolve(context.Background(), p, Options{Requirements: reqs(t, "flask", "markupsafe"), Env: testEnv})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range sol.Dists {
		got[d.Name] = strings.Join(d.Via, ",")
		if d.Direct {
			got[d.Name] += "+direct"
		}
	}
	want := map[string]string{"flask": "+direct", "jinja2": "flask", "werkzeug": "flask", "markupsafe": "flask,jinja2,werkzeug+direct"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s via %q, want %q", k, got[k], v)
		}
	}
}

// TestConflictExplanation checks the explanation of conflicts against
// golden files in testdata/ (go test -update rewrites them).
func TestConflictExplanation(t *testing.T) {
	cases := []struct {
		name     string
		universe []MemoryRelease
		root     []string
	}{
		{
			name: "flask_werkzeug",
			universe: []MemoryRelease{
				rel("flask", "2.2.2", "werkzeug>=2.2.2", "jinja2>=3.0"), rel("flask", "3.0.0", "werkzeug>=3.0", "jinja2>=3.1.2"),
				rel("flask", "3.1.3", "werkzeug>=3.1", "jinja2>=3.1.2"),
				rel("werkzeug", "2.2.2"), rel("werkzeug", "3.0.0"), rel("werkzeug", "3.1.8"),
				rel("jinja2", "3.1.2"), rel("jinja2", "3.1.6"),
			},
			root: []string{"flask>=3", "werkzeug<3"},
		},
		{
			name: "chain",
			universe: []MemoryRelease{
				rel("app-core", "1.0", "middle>=2"), rel("app-core", "2.0", "middle>=3"),
				rel("middle", "2.0", "leaf<2"), rel("middle", "3.0", "leaf<2"),
				rel("leaf", "1.0"), rel("leaf", "2.0"),
				rel("innocent", "1.0"), rel("innocent", "2.0"),
			},
			root: []string{"app-core", "innocent", "leaf>=2"},
		},
		{
			name: "requires_python",
			universe: []MemoryRelease{
				{Name: "modern", Version: "2.0", RequiresPython: ">=3.12"}, {Name: "modern", Version: "2.1", RequiresPython: ">=3.12"},
				rel("modern", "1.0"),
			},
			root: []string{"modern>=2"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := NewMemoryProvider(c.universe)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Resolve(context.Background(), p, Options{Root: "app", Requirements: reqs(t, c.root...), Env: testEnv})
			var ns *NoSolutionError
			if !errors.As(err, &ns) {
				t.Fatalf("err = %v, want a *NoSolutionError", err)
			}
			golden(t, filepath.Join("testdata", "explain_"+c.name+".golden"), err.Error()+"\n")
		})
	}
}

func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got:\n%s--- want:\n%s", file, got, want)
	}
}
