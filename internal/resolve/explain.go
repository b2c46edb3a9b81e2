package resolve

import (
	"fmt"
	"strings"
)

// The explanation of a failure follows the reporting algorithm of the
// PubGrub documentation (Dart pub's failure.dart): walk the derivation
// graph of the final incompatibility, write one sentence per derived
// fact, number the facts used more than once and refer back to them.

type explainer struct {
	s           *solver
	root        *incompat
	derivations map[*incompat]int
	lineNums    map[*incompat]int
	lines       []explLine
	referenced  map[int]bool
}

type explLine struct {
	text string
	num  int
}

func (s *solver) explain(root *incompat) string {
	e := &explainer{s: s, root: root, derivations: map[*incompat]int{}, lineNums: map[*incompat]int{}, referenced: map[int]bool{}}
	e.count(root)
	if root.kind != causeDerived {
		return e.str(root) + "."
	}
	e.visit(root, true)
	var b strings.Builder
	for _, l := range e.lines {
		b.WriteString(l.text)
		if e.referenced[l.num] {
			fmt.Fprintf(&b, " (%d)", l.num)
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

func (e *explainer) count(inc *incompat) {
	e.derivations[inc]++
	if inc.kind == causeDerived {
		e.count(inc.c1)
		e.count(inc.c2)
	}
}

func derived(inc *incompat) bool { return inc.kind == causeDerived }

func (e *explainer) write(inc *incompat, msg string, numbered bool) {
	if numbered {
		n := len(e.lineNums) + 1
		e.lineNums[inc] = n
		e.lines = append(e.lines, explLine{msg, n})
		return
	}
	e.lines = append(e.lines, explLine{msg, 0})
}

func (e *explainer) ref(inc *incompat) string {
	if n, ok := e.lineNums[inc]; ok {
		e.referenced[n] = true
		return fmt.Sprintf("%s (%d)", e.str(inc), n)
	}
	return e.str(inc)
}

func (e *explainer) visit(inc *incompat, conclusion bool) {
	numbered := conclusion || e.derivations[inc] > 1
	conj := "And"
	if conclusion || inc == e.root {
		conj = "So,"
	}
	str := e.str(inc)
	c1, c2 := inc.c1, inc.c2
	switch {
	case derived(c1) && derived(c2):
		_, ok1 := e.lineNums[c1]
		_, ok2 := e.lineNums[c2]
		switch {
		case ok1 && ok2:
			e.write(inc, fmt.Sprintf("Because %s and %s, %s.", e.ref(c1), e.ref(c2), str), numbered)
		case ok1 || ok2:
			with, without := c1, c2
			if ok2 {
				with, without = c2, c1
			}
			e.visit(without, false)
			e.write(inc, fmt.Sprintf("%s because %s, %s.", conj, e.ref(with), str), numbered)
		default:
			single1, single2 := isSingleLine(c1), isSingleLine(c2)
			if single1 || single2 {
				first, second := c2, c1
				if single2 {
					first, second = c1, c2
				}
				e.visit(first, false)
				e.visit(second, false)
				e.write(inc, fmt.Sprintf("Thus, %s.", str), numbered)
			} else {
				e.visit(c1, true)
				e.lines = append(e.lines, explLine{})
				e.visit(c2, false)
				e.write(inc, fmt.Sprintf("%s because %s, %s.", conj, e.ref(c1), str), numbered)
			}
		}
	case derived(c1) || derived(c2):
		der, ext := c1, c2
		if derived(c2) {
			der, ext = c2, c1
		}
		switch {
		case e.lineNums[der] > 0:
			e.write(inc, fmt.Sprintf("Because %s and %s, %s.", e.str(ext), e.ref(der), str), numbered)
		case e.collapsible(der):
			cd, ce := der.c1, der.c2
			if derived(der.c2) {
				cd, ce = der.c2, der.c1
			}
			e.visit(cd, false)
			e.write(inc, fmt.Sprintf("%s because %s and %s, %s.", conj, e.str(ce), e.str(ext), str), numbered)
		default:
			e.visit(der, false)
			e.write(inc, fmt.Sprintf("%s because %s, %s.", conj, e.str(ext), str), numbered)
		}
	default:
		e.write(inc, fmt.Sprintf("Because %s and %s, %s.", e.str(c1), e.str(c2), str), numbered)
	}
}

func isSingleLine(inc *incompat) bool { return !derived(inc.c1) && !derived(inc.c2) }

func (e *explainer) collapsible(inc *incompat) bool {
	if e.derivations[inc] > 1 {
		return false
	}
	if derived(inc.c1) == derived(inc.c2) {
		return false
	}
	complex := inc.c1
	if derived(inc.c2) {
		complex = inc.c2
	}
	_, ok := e.lineNums[complex]
	return !ok
}

// str states one incompatibility as a fact.
func (e *explainer) str(inc *incompat) string {
	s := e.s
	switch inc.kind {
	case causeRoot:
		return s.opts.Root + " is required"
	case causeDependency:
		subj := e.subject(inc.terms[0])
		if len(inc.terms) == 1 {
			dep := s.pkgs[inc.depPkg]
			why := dep.reason
			if len(dep.versions) > 0 {
				why = fmt.Sprintf("no version of %s matches %s", dep.name, emptyAny(inc.depText))
			}
			if inc == e.root {
				return fmt.Sprintf("%s requires %s%s, but %s", subj, dep.name, inc.depText, why)
			}
			return fmt.Sprintf("%s requires %s%s (%s)", subj, dep.name, inc.depText, why)
		}
		return fmt.Sprintf("%s requires %s", subj, s.describe(inc.terms[1].pkg, inc.terms[1].set))
	case causeNoVersions:
		t := inc.terms[0]
		if inc.reason != "" {
			return inc.reason
		}
		return "no version of " + s.describe(t.pkg, t.set) + " is available"
	case causeUnusable:
		t := inc.terms[0]
		return s.describe(t.pkg, t.set) + " " + inc.reason
	}
	// Derived: the root is always selected, so a positive root term adds
	// nothing to the statement.
	hasRoot := false
	var pos, neg []term
	for _, t := range inc.terms {
		switch {
		case t.pkg == rootPkg && t.pos:
			hasRoot = true
		case t.pos:
			pos = append(pos, t)
		default:
			neg = append(neg, t)
		}
	}
	d := func(ts []term, sep string) string {
		var out []string
		for _, t := range ts {
			out = append(out, s.describe(t.pkg, t.set))
		}
		return strings.Join(out, sep)
	}
	switch {
	case len(pos) == 0 && len(neg) == 0:
		return "the requirements cannot be met"
	case len(pos) == 0 && hasRoot:
		return s.opts.Root + " requires " + d(neg, " or ")
	case len(pos) == 0 && len(neg) == 1:
		return d(neg, "") + " is required"
	case len(pos) == 0:
		return "one of " + d(neg, " or ") + " is required"
	case len(neg) == 0 && len(pos) == 1:
		return d(pos, "") + " cannot be used"
	case len(neg) == 0:
		return d(pos, " and ") + " cannot be used together"
	case len(pos) == 1:
		return e.subject(pos[0]) + " requires " + d(neg, " or ")
	}
	return "if " + d(pos, " and ") + " then " + d(neg, " or ")
}

// subject describes the depender of a "requires" sentence: "every
// flask>=3" when the set has several versions.
func (e *explainer) subject(t term) string {
	if t.pkg == rootPkg {
		return e.s.opts.Root
	}
	desc := e.s.describe(t.pkg, t.set)
	if t.set.count() > 1 {
		return "every " + desc
	}
	return desc
}

func emptyAny(s string) string {
	if s == "" {
		return "any version"
	}
	return s
}
