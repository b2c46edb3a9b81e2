package resolve

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/bundle-wsgi/bundle/spec"
)

// Options are the inputs of Resolve.
type Options struct {
	// Root names the app in explanations ("app requires flask>=3").
	// Default "the app".
	Root string
	// Requirements are the app's direct requirements (dependencies.in).
	// Markers are evaluated in Env with extra "".
	Requirements []*spec.Requirement
	// Env holds the target's marker values (see wheel.Target.Environment).
	// Required.
	Env spec.Environment
	// Python is the target interpreter version that Requires-Python of
	// metadata is checked against (release only, such as 3.11.7).
	// Default: Env's python_full_version.
	Python *spec.Version
	// Prefer maps normalized names to versions to keep when they are still
	// allowed (the versions already pinned). Default none.
	Prefer map[string]spec.Version
}

// Resolved is one distribution of a solution.
type Resolved struct {
	// Name is the normalized name.
	Name    string
	Version spec.Version
	// Extras are the extras of it that were needed, sorted.
	Extras []string
	// Direct is true when a root requirement names it.
	Direct bool
	// Via are the normalized names of the chosen distributions that
	// require it, sorted; the root is not listed (see Direct).
	Via []string
}

// Solution is the result of Resolve: the chosen distributions, sorted by
// name.
type Solution struct {
	Dists []Resolved
	// Steps counts decisions, a measure of the work done.
	Steps int
}

// NoSolutionError is the error Resolve returns when the requirements
// conflict. It wraps ErrNoSolution; Error returns the explanation.
type NoSolutionError struct {
	// Explanation is the chain of facts, one sentence a line.
	Explanation string
}

func (e *NoSolutionError) Error() string {
	return "no versions satisfy the requirements:\n" + e.Explanation
}
func (e *NoSolutionError) Unwrap() error { return ErrNoSolution }

// Resolve finds one version of every distribution the requirements need
// in the target environment, choosing the highest allowed versions
// (or the preferred ones). Errors: *NoSolutionError when there is none,
// the context's error, or a Provider error that is not an
// *UnavailableError.
func Resolve(ctx context.Context, p Provider, opts Options) (*Solution, error) {
	if opts.Env == nil {
		return nil, errors.New("resolve: no target environment")
	}
	s := &solver{ctx: ctx, p: p, opts: opts, byName: map[string]int{}, deps: map[[2]int]*depsResult{}, asked: map[[2]int]bool{}}
	s.pf, _ = p.(Prefetcher)
	if opts.Root == "" {
		s.opts.Root = "the app"
	}
	if opts.Python == nil {
		v, err := spec.ParseVersion(opts.Env["python_full_version"])
		if err != nil {
			return nil, fmt.Errorf("resolve: python_full_version %q: %w", opts.Env["python_full_version"], err)
		}
		s.python = v
	} else {
		s.python = *opts.Python
	}
	root := &pkgInfo{name: s.opts.Root, loaded: true, versions: []spec.Version{{Release: []int{0}}}, yanked: []bool{false}, decided: -1, prefer: preferUnknown}
	s.pkgs = append(s.pkgs, root)
	s.tops = append(s.tops, top{})
	if err := s.solve(); err != nil {
		return nil, err
	}
	return s.solution(), nil
}

type pkgInfo struct {
	name     string // "flask", "flask[async]", or the root's name
	base     string // "flask"
	extra    string // "async"
	loaded   bool
	versions []spec.Version // ascending
	yanked   []bool
	reason   string // why there are no candidates
	labels   []label
	matches  map[string]vset
	incs     []*incompat
	stack    []entry // assignments of this package, oldest first
	decided  int     // version index, -1 when undecided
	// prefer is the index of the version Options.Prefer names,
	// preferNone, or preferUnknown before pickVersion looks it up.
	prefer int
}

const (
	preferUnknown = 0 - iota - 2
	preferNone
)

// label remembers the set a specifier written in a requirement gave, to
// print sets the way people wrote them.
type label struct {
	text string // ">=3", "" for any
	set  vset
}

// entry is one assignment and the package's accumulated term after it.
type entry struct {
	a   int // index into solver.assigns
	acc term
}

type assignment struct {
	t     term
	level int
	cause *incompat // nil for a decision
	index int
}

type depReq struct {
	pkg  int
	set  vset
	text string // the specifier as written
}

type depsResult struct {
	deps     []depReq
	unusable string
}

type solver struct {
	ctx     context.Context
	p       Provider
	opts    Options
	python  spec.Version
	pkgs    []*pkgInfo
	tops    []top // by package: its accumulated term, kept with pkgs
	byName  map[string]int
	assigns []assignment
	levels  int // decisions made
	deps    map[[2]int]*depsResult
	nextID  int
	steps   int

	pf    Prefetcher      // s.p as a Prefetcher, or nil
	asked map[[2]int]bool // versions whose metadata lookahead asked for
	open  []openPkg       // decide's undecided packages (reused)
}

// top is a package's accumulated term (its stack's last entry) and
// whether it is decided, in a dense array: relation and decide read it
// for every term and package they look at, and reading it through
// pkgInfo and its stack cost a cache miss or two each time.
type top struct {
	set     vset
	n       int  // set.count() when pos
	pos     bool // the term is positive (false: no term, or a negative one)
	decided bool
}

// setTop makes tops[pkg] the package's stack's last entry.
func (s *solver) setTop(pkg int) {
	t := &s.tops[pkg]
	st := s.pkgs[pkg].stack
	if len(st) == 0 {
		t.set, t.n, t.pos = nil, 0, false
		return
	}
	acc := st[len(st)-1].acc
	t.set, t.pos, t.n = acc.set, acc.pos, 0
	if acc.pos {
		t.n = acc.set.count()
	}
}

type openPkg struct {
	pkg int
	set vset
}

const rootPkg = 0

func (s *solver) solve() error {
	s.addIncompat(newIncompat(causeRoot, term{rootPkg, fullSet(1), false}))
	next := rootPkg
	for {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		if err := s.propagate(next); err != nil {
			return err
		}
		n, done, err := s.decide()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		next = n
	}
}

func (s *solver) addIncompat(inc *incompat) {
	inc.id = s.nextID
	s.nextID++
	for _, t := range inc.terms {
		s.pkgs[t.pkg].incs = append(s.pkgs[t.pkg].incs, inc)
	}
}

// current returns the package's accumulated term and whether it has one.
func (s *solver) current(pkg int) (term, bool) {
	st := s.pkgs[pkg].stack
	if len(st) == 0 {
		return term{pkg: pkg, pos: false}, false
	}
	return st[len(st)-1].acc, true
}

func (s *solver) assign(t term, cause *incompat) {
	p := s.pkgs[t.pkg]
	a := assignment{t: t, level: s.levels, cause: cause, index: len(s.assigns)}
	s.assigns = append(s.assigns, a)
	acc := t
	if cur, ok := s.current(t.pkg); ok {
		acc = cur.intersect(t)
	}
	p.stack = append(p.stack, entry{a: a.index, acc: acc})
	s.setTop(t.pkg)
}

type relation int

const (
	relSatisfied relation = iota
	relContradicted
	relInconclusive
)

func (s *solver) relation(t term) relation {
	tp := &s.tops[t.pkg]
	cur := term{pkg: t.pkg, set: tp.set, pos: tp.pos}
	switch {
	case cur.subsetOf(t):
		return relSatisfied
	case cur.disjoint(t):
		return relContradicted
	}
	return relInconclusive
}

// propagate is unit propagation from pkg.
func (s *solver) propagate(pkg int) error {
	changed := []int{pkg}
	inQueue := map[int]bool{pkg: true}
	for len(changed) > 0 {
		p := changed[len(changed)-1]
		changed = changed[:len(changed)-1]
		delete(inQueue, p)
		incs := s.pkgs[p].incs
		for i := len(incs) - 1; i >= 0; i-- {
			inc := incs[i]
			res, conflict := s.propagateIncompat(inc)
			if conflict {
				root, err := s.resolveConflict(inc)
				if err != nil {
					return err
				}
				res2, c2 := s.propagateIncompat(root)
				if c2 || res2 < 0 {
					return errors.New("resolve: internal error: learnt clause does not propagate")
				}
				changed = changed[:0]
				clear(inQueue)
				changed = append(changed, res2)
				inQueue[res2] = true
				break
			}
			if res >= 0 && !inQueue[res] {
				changed = append(changed, res)
				inQueue[res] = true
			}
		}
	}
	return nil
}

// propagateIncompat returns the package it derived a term for (-1 if
// none), or conflict when the partial solution satisfies inc.
func (s *solver) propagateIncompat(inc *incompat) (int, bool) {
	var unsatisfied *term
	for i := range inc.terms {
		switch s.relation(inc.terms[i]) {
		case relContradicted:
			return -1, false
		case relInconclusive:
			if unsatisfied != nil {
				return -1, false
			}
			unsatisfied = &inc.terms[i]
		}
	}
	if unsatisfied == nil {
		return -1, true
	}
	s.assign(unsatisfied.negate(), inc)
	return unsatisfied.pkg, false
}

// satisfier returns the earliest assignment after which the partial
// solution satisfies t.
func (s *solver) satisfier(t term) assignment {
	for _, e := range s.pkgs[t.pkg].stack {
		if e.acc.subsetOf(t) {
			return s.assigns[e.a]
		}
	}
	panic("resolve: no satisfier")
}

func (s *solver) isFailure(inc *incompat) bool {
	return len(inc.terms) == 0 || len(inc.terms) == 1 && inc.terms[0].pkg == rootPkg && inc.terms[0].pos
}

func (s *solver) resolveConflict(inc *incompat) (*incompat, error) {
	learnt := false
	for !s.isFailure(inc) {
		var recentTerm *term
		var recent assignment
		haveRecent := false
		var difference *term
		prevLevel := 1
		for i := range inc.terms {
			t := &inc.terms[i]
			sat := s.satisfier(*t)
			if !haveRecent || recent.index < sat.index {
				if haveRecent {
					prevLevel = max(prevLevel, recent.level)
				}
				recentTerm, recent, haveRecent, difference = t, sat, true, nil
			} else {
				prevLevel = max(prevLevel, sat.level)
			}
			if recentTerm == t {
				d := recent.t.intersect(t.negate())
				if !d.unsatisfiable() && !(d.pos == false && d.set.empty()) {
					difference = &d
					prevLevel = max(prevLevel, s.satisfier(d.negate()).level)
				}
			}
		}
		if prevLevel < recent.level || recent.cause == nil {
			s.backtrack(prevLevel)
			if learnt {
				s.addIncompat(inc)
			}
			return inc, nil
		}
		var terms []term
		for i := range inc.terms {
			if &inc.terms[i] != recentTerm {
				terms = append(terms, inc.terms[i])
			}
		}
		for _, t := range recent.cause.terms {
			if t.pkg != recent.t.pkg {
				terms = append(terms, t)
			}
		}
		if difference != nil {
			terms = append(terms, difference.negate())
		}
		next := newIncompat(causeDerived, terms...)
		next.c1, next.c2 = inc, recent.cause
		inc = next
		learnt = true
	}
	return nil, &NoSolutionError{Explanation: s.explain(inc)}
}

func (s *solver) backtrack(level int) {
	for len(s.assigns) > 0 && s.assigns[len(s.assigns)-1].level > level {
		a := s.assigns[len(s.assigns)-1]
		s.assigns = s.assigns[:len(s.assigns)-1]
		p := s.pkgs[a.t.pkg]
		p.stack = p.stack[:len(p.stack)-1]
		s.setTop(a.t.pkg)
		if a.cause == nil {
			p.decided = -1
			s.tops[a.t.pkg].decided = false
		}
	}
	s.levels = level
}

// decide chooses the next package and version. done is true when every
// package with a positive derivation is decided.
func (s *solver) decide() (next int, done bool, err error) {
	best, bestCount := -1, 0
	s.open = s.open[:0]
	for i := range s.tops {
		tp := &s.tops[i]
		if tp.decided || !tp.pos {
			continue
		}
		s.open = append(s.open, openPkg{i, tp.set})
		if best < 0 || tp.n < bestCount {
			best, bestCount = i, tp.n
		}
	}
	if best < 0 {
		return 0, true, nil
	}
	p := s.pkgs[best]
	cur, _ := s.current(best)
	vi := s.pickVersion(best, cur.set)
	s.lookahead(best)
	if vi < 0 {
		inc := newIncompat(causeNoVersions, term{best, cur.set, true})
		inc.reason = p.reason
		s.addIncompat(inc)
		return best, false, nil
	}
	d, err := s.dependencies(best, vi)
	if err != nil {
		return 0, false, err
	}
	single := singleton(len(p.versions), vi)
	if d.unusable != "" {
		inc := newIncompat(causeUnusable, term{best, single, true})
		inc.reason = d.unusable
		s.addIncompat(inc)
		return best, false, nil
	}
	conflict := false
	for _, dep := range d.deps {
		inc := newIncompat(causeDependency, term{best, s.depRange(best, vi, dep), true}, term{dep.pkg, dep.set, false})
		inc.depPkg, inc.depText = dep.pkg, dep.text
		s.addIncompat(inc)
		if !conflict {
			all := true
			for _, t := range inc.terms {
				if t.pkg != best && s.relation(t) != relSatisfied {
					all = false
					break
				}
			}
			conflict = all
		}
	}
	if !conflict {
		s.levels++
		s.steps++
		s.assign(term{best, single, true}, nil)
		p.decided = vi
		s.tops[best].decided = true
	}
	return best, false, nil
}

// depRange widens the depender side of a dependency to the neighbouring
// versions whose dependencies are already known and include the same
// requirement, so explanations say "flask>=3 requires" rather than
// listing versions one by one. It never fetches.
func (s *solver) depRange(pkg, vi int, dep depReq) vset {
	p := s.pkgs[pkg]
	set := singleton(len(p.versions), vi)
	same := func(j int) bool {
		d, ok := s.deps[[2]int{pkg, j}]
		if !ok || d.unusable != "" {
			return false
		}
		for _, o := range d.deps {
			if o.pkg == dep.pkg && o.set.equal(dep.set) {
				return true
			}
		}
		return false
	}
	for j := vi - 1; j >= 0 && same(j); j-- {
		set = set.or(singleton(len(p.versions), j))
	}
	for j := vi + 1; j < len(p.versions) && same(j); j++ {
		set = set.or(singleton(len(p.versions), j))
	}
	return set
}

// lookahead asks the provider, in the background, for the metadata of
// the versions the next decisions would take: those of the undecided
// packages other than best (which decide fetches now). Each version is
// asked for once.
func (s *solver) lookahead(best int) {
	if s.pf == nil {
		return
	}
	for _, o := range s.open {
		if o.pkg == best || o.pkg == rootPkg {
			continue
		}
		vi := s.pickVersion(o.pkg, o.set)
		if vi < 0 {
			continue
		}
		p := s.pkgs[o.pkg]
		key := [2]int{o.pkg, vi}
		if _, ok := s.deps[key]; ok || s.asked[key] {
			continue
		}
		s.asked[key] = true
		s.pf.PrefetchMetadata(p.base, p.versions[vi])
	}
}

func (s *solver) pickVersion(pkg int, allowed vset) int {
	p := s.pkgs[pkg]
	if pkg != rootPkg && p.extra == "" {
		if p.prefer == preferUnknown {
			p.prefer = preferNone
			if v, ok := s.opts.Prefer[p.base]; ok {
				for i := range p.versions {
					if p.versions[i].Equal(v) {
						p.prefer = i
						break
					}
				}
			}
		}
		if p.prefer >= 0 && allowed.has(p.prefer) {
			return p.prefer
		}
	}
	if p.extra != "" {
		// An extra follows its base: take the version already decided.
		if b := s.byName[p.base]; s.pkgs[b].decided >= 0 {
			want := s.pkgs[b].versions[s.pkgs[b].decided]
			for _, i := range allowed.members() {
				if p.versions[i].Equal(want) {
					return i
				}
			}
		}
	}
	return allowed.highest()
}

// pkgFor returns the package id of a name or "name[extra]", loading its
// candidates.
func (s *solver) pkgFor(base, extra string) (int, error) {
	key := base
	if extra != "" {
		key = base + "[" + extra + "]"
	}
	if id, ok := s.byName[key]; ok {
		return id, nil
	}
	p := &pkgInfo{name: key, base: base, extra: extra, decided: -1, prefer: preferUnknown, matches: map[string]vset{}}
	if extra != "" {
		bid, err := s.pkgFor(base, "")
		if err != nil {
			return 0, err
		}
		b := s.pkgs[bid]
		p.versions, p.yanked, p.reason, p.loaded = b.versions, b.yanked, b.reason, true
	} else {
		cands, err := s.p.Candidates(s.ctx, base)
		var ue *UnavailableError
		switch {
		case errors.As(err, &ue):
			p.reason = ue.Reason
		case err != nil:
			return 0, err
		}
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].Version.Compare(cands[j].Version) < 0 })
		for i, c := range cands {
			if i > 0 && c.Version.Equal(p.versions[len(p.versions)-1]) {
				continue
			}
			p.versions = append(p.versions, c.Version)
			p.yanked = append(p.yanked, c.Yanked)
		}
		if len(p.versions) == 0 && p.reason == "" {
			p.reason = "no installable versions"
		}
		p.loaded = true
	}
	s.pkgs = append(s.pkgs, p)
	s.tops = append(s.tops, top{})
	s.byName[key] = len(s.pkgs) - 1
	return len(s.pkgs) - 1, nil
}

// match returns the versions of pkg a specifier allows: final releases
// (and pre-releases the specifier names); when that is none, the
// pre-releases it contains, as pip does. Yanked versions only match a
// specifier that pins them with == or ===.
func (s *solver) match(pkg int, set spec.SpecifierSet) vset {
	p := s.pkgs[pkg]
	key := set.String()
	if m, ok := p.matches[key]; ok {
		return m
	}
	exact := false
	for _, c := range set {
		if c.IsExact() {
			exact = true
		}
	}
	pick := func(pre bool) vset {
		out := make(vset, (len(p.versions)+63)/64)
		for i, v := range p.versions {
			if p.yanked[i] && !exact {
				continue
			}
			if set.Contains(v, pre) {
				out[i/64] |= 1 << (i % 64)
			}
		}
		return out
	}
	m := pick(false)
	if m.empty() {
		m = pick(true)
	}
	p.matches[key] = m
	p.labels = append(p.labels, label{text: key, set: m})
	return m
}

// dependencies returns what pkg==versions[vi] requires.
func (s *solver) dependencies(pkg, vi int) (*depsResult, error) {
	if d, ok := s.deps[[2]int{pkg, vi}]; ok {
		return d, nil
	}
	d := &depsResult{}
	p := s.pkgs[pkg]
	var reqs []*spec.Requirement
	extra := ""
	switch {
	case pkg == rootPkg:
		reqs = s.opts.Requirements
	default:
		m, err := s.p.Metadata(s.ctx, p.base, p.versions[vi])
		var ue *UnavailableError
		switch {
		case errors.As(err, &ue):
			d.unusable = ue.Reason
		case err != nil:
			return nil, err
		case len(m.RequiresPythonSet) > 0 && !m.RequiresPythonSet.Contains(s.python, true):
			d.unusable = fmt.Sprintf("requires Python %s", m.RequiresPython)
		default:
			reqs = m.RequiresDist
			extra = p.extra
			if extra != "" && !m.HasExtra(extra) {
				reqs = nil // pip warns and installs the base only
			}
		}
	}
	if d.unusable != "" {
		s.deps[[2]int{pkg, vi}] = d
		return d, nil
	}
	var active []*spec.Requirement
	for _, r := range reqs {
		if extra != "" {
			// The extra's own requirements: those its marker turns on.
			if r.Marker == nil || !r.Marker.Evaluate(s.opts.Env, extra) || r.Marker.Evaluate(s.opts.Env, "") {
				continue
			}
		} else if !r.Marker.Evaluate(s.opts.Env, "") {
			continue
		}
		active = append(active, r)
	}
	if s.pf != nil && len(active) > 0 {
		var wants []Want
		seen := map[string]bool{}
		for _, r := range active {
			n := r.CanonicalName()
			if _, ok := s.byName[n]; ok || seen[n] {
				continue
			}
			seen[n] = true
			w := Want{Name: n, Specifier: r.Specifier}
			if v, ok := s.opts.Prefer[n]; ok {
				w.Prefer = &v
			}
			wants = append(wants, w)
		}
		if len(wants) > 0 {
			s.pf.Prefetch(wants)
		}
	}
	if extra != "" {
		// name[extra]==V requires name==V.
		bid, err := s.pkgFor(p.base, "")
		if err != nil {
			return nil, err
		}
		d.deps = append(d.deps, depReq{pkg: bid, set: singleton(len(p.versions), vi), text: "==" + p.versions[vi].String()})
	}
	for _, r := range active {
		base := r.CanonicalName()
		targets := []string{""}
		for _, e := range r.Extras {
			targets = append(targets, e)
		}
		for _, e := range targets {
			id, err := s.pkgFor(base, e)
			if err != nil {
				return nil, err
			}
			if id == pkg || (s.pkgs[id].base == p.base && pkg != rootPkg && e == "") {
				continue // a distribution requiring itself
			}
			d.deps = append(d.deps, depReq{pkg: id, set: s.match(id, r.Specifier), text: r.Specifier.String()})
		}
	}
	s.deps[[2]int{pkg, vi}] = d
	return d, nil
}

func (s *solver) solution() *Solution {
	sol := &Solution{Steps: s.steps}
	byBase := map[string]*Resolved{}
	var order []string
	for _, p := range s.pkgs[1:] {
		if p.decided < 0 {
			continue
		}
		r, ok := byBase[p.base]
		if !ok {
			r = &Resolved{Name: p.base}
			byBase[p.base] = r
			order = append(order, p.base)
		}
		if p.extra == "" {
			r.Version = p.versions[p.decided]
		} else {
			r.Extras = append(r.Extras, p.extra)
		}
	}
	via := map[string]map[string]bool{}
	for id, p := range s.pkgs {
		if p.decided < 0 {
			continue
		}
		d := s.deps[[2]int{id, p.decided}]
		if d == nil {
			continue
		}
		for _, dep := range d.deps {
			q := s.pkgs[dep.pkg]
			r := byBase[q.base]
			if r == nil || q.base == p.base {
				continue
			}
			if id == rootPkg {
				r.Direct = true
				continue
			}
			if via[q.base] == nil {
				via[q.base] = map[string]bool{}
			}
			via[q.base][p.base] = true
		}
	}
	sort.Strings(order)
	for _, name := range order {
		r := byBase[name]
		sort.Strings(r.Extras)
		for v := range via[name] {
			r.Via = append(r.Via, v)
		}
		sort.Strings(r.Via)
		sol.Dists = append(sol.Dists, *r)
	}
	return sol
}

// describe prints a set of versions of pkg the way people write them:
// "flask", "flask>=3" (a specifier seen in a requirement that gives
// exactly this set), "flask==3.1.3", or ranges over the known versions.
func (s *solver) describe(pkg int, set vset) string {
	p := s.pkgs[pkg]
	if pkg == rootPkg {
		return p.name
	}
	n := len(p.versions)
	if set.equal(fullSet(n)) {
		return p.name
	}
	for _, l := range p.labels {
		if l.set.equal(set) {
			return p.name + l.text // "" (any version) prints the bare name
		}
	}
	members := set.members()
	if len(members) == 0 {
		return p.name + " (no version)"
	}
	if len(members) == 1 {
		return p.name + "==" + p.versions[members[0]].String()
	}
	// Complement of a one-clause label: negate the operator.
	comp := fullSet(n).andNot(set)
	for _, l := range p.labels {
		if l.set.equal(comp) && !strings.Contains(l.text, ",") {
			if inv, ok := invertClause(l.text); ok {
				return p.name + inv
			}
		}
	}
	// Runs of consecutive candidates.
	var parts []string
	for i := 0; i < len(members); {
		j := i
		for j+1 < len(members) && members[j+1] == members[j]+1 {
			j++
		}
		lo, hi := members[i], members[j]
		switch {
		case lo == 0 && hi == n-1:
			parts = append(parts, "any")
		case lo == 0:
			parts = append(parts, "<"+p.versions[hi+1].String())
		case hi == n-1:
			parts = append(parts, ">="+p.versions[lo].String())
		case lo == hi:
			parts = append(parts, "=="+p.versions[lo].String())
		default:
			parts = append(parts, ">="+p.versions[lo].String()+",<"+p.versions[hi+1].String())
		}
		i = j + 1
	}
	if len(parts) == 1 {
		return p.name + parts[0]
	}
	return p.name + " (" + strings.Join(parts, " or ") + ")"
}

func invertClause(c string) (string, bool) {
	for _, op := range []string{">=", "<=", "==", "!=", ">", "<"} {
		if v, ok := strings.CutPrefix(c, op); ok {
			if strings.HasPrefix(v, "=") {
				return "", false
			}
			inv := map[string]string{">=": "<", "<=": ">", "==": "!=", "!=": "==", ">": "<=", "<": ">="}[op]
			return inv + v, true
		}
	}
	return "", false
}
