package resolve

import (
	"context"
	"fmt"
	"sort"

	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

// MemoryProvider is a Provider over distributions held in memory, for
// tests and synthetic universes. Build it with NewMemoryProvider.
type MemoryProvider struct {
	dists map[string][]memDist
	// Calls counts Metadata calls.
	Calls int
}

type memDist struct {
	meta   *wheel.Metadata
	yanked bool
}

// MemoryRelease is one version of a distribution for NewMemoryProvider.
type MemoryRelease struct {
	Name    string // as written; normalized by the provider
	Version string
	// Requires are Requires-Dist values.
	Requires []string
	// Extras are Provides-Extra values.
	Extras []string
	// RequiresPython is the Requires-Python value.
	RequiresPython string
	// Yanked marks the release yanked.
	Yanked bool
}

// NewMemoryProvider builds a provider from releases.
func NewMemoryProvider(releases []MemoryRelease) (*MemoryProvider, error) {
	p := &MemoryProvider{dists: map[string][]memDist{}}
	for _, r := range releases {
		m, err := wheel.ParseMetadata([]byte(wheel.MetadataText(r.Name, r.Version, r.RequiresPython, r.Extras, r.Requires)))
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.Name, r.Version, err)
		}
		n := spec.NormalizeName(r.Name)
		p.dists[n] = append(p.dists[n], memDist{m, r.Yanked})
	}
	return p, nil
}

// Candidates implements Provider.
func (p *MemoryProvider) Candidates(_ context.Context, name string) ([]Candidate, error) {
	ds, ok := p.dists[name]
	if !ok {
		var names []string
		for n := range p.dists {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, Unavailable(name, ErrNotFound, "there is no distribution named %s%s", name, DidYouMean(name, names))
	}
	var out []Candidate
	for _, d := range ds {
		out = append(out, Candidate{Version: d.meta.Version, Yanked: d.yanked})
	}
	return out, nil
}

// Metadata implements Provider.
func (p *MemoryProvider) Metadata(_ context.Context, name string, v spec.Version) (*wheel.Metadata, error) {
	p.Calls++
	for _, d := range p.dists[name] {
		if d.meta.Version.Equal(v) {
			return d.meta, nil
		}
	}
	return nil, fmt.Errorf("%s %s: not found", name, v)
}

// DidYouMean returns " (did you mean X?)" for the known name closest to
// name (see Closest), or "" when none is close.
func DidYouMean(name string, known []string) string {
	best := Closest(name, known)
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// Closest returns the known name closest to name by edit distance
// (insertions, deletions, substitutions and transpositions of adjacent
// characters each count one), the first in known order on a tie, or ""
// when none is within max(2, len(name)/3) edits. name itself is never
// returned.
func Closest(name string, known []string) string {
	limit := max(2, len(name)/3)
	best, bestD := "", 0
	for _, k := range known {
		if k == name || len(k)-len(name) > limit || len(name)-len(k) > limit {
			continue
		}
		d := EditDistance(name, k)
		if d <= limit && (best == "" || d < bestD) {
			best, bestD = k, d
		}
	}
	return best
}

// EditDistance is the optimal string alignment distance of a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// bytes each count one.
func EditDistance[S ~string | ~[]byte](a string, b S) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
