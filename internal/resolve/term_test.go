package resolve

import (
	"math/rand/v2"
	"testing"
)

// TestTermRelations checks the allocation-free subsetOf and disjoint
// against their definitions through intersect, on random terms of
// packages with 1 to 130 versions (one to three words), including the
// nil set of a package with no assignment.
func TestTermRelations(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	randSet := func(n int) vset {
		if r.IntN(8) == 0 {
			return nil
		}
		s := make(vset, (n+63)/64)
		for i := range n {
			if r.IntN(3) == 0 {
				s[i/64] |= 1 << (i % 64)
			}
		}
		return s
	}
	for _, n := range []int{1, 5, 63, 64, 65, 130} {
		for range 3000 {
			a := term{pkg: 1, set: randSet(n), pos: r.IntN(2) == 0}
			b := term{pkg: 1, set: randSet(n), pos: r.IntN(2) == 0}
			if got, want := a.subsetOf(b), a.intersect(b.negate()).unsatisfiable(); got != want {
				t.Fatalf("n=%d %v subsetOf %v = %v, want %v", n, a, b, got, want)
			}
			if got, want := a.disjoint(b), a.intersect(b).unsatisfiable(); got != want {
				t.Fatalf("n=%d %v disjoint %v = %v, want %v", n, a, b, got, want)
			}
			if got, want := a.set.andEmpty(b.set), a.set.and(b.set).empty(); got != want {
				t.Fatalf("andEmpty(%v, %v) = %v", a.set, b.set, got)
			}
			if got, want := a.set.andNotEmpty(b.set), a.set.andNot(b.set).empty(); got != want {
				t.Fatalf("andNotEmpty(%v, %v) = %v", a.set, b.set, got)
			}
		}
	}
}
