// Package universe generates synthetic distribution universes for tests
// and benchmarks, deterministically from a seed: a few hundred
// distributions with several versions each, dependencies between them,
// pre-releases, yanked releases, Requires-Python limits, markers, extras,
// and backtracking traps. Every universe has a planted solution, so a
// resolver that answers "no solution" on one is wrong; with Unsolvable set
// it has none.
package universe

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"

	"github.com/bundle-wsgi/bundle/internal/resolve"
	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

// Options shape a universe. The zero value is a valid 50-distribution
// universe for seed 0.
type Options struct {
	// Seed selects the universe. Default 0.
	Seed uint64
	// Packages is the number of distributions. Default 50.
	Packages int
	// MaxVersions is the most final versions a distribution has (at least
	// 2). Default 5.
	MaxVersions int
	// Unsolvable adds a requirement that makes the universe unsolvable
	// through a chain of dependencies.
	Unsolvable bool
}

// Universe is a generated set of releases and the app's requirements.
type Universe struct {
	Releases []resolve.MemoryRelease
	// Root are the app's requirements (dependencies.in lines).
	Root []string
	// Planted maps each distribution to the version of the planted
	// solution (only distributions reachable from Root are needed).
	Planted map[string]string
}

// Name returns the name of distribution i.
func Name(i int) string { return fmt.Sprintf("pkg-%03d", i) }

// Generate builds the universe for opts.
func Generate(opts Options) *Universe {
	if opts.Packages <= 0 {
		opts.Packages = 50
	}
	if opts.MaxVersions < 2 {
		opts.MaxVersions = 5
	}
	n := opts.Packages
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	nver := make([]int, n)
	planted := make([]int, n)
	for i := range n {
		nver[i] = 2 + rng.IntN(opts.MaxVersions-1)
		// Mostly not the newest, so that the newest versions are traps.
		planted[i] = 1 + rng.IntN(nver[i])
		if planted[i] == nver[i] && rng.IntN(3) > 0 {
			planted[i] = max(1, nver[i]-1)
		}
	}
	ver := func(k int) string { return fmt.Sprintf("%d.0", k) }
	u := &Universe{Planted: map[string]string{}}
	for i := range n {
		u.Planted[Name(i)] = ver(planted[i])
		// Each version depends on up to three later distributions.
		var targets []int
		for range 1 + rng.IntN(3) {
			if i+1 >= n {
				break
			}
			j := i + 1 + rng.IntN(min(12, n-i-1))
			if !containsInt(targets, j) {
				targets = append(targets, j)
			}
		}
		for k := 1; k <= nver[i]; k++ {
			r := resolve.MemoryRelease{Name: Name(i), Version: ver(k)}
			for _, j := range targets {
				pj := planted[j]
				var s string
				switch {
				case k == planted[i]:
					// Allows the planted version of j.
					lo := 1 + rng.IntN(pj)
					s = fmt.Sprintf("%s>=%s,<%d.0", Name(j), ver(lo), pj+1+rng.IntN(2))
				case k > planted[i]:
					// A trap: needs a version of j above the planted one,
					// whose own newer versions are traps again.
					s = fmt.Sprintf("%s>%s", Name(j), ver(pj))
				default:
					s = fmt.Sprintf("%s>=%s", Name(j), ver(1+rng.IntN(nver[j])))
				}
				r.Requires = append(r.Requires, s)
			}
			if rng.IntN(5) == 0 {
				r.Requires = append(r.Requires, fmt.Sprintf(`%s; python_version < "3"`, "py2-only-"+Name(i)))
			}
			u.Releases = append(u.Releases, r)
		}
		// Noise the resolver must skip: a pre-release above everything,
		// a yanked release, a release for a newer Python.
		switch rng.IntN(4) {
		case 0:
			u.Releases = append(u.Releases, resolve.MemoryRelease{Name: Name(i), Version: fmt.Sprintf("%d.0b1", nver[i]+1), Requires: []string{"does-not-exist"}})
		case 1:
			u.Releases = append(u.Releases, resolve.MemoryRelease{Name: Name(i), Version: fmt.Sprintf("%d.0", nver[i]+1), Yanked: true, Requires: []string{"does-not-exist"}})
		case 2:
			u.Releases = append(u.Releases, resolve.MemoryRelease{Name: Name(i), Version: fmt.Sprintf("%d.0", nver[i]+1), RequiresPython: ">=3.99", Requires: []string{"does-not-exist"}})
		}
	}
	// The app: the first few distributions, loosely, and the last two
	// pinned to their planted versions, which the traps run into.
	for i := range min(5, n) {
		u.Root = append(u.Root, Name(i))
	}
	for i := max(5, n-2); i < n; i++ {
		u.Root = append(u.Root, Name(i)+"=="+ver(planted[i]))
	}
	if opts.Unsolvable && n >= 3 {
		// Every version of the last-but-one distribution... is pinned by
		// the app; require through pkg-000's whole chain a version the
		// pin excludes.
		last := n - 1
		for k := range u.Releases {
			if u.Releases[k].Name == Name(min(n-2, 4)) {
				u.Releases[k].Requires = append(u.Releases[k].Requires, fmt.Sprintf("%s!=%s", Name(last), ver(planted[last])))
			}
		}
		if n-2 > 4 {
			// pkg-00X reaches the conflict only through the app's loose
			// requirement.
			u.Root = append(u.Root, Name(min(n-2, 4)))
		}
	}
	sort.Strings(u.Root)
	u.Root = dedupe(u.Root)
	return u
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// Provider returns an in-memory provider for the universe.
func (u *Universe) Provider() *resolve.MemoryProvider {
	p, err := resolve.NewMemoryProvider(u.Releases)
	if err != nil {
		panic(err) // the generator writes valid metadata
	}
	return p
}

// WriteWheels writes one py3-none-any wheel per release into dir (a
// --find-links directory). Yanked releases are skipped (a directory cannot
// mark them). It returns the number of files written.
func (u *Universe) WriteWheels(dir string) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range u.Releases {
		if r.Yanked {
			continue
		}
		name, data, err := wheel.Build(r.Name, r.Version, wheel.BuildOptions{RequiresDist: r.Requires, RequiresPython: r.RequiresPython, ProvidesExtra: r.Extras})
		if err != nil {
			return n, err
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Check verifies that the chosen versions (by normalized name) satisfy the
// universe's root requirements and every chosen release's requirements in
// env, and that no yanked, Requires-Python-limited or pre-release trap was
// chosen. It returns the first problem found, or nil.
func (u *Universe) Check(chosen map[string]spec.Version, env spec.Environment) error {
	satisfied := func(req string) error {
		r, err := spec.ParseRequirement(req)
		if err != nil {
			return err
		}
		if !r.Marker.Evaluate(env, "") {
			return nil
		}
		v, ok := chosen[r.CanonicalName()]
		if !ok {
			return fmt.Errorf("%s is not in the solution", req)
		}
		if !r.Specifier.Contains(v, true) {
			return fmt.Errorf("%s is not satisfied by %s", req, v)
		}
		return nil
	}
	for _, r := range u.Root {
		if err := satisfied(r); err != nil {
			return fmt.Errorf("root: %w", err)
		}
	}
	for _, rel := range u.Releases {
		v, _ := spec.ParseVersion(rel.Version)
		if c, ok := chosen[spec.NormalizeName(rel.Name)]; !ok || !c.Equal(v) {
			continue
		}
		if rel.Yanked || rel.RequiresPython != "" || v.IsPrerelease() {
			return fmt.Errorf("%s %s should not have been chosen", rel.Name, rel.Version)
		}
		for _, q := range rel.Requires {
			if err := satisfied(q); err != nil {
				return fmt.Errorf("%s %s: %w", rel.Name, rel.Version, err)
			}
		}
	}
	return nil
}
