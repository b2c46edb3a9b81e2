package resolve

// term is a statement about one package: "its version is in set" when
// pos, "it is not selected, or its version is not in set" when !pos.
type term struct {
	pkg int
	set vset
	pos bool
}

func (t term) negate() term { return term{t.pkg, t.set, !t.pos} }

// intersect returns the term that holds when both t and o hold (same
// package).
func (t term) intersect(o term) term {
	switch {
	case t.pos && o.pos:
		return term{t.pkg, t.set.and(o.set), true}
	case t.pos:
		return term{t.pkg, t.set.andNot(o.set), true}
	case o.pos:
		return term{t.pkg, o.set.andNot(t.set), true}
	}
	return term{t.pkg, t.set.or(o.set), false}
}

// unsatisfiable reports whether no selection satisfies t. A negative term
// is always satisfiable (by not selecting the package).
func (t term) unsatisfiable() bool { return t.pos && t.set.empty() }

// subsetOf reports whether every selection satisfying t satisfies o:
// whether t ∩ ¬o is unsatisfiable, computed without building it (the
// resolver asks this for every term of every incompatibility it
// propagates).
func (t term) subsetOf(o term) bool {
	switch {
	case t.pos && o.pos:
		return t.set.andNotEmpty(o.set)
	case t.pos:
		return t.set.andEmpty(o.set)
	case o.pos:
		return false // two negative terms: not selecting satisfies both
	}
	return o.set.andNotEmpty(t.set)
}

// disjoint reports whether no selection satisfies both t and o: whether
// t ∩ o is unsatisfiable, computed without building it.
func (t term) disjoint(o term) bool {
	switch {
	case t.pos && o.pos:
		return t.set.andEmpty(o.set)
	case t.pos:
		return t.set.andNotEmpty(o.set)
	case o.pos:
		return o.set.andNotEmpty(t.set)
	}
	return false
}

type causeKind int

const (
	causeRoot       causeKind = iota // the root must be selected
	causeDependency                  // a version depends on another package
	causeNoVersions                  // no candidate is in the set
	causeUnusable                    // a version cannot be used (reason)
	causeDerived                     // learnt from two others
)

// incompat is a set of terms that must not all hold.
type incompat struct {
	terms  []term
	kind   causeKind
	c1, c2 *incompat // derived: conflict and other cause
	reason string    // causeNoVersions (why a package has none), causeUnusable
	id     int
	// depPkg and depText describe the dependency of a causeDependency
	// incompatibility whose target term was dropped because no version
	// matches (the term "not dep in {}" always holds).
	depPkg  int
	depText string
}

// newIncompat merges terms of the same package.
func newIncompat(kind causeKind, terms ...term) *incompat {
	var out []term
	for _, t := range terms {
		merged := false
		for i := range out {
			if out[i].pkg == t.pkg {
				out[i] = out[i].intersect(t)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, t)
		}
	}
	// A negative term with an empty set always holds: drop it.
	kept := out[:0]
	for _, t := range out {
		if t.pos || !t.set.empty() {
			kept = append(kept, t)
		}
	}
	out = kept
	return &incompat{terms: out, kind: kind}
}
