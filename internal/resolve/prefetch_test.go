package resolve

import (
	"context"
	"fmt"
	"testing"

	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

func mustVersion(s string) spec.Version {
	v, err := spec.ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestWantChoose(t *testing.T) {
	cands := func(vs ...string) []Candidate {
		var out []Candidate
		for _, v := range vs {
			yanked := false
			if v[0] == 'y' {
				yanked, v = true, v[1:]
			}
			out = append(out, Candidate{Version: mustVersion(v), Yanked: yanked})
		}
		return out
	}
	tests := []struct {
		name      string
		cands     []Candidate
		specifier string
		prefer    string
		want      string // "" for none
	}{
		{"highest", cands("1.0", "3.0", "2.0"), "", "", "3.0"},
		{"specifier", cands("1.0", "2.0", "3.0"), "<3", "", "2.0"},
		{"pre-release skipped", cands("1.0", "2.0b1"), "", "", "1.0"},
		{"pre-release when the only one", cands("2.0b1", "2.0b2"), ">=2.0b1", "", "2.0b2"},
		{"pre-release when nothing else matches", cands("1.0", "2.0b1"), ">1.0", "", "2.0b1"},
		{"yanked skipped", cands("1.0", "y2.0"), "", "", "1.0"},
		{"yanked when pinned", cands("1.0", "y2.0"), "==2.0", "", "2.0"},
		{"preferred", cands("1.0", "2.0", "3.0"), ">=1", "2.0", "2.0"},
		{"preferred but excluded", cands("1.0", "2.0", "3.0"), ">=3", "2.0", "3.0"},
		{"preferred but gone", cands("1.0", "3.0"), "", "2.0", "3.0"},
		{"none", cands("1.0"), ">=2", "", ""},
		{"no candidates", nil, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := spec.ParseSpecifierSet(tt.specifier)
			if err != nil {
				t.Fatal(err)
			}
			w := Want{Name: "a", Specifier: set}
			if tt.prefer != "" {
				v := mustVersion(tt.prefer)
				w.Prefer = &v
			}
			v, ok := w.Choose(tt.cands)
			got := ""
			if ok {
				got = v.String()
			}
			if got != tt.want {
				t.Errorf("Choose = %q, want %q", got, tt.want)
			}
		})
	}
}

// recorder is a MemoryProvider that records the resolver's hints.
type recorder struct {
	*MemoryProvider
	wants   []Want
	hinted  map[string]bool // "name version" of PrefetchMetadata
	metaFor []string        // "name version" of Metadata calls, in order
}

func (r *recorder) Prefetch(wants []Want) { r.wants = append(r.wants, wants...) }

func (r *recorder) PrefetchMetadata(name string, v spec.Version) {
	key := name + " " + v.String()
	if r.hinted[key] {
		panic("PrefetchMetadata called twice for " + key)
	}
	r.hinted[key] = true
}

func (r *recorder) Metadata(ctx context.Context, name string, v spec.Version) (*wheel.Metadata, error) {
	r.metaFor = append(r.metaFor, name+" "+v.String())
	return r.MemoryProvider.Metadata(ctx, name, v)
}

func TestPrefetchHints(t *testing.T) {
	tests := []struct {
		name      string
		universe  []MemoryRelease
		root      []string
		prefer    map[string]string
		wantWants []string // "name specifier [prefer]" of Prefetch
		hinted    []string // versions PrefetchMetadata must have named
	}{
		{
			name:      "independent roots: the other is hinted while the narrower is decided",
			universe:  []MemoryRelease{rel("a", "1.0"), rel("a", "2.0"), rel("b", "1.0"), rel("b", "2.0")},
			root:      []string{"a", "b<2"},
			wantWants: []string{"a ", "b <2"},
			hinted:    []string{"a 2.0"},
		},
		{
			name:      "dependencies carry their specifier and the pinned version",
			universe:  []MemoryRelease{rel("a", "1.0", "c>=1", "d"), rel("c", "1.0"), rel("c", "2.0"), rel("d", "1.0"), rel("d", "1.5")},
			root:      []string{"a"},
			prefer:    map[string]string{"c": "1.0"},
			wantWants: []string{"a ", "c >=1 1.0", "d "},
			hinted:    []string{"d 1.5"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp, err := NewMemoryProvider(tt.universe)
			if err != nil {
				t.Fatal(err)
			}
			prefer := map[string]spec.Version{}
			for n, v := range tt.prefer {
				prefer[n] = mustVersion(v)
			}
			opts := Options{Requirements: reqs(t, tt.root...), Env: testEnv, Prefer: prefer}
			plain, err := Resolve(context.Background(), mp, opts)
			if err != nil {
				t.Fatal(err)
			}
			r := &recorder{MemoryProvider: mp, hinted: map[string]bool{}}
			sol, err := Resolve(context.Background(), r, opts)
			if err != nil {
				t.Fatal(err)
			}
			if render(sol) != render(plain) {
				t.Errorf("with hints %s, without %s", render(sol), render(plain))
			}
			var wants []string
			for _, w := range r.wants {
				s := w.Name + " " + w.Specifier.String()
				if w.Prefer != nil {
					s += " " + w.Prefer.String()
				}
				wants = append(wants, s)
			}
			if got, want := fmt.Sprint(wants), fmt.Sprint(tt.wantWants); got != want {
				t.Errorf("Prefetch wants %s, want %s", got, want)
			}
			for _, h := range tt.hinted {
				if !r.hinted[h] {
					t.Errorf("%s was not hinted (hints: %v)", h, r.hinted)
				}
			}
			// A hint comes before the resolver asks, and names a version
			// it asks for here, where nothing backtracks.
			asked := map[string]bool{}
			for _, m := range r.metaFor {
				asked[m] = true
			}
			for h := range r.hinted {
				if !asked[h] {
					t.Errorf("hinted %s, which was never asked for", h)
				}
			}
		})
	}
}
