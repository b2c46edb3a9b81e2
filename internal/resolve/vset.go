package resolve

import "math/bits"

// vset is a set of candidate versions of one package: bit i stands for
// the package's i-th version (ascending). Values are immutable: every
// operation returns a new set. Sets of the same package have the same
// length; a missing word is zero.
type vset []uint64

func fullSet(n int) vset {
	s := make(vset, (n+63)/64)
	for i := range n {
		s[i/64] |= 1 << (i % 64)
	}
	return s
}

func singleton(n, i int) vset {
	s := make(vset, (n+63)/64)
	s[i/64] |= 1 << (i % 64)
	return s
}

func (s vset) has(i int) bool { return i/64 < len(s) && s[i/64]&(1<<(i%64)) != 0 }

func (s vset) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

func (s vset) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

func (s vset) word(i int) uint64 {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func (s vset) and(o vset) vset {
	r := make(vset, max(len(s), len(o)))
	for i := range r {
		r[i] = s.word(i) & o.word(i)
	}
	return r
}

func (s vset) or(o vset) vset {
	r := make(vset, max(len(s), len(o)))
	for i := range r {
		r[i] = s.word(i) | o.word(i)
	}
	return r
}

func (s vset) andNot(o vset) vset {
	r := make(vset, max(len(s), len(o)))
	for i := range r {
		r[i] = s.word(i) &^ o.word(i)
	}
	return r
}

// andEmpty reports whether s.and(o) is empty, without building it.
func (s vset) andEmpty(o vset) bool {
	for i := range min(len(s), len(o)) {
		if s[i]&o[i] != 0 {
			return false
		}
	}
	return true
}

// andNotEmpty reports whether s.andNot(o) is empty, without building it.
func (s vset) andNotEmpty(o vset) bool {
	for i, w := range s {
		if w&^o.word(i) != 0 {
			return false
		}
	}
	return true
}

func (s vset) equal(o vset) bool {
	for i := range max(len(s), len(o)) {
		if s.word(i) != o.word(i) {
			return false
		}
	}
	return true
}

// highest returns the largest member, or -1.
func (s vset) highest() int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] != 0 {
			return i*64 + 63 - bits.LeadingZeros64(s[i])
		}
	}
	return -1
}

// members lists the members in ascending order.
func (s vset) members() []int {
	var out []int
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			out = append(out, i*64+b)
			w &^= 1 << b
		}
	}
	return out
}
