package universe

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/bundle-wsgi/bundle/internal/resolve"
	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

var env = wheel.Target{Python: [3]int{3, 11, 7}, Platform: "manylinux_2_28_x86_64"}.Environment()

func TestDeterministic(t *testing.T) {
	a := Generate(Options{Seed: 7, Packages: 80})
	b := Generate(Options{Seed: 7, Packages: 80})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different universes")
	}
	c := Generate(Options{Seed: 8, Packages: 80})
	if reflect.DeepEqual(a.Releases, c.Releases) {
		t.Fatal("different seeds, same universe")
	}
}

// TestSolvable resolves many universes, checks every solution against
// the universe's metadata, and checks that unsolvable ones fail with an
// explanation.
func TestSolvable(t *testing.T) {
	for _, size := range []int{10, 50, 200, 400} {
		for seed := range uint64(6) {
			for _, unsolvable := range []bool{false, true} {
				name := fmt.Sprintf("n%d/seed%d/unsolvable=%v", size, seed, unsolvable)
				u := Generate(Options{Seed: seed, Packages: size, Unsolvable: unsolvable})
				start := time.Now()
				sol, err := resolve.Resolve(context.Background(), u.Provider(), resolve.Options{Requirements: parse(t, u.Root), Env: env})
				if d := time.Since(start); d > 5*time.Second { // generous: -race on 2 shared cores
					t.Errorf("%s: took %v", name, d)
				}
				if unsolvable {
					var ns *resolve.NoSolutionError
					if !errors.As(err, &ns) || ns.Explanation == "" {
						t.Errorf("%s: err = %v, want an explained conflict", name, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if err := check(u, sol); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		}
	}
}

func parse(t *testing.T, ss []string) []*spec.Requirement {
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

// check verifies that a solution satisfies the root and every chosen
// release's requirements.
func check(u *Universe, sol *resolve.Solution) error {
	chosen := map[string]spec.Version{}
	for _, d := range sol.Dists {
		chosen[d.Name] = d.Version
	}
	return u.Check(chosen, env)
}
