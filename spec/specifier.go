package spec

// PEP 440 version specifiers, with packaging 21.3's semantics (its Specifier
// and SpecifierSet classes). The prefix matching of "==X.*" and the prefix
// computed for "~=" are string operations in packaging (_version_split,
// _pad_version); they are reproduced as such, so spellings such as
// "==1.0A1.*" behave exactly as they do there.

import (
	"sort"
	"strings"
)

// Specifier is one clause such as ">=1.0" or "==2.*".
type Specifier struct {
	Op      string // one of ~= == != <= >= < > ===
	Version string // as written after the operator, trimmed (may end in ".*")
	// Legacy marks a clause that packaging 21.3 accepts only as a
	// LegacySpecifier (such as ">=" with no version, or ">=1.0.*"), which
	// compares versions by setuptools' old rules. Only ParseRequirement
	// produces such clauses, because packaging 21.3's requirement grammar
	// does; ParseSpecifierSet rejects them. pip 24.1 and later reject them
	// too, so callers should warn about them.
	Legacy bool
}

// SpecifierSet is a comma-separated list of clauses, all of which must hold.
// The empty set matches every version.
type SpecifierSet []Specifier

// ParseSpecifier parses a single clause such as ">= 1.0" (surrounding
// whitespace allowed). The error is a *SyntaxError.
func ParseSpecifier(s string) (Specifier, error) {
	c, err := pepParseClause(s, 0, s)
	if err != nil {
		return Specifier{}, err
	}
	return c, nil
}

// ParseSpecifierSet parses "" or a comma-separated list of clauses. The
// error is a *SyntaxError whose Offset points into s.
//
// As in packaging, empty clauses are ignored (">=1,,<2" is two clauses) and
// clauses that are equal once their versions are canonicalized are kept once
// (the first spelling wins): ">=1.0,>=1" is ">=1.0".
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	var set SpecifierSet
	start := 0
	for start <= len(s) {
		end := strings.IndexByte(s[start:], ',')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		piece := s[start:end]
		a, b := pepPyTrimBounds(piece)
		if a < b {
			c, err := pepParseClause(piece, start, s)
			if err != nil {
				return nil, err
			}
			set = set.add(c)
		}
		start = end + 1
	}
	return set, nil
}

// add appends c unless an equal clause is already there (packaging keeps
// the clauses in a set, hashed on the canonical version).
func (s SpecifierSet) add(c Specifier) SpecifierSet {
	key := c.canonical()
	for _, o := range s {
		if o.Legacy == c.Legacy && o.Op == c.Op && o.canonical() == key {
			return s
		}
	}
	return append(s, c)
}

func (c Specifier) canonical() string { return pepCanonicalizeVersion(c.Version) }

// pepCanonicalizeVersion is packaging.utils.canonicalize_version: the
// normalized version with trailing ".0"s of the release removed, or the
// string unchanged when it is not a valid version.
func pepCanonicalizeVersion(s string) string {
	v, err := ParseVersion(s)
	if err != nil {
		return s
	}
	rel := v.Release
	for len(rel) > 1 && rel[len(rel)-1] == 0 {
		rel = rel[:len(rel)-1]
	}
	v.Release = rel
	return v.String()
}

// String returns the clause as packaging prints it: operator and version,
// with no space between. (A legacy clause such as "> =1", whose operator
// and version would read back as another operator, keeps a space.)
func (c Specifier) String() string {
	if c.Legacy && strings.HasPrefix(c.Version, "=") && (c.Op == "<" || c.Op == ">" || c.Op == "==") {
		return c.Op + " " + c.Version
	}
	return c.Op + c.Version
}

// String returns the clauses sorted by their string form and joined by
// commas, as packaging's str(SpecifierSet) does.
func (s SpecifierSet) String() string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0].String()
	}
	strs := make([]string, len(s))
	for i, c := range s {
		strs[i] = c.String()
	}
	sort.Strings(strs)
	return strings.Join(strs, ",")
}

// HasLegacy reports whether any clause is a legacy clause (see
// Specifier.Legacy).
func (s SpecifierSet) HasLegacy() bool {
	for _, c := range s {
		if c.Legacy {
			return true
		}
	}
	return false
}

func (s SpecifierSet) hasArbitrary() bool {
	for _, c := range s {
		if c.Op == "===" && !c.Legacy {
			return true
		}
	}
	return false
}

// Contains reports whether v satisfies every clause. With prereleases false,
// pre-release versions are excluded unless a clause itself names a
// pre-release (packaging's default, "in_default" in the golden cases); with
// prereleases true they are allowed ("in").
//
// The empty set contains every final release, and pre-releases only when
// prereleases is true (packaging: SpecifierSet("").contains("1.0a1") is
// False).
func (s SpecifierSet) Contains(v Version, prereleases bool) bool {
	if !prereleases && v.IsPrerelease() && !s.AllowsPrereleases() {
		return false
	}
	for i := range s {
		if !s[i].match(v) {
			return false
		}
	}
	return true
}

// AllowsPrereleases reports whether the set admits pre-releases by default:
// true when some clause names a pre-release version with an inclusive
// operator (==, >=, <=, ~=, ===), like packaging's SpecifierSet.prereleases.
func (s SpecifierSet) AllowsPrereleases() bool {
	for _, c := range s {
		if c.AllowsPrereleases() {
			return true
		}
	}
	return false
}

// AllowsPrereleases is packaging's Specifier.prereleases: true when the
// operator is inclusive (==, >=, <=, ~=, ===) and its version is a
// pre-release, such as ">=1.0rc1" or "==2.0b1.*".
func (c Specifier) AllowsPrereleases() bool {
	if c.Legacy {
		return false
	}
	switch c.Op {
	case "==", ">=", "<=", "~=", "===":
	default:
		return false
	}
	ver := c.Version
	if c.Op == "==" {
		ver = strings.TrimSuffix(ver, ".*")
	}
	v, err := ParseVersion(ver)
	return err == nil && v.IsPrerelease()
}

// Contains reports whether v satisfies the clause, with packaging's rule
// for pre-releases: when prereleases is false, a pre-release v is excluded
// unless the clause names a pre-release itself.
func (c Specifier) Contains(v Version, prereleases bool) bool {
	if !prereleases && v.IsPrerelease() && !c.AllowsPrereleases() {
		return false
	}
	return c.match(v)
}

// IsExact reports whether the clause pins one version: "==" without a
// wildcard, or "===".
func (c Specifier) IsExact() bool {
	return !c.Legacy && (c.Op == "===" || (c.Op == "==" && !strings.HasSuffix(c.Version, ".*")))
}

// match applies the operator alone (packaging's _compare_* methods).
func (c Specifier) match(v Version) bool {
	var buf [8]int
	if c.Legacy {
		return pepMatchLegacy(c.Op, v.String(), c.Version)
	}
	switch c.Op {
	case "===":
		return pepAsciiLowerEqual(v.String(), c.Version)
	case "==", "!=":
		var eq bool
		if strings.HasSuffix(c.Version, ".*") {
			eq = pepPrefixMatch(v, c.Version[:len(c.Version)-2])
		} else {
			sv, ok := pepSpecVersion(c.Version, buf[:0])
			if !ok {
				return false
			}
			if len(sv.Local) == 0 {
				eq = pepComparePublic(v, sv) == 0
			} else {
				eq = v.Compare(sv) == 0
			}
		}
		return eq == (c.Op == "==")
	}
	sv, ok := pepSpecVersion(c.Version, buf[:0])
	if !ok {
		return false
	}
	switch c.Op {
	case "<=":
		return pepComparePublic(v, sv) <= 0
	case ">=":
		return pepComparePublic(v, sv) >= 0
	case "<":
		if v.Compare(sv) >= 0 {
			return false
		}
		// <3.1 excludes 3.1 pre-releases unless 3.1 itself is one.
		return sv.IsPrerelease() || !v.IsPrerelease() || !pepSameBase(v, sv)
	case ">":
		if v.Compare(sv) <= 0 {
			return false
		}
		// >3.1 excludes 3.1 post-releases unless 3.1 itself is one, and
		// local versions of 3.1.
		if !sv.IsPostrelease() && v.IsPostrelease() && pepSameBase(v, sv) {
			return false
		}
		return len(v.Local) == 0 || !pepSameBase(v, sv)
	case "~=":
		// ~=2.2 is >=2.2 and ==2.*, the prefix computed from the string.
		return pepComparePublic(v, sv) >= 0 && pepPrefixMatch(v, pepCompatiblePrefix(c.Version))
	}
	return false
}

// pepSpecVersion parses the version of a clause, putting the release
// numbers in buf (so that the hot path need not allocate); a hand-built
// clause with an invalid version matches nothing.
func pepSpecVersion(s string, buf []int) (Version, bool) {
	start, end := pepPyTrimBounds(s)
	if start == end {
		return Version{}, false
	}
	var sc pepVscanner
	sc.init(s[:end], start, pepModeVersion)
	rel, ok := sc.scanRel(buf)
	if !ok || sc.i != end {
		return Version{}, false
	}
	v := sc.v
	v.Release = rel
	return v, true
}

// pepComparePublic compares v without its local label to o.
func pepComparePublic(v, o Version) int {
	v.Local = nil
	return v.Compare(o)
}

func pepSameBase(a, b Version) bool {
	return a.Epoch == b.Epoch && pepCompareRelease(a.Release, b.Release) == 0
}

// pepAsciiLowerEqual is str(prospective).lower() == spec.lower(), where the
// prospective string is ASCII.
func pepAsciiLowerEqual(prospective, spec string) bool {
	if len(prospective) != len(spec) {
		// A non-ASCII rune in spec can lower-case to ASCII only for the
		// Kelvin sign; fall back to the general path.
		return pepPyLower(prospective) == pepPyLower(spec)
	}
	for i := 0; i < len(spec); i++ {
		if pepLowerASCII(prospective[i]) != pepLowerASCII(spec[i]) {
			return pepPyLower(prospective) == pepPyLower(spec)
		}
	}
	return true
}

// pepPrefixMatch is packaging's "==prefix.*" test (prefix without ".*"),
// done on strings as packaging does.
func pepPrefixMatch(v Version, prefix string) bool {
	if handled, ok := pepPrefixMatchFast(v, prefix); handled {
		return ok
	}
	return pepPrefixMatchSlow(v, prefix)
}

// pepPrefixMatchSlow is pepPrefixMatch done as packaging does it.
func pepPrefixMatchSlow(v Version, prefix string) bool {
	spec := pepVersionSplit(prefix)
	var b strings.Builder
	v.appendPublic(&b)
	pro := pepVersionSplit(b.String())
	if len(pro) > len(spec) {
		pro = pro[:len(spec)]
	}
	ls, lp := pepLeadingDigits(spec), pepLeadingDigits(pro)
	// Pad the release parts with "0"s to the same length, then compare.
	n := ls
	if lp > n {
		n = lp
	}
	if n-ls+len(spec) != n-lp+len(pro) {
		return false
	}
	for i := 0; i < n; i++ {
		a, b := "0", "0"
		if i < ls {
			a = spec[i]
		}
		if i < lp {
			b = pro[i]
		}
		if a != b {
			return false
		}
	}
	rs, rp := spec[ls:], pro[lp:]
	for i := range rs {
		if rs[i] != rp[i] {
			return false
		}
	}
	return true
}

// pepPrefixMatchFast decides pepPrefixMatch without allocating when the
// prefix is plain numbers separated by dots ("2", "1.4"), the usual case.
// The string comparison then reduces to: the version has no epoch, its
// release numbers spell the prefix's items (a shorter release is padded
// with "0" items, which only an unsuffixed version gets).
func pepPrefixMatchFast(v Version, prefix string) (handled, ok bool) {
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		if c == '.' {
			if i == 0 || i == len(prefix)-1 || prefix[i-1] == '.' {
				return false, false
			}
		} else if !pepIsDigit(c) {
			return false, false
		}
	}
	if prefix == "" {
		return false, false
	}
	if v.Epoch != 0 {
		return true, false
	}
	suffixed := v.Pre != nil || v.Post != nil || v.Dev != nil
	for i := 0; prefix != ""; i++ {
		item := prefix
		if k := strings.IndexByte(prefix, '.'); k >= 0 {
			item, prefix = prefix[:k], prefix[k+1:]
		} else {
			prefix = ""
		}
		if i >= len(v.Release) {
			if suffixed || item != "0" {
				return true, false
			}
			continue
		}
		if len(item) > 1 && item[0] == '0' {
			return true, false
		}
		n, fits := pepParseDecimal(item)
		if !fits || n != v.Release[i] {
			return true, false
		}
	}
	return true, true
}

func pepLeadingDigits(items []string) int {
	n := 0
	for n < len(items) && pepAllDigits(items[n]) {
		n++
	}
	return n
}

// pepVersionSplit is packaging's _version_split: split on ".", and split an
// item such as "0rc1" into "0" and "rc1".
func pepVersionSplit(s string) []string {
	out := make([]string, 0, 6)
	for {
		i := strings.IndexByte(s, '.')
		item := s
		if i >= 0 {
			item = s[:i]
		}
		if d, ok := pepSplitPreItem(item); ok {
			out = append(out, item[:d], item[d:])
		} else {
			out = append(out, item)
		}
		if i < 0 {
			return out
		}
		s = s[i+1:]
	}
}

// pepSplitPreItem matches ^([0-9]+)((?:a|b|c|rc)[0-9]+)$ (case-sensitive) and
// returns the length of the digit group.
func pepSplitPreItem(item string) (int, bool) {
	d := 0
	for d < len(item) && pepIsDigit(item[d]) {
		d++
	}
	if d == 0 {
		return 0, false
	}
	rest := item[d:]
	switch {
	case strings.HasPrefix(rest, "rc"):
		rest = rest[2:]
	case strings.HasPrefix(rest, "a"), strings.HasPrefix(rest, "b"), strings.HasPrefix(rest, "c"):
		rest = rest[1:]
	default:
		return 0, false
	}
	if !pepAllDigits(rest) {
		return 0, false
	}
	return d, true
}

// pepCompatiblePrefix computes the "==X.*" half of "~=V": V split as above,
// cut before the first suffix item (dev, a, b, rc, post), minus the last
// item.
func pepCompatiblePrefix(ver string) string {
	if simple := strings.Trim(ver, "0123456789."); simple == "" {
		// Plain release numbers: drop the last one.
		if k := strings.LastIndexByte(ver, '.'); k > 0 {
			return ver[:k]
		}
	}
	items := pepVersionSplit(ver)
	n := 0
	for n < len(items) && !pepIsSuffixItem(items[n]) {
		n++
	}
	if n > 0 {
		n--
	}
	return strings.Join(items[:n], ".")
}

func pepIsSuffixItem(s string) bool {
	for _, p := range [...]string{"dev", "a", "b", "rc", "post"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// pepMatchLegacy is packaging 21.3's LegacySpecifier comparison.
func pepMatchLegacy(op, prospective, spec string) bool {
	c := pepCompareLegacy(prospective, spec)
	switch op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<=":
		return c <= 0
	case ">=":
		return c >= 0
	case "<":
		return c < 0
	case ">":
		return c > 0
	}
	return false
}

// Parsing one clause.

var pepSpecOps = [...]string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"}

// pepParseClause parses piece (found at offset base in full) as one strict
// PEP 440 clause, like packaging's Specifier regular expression.
func pepParseClause(piece string, base int, full string) (Specifier, *SyntaxError) {
	i := pepSkipPySpace(piece, 0)
	_, end := pepPyTrimBounds(piece)
	if end < i {
		end = i
	}
	op := ""
	for _, o := range pepSpecOps {
		if strings.HasPrefix(piece[i:], o) {
			op = o
			break
		}
	}
	if op == "" || (op != "===" && i+len(op) < len(piece) && strings.IndexByte("=!<>~", piece[i+len(op)]) >= 0) {
		return Specifier{}, pepOperatorError(piece, i, base)
	}
	j := pepSkipPySpace(piece, i+len(op))
	if j > end {
		j = end
	}
	if op == "===" {
		ver := piece[j:end]
		for k, r := range ver {
			if pepPyIsSpace(r) {
				return Specifier{}, &SyntaxError{
					Kind:   KindSpecifier,
					Offset: base + j + k,
					Msg:    "invalid specifier '" + strings.TrimSpace(piece) + "': the version after '===' cannot contain whitespace",
					Hint:   "The '===' operator compares the version as a plain string; write it without spaces.",
				}
			}
		}
		return Specifier{Op: op, Version: ver}, nil
	}
	if j >= end || piece[j] == ',' {
		return Specifier{}, &SyntaxError{
			Kind:   KindSpecifier,
			Offset: base + j,
			Msg:    "expected a version after '" + op + "', found " + pepDescribeAt(full, base+j),
			Hint:   "Write a version after the operator, as in " + op + "1.0.",
		}
	}
	mode := pepModeOrdered
	switch op {
	case "==", "!=":
		mode = pepModeEq
	case "~=":
		mode = pepModeCompat
	}
	var sc pepVscanner
	sc.init(piece[:end], j, mode)
	ok := sc.scan()
	if ok && mode == pepModeCompat && len(sc.v.Release) < 2 && sc.i == end {
		return Specifier{}, &SyntaxError{
			Kind:   KindSpecifier,
			Offset: base + j,
			Msg:    "invalid specifier '" + op + piece[j:end] + "': '~=' needs a version with at least two release numbers",
			Hint:   "Write ~=1.0 (meaning >=1.0, ==1.*) or ~=1.4.2 (meaning >=1.4.2, ==1.4.*); for any 1.x use >=1,<2.",
		}
	}
	if !ok || sc.i != end {
		e := sc.syntaxError(op)
		e.Offset += base
		if mode == pepModeCompat && len(sc.v.Release) < 2 && !sc.failed {
			if strings.HasPrefix(piece[sc.i:end], ".*") {
				e.Msg = "invalid specifier '" + op + piece[j:end] + "': '~=' does not take a wildcard"
				e.Hint = "Write ~=1.0 (meaning >=1.0, ==1.*), or ==1.* alone."
			}
		}
		return Specifier{}, e
	}
	return Specifier{Op: op, Version: piece[j:end]}, nil
}

// pepOperatorError explains a clause that does not start with an operator.
func pepOperatorError(piece string, i, base int) *SyntaxError {
	k := i
	for k < len(piece) && strings.IndexByte("=!<>~", piece[k]) >= 0 {
		k++
	}
	e := &SyntaxError{
		Kind:   KindSpecifier,
		Offset: base + i,
		Hint:   "Start each clause with one of ~= == != <= >= < > ===, as in >=1.0.",
	}
	if k == i {
		found := pepDescribeAt(piece, i)
		if i < len(piece) && (pepIsDigit(piece[i]) || piece[i] == 'v') {
			e.Msg = "expected a comparison operator before the version " + found
			e.Hint = "Write ==" + strings.TrimSpace(piece[i:]) + " to pin that version, or >=" + strings.TrimSpace(piece[i:]) + " for a minimum."
		} else {
			e.Msg = "expected a comparison operator (~= == != <= >= < > ===), found " + found
		}
		return e
	}
	bad := piece[i:k]
	e.Msg = "unknown operator '" + bad + "'"
	if s, ok := pepOpSuggestions[bad]; ok {
		e.Msg += " (did you mean '" + s + "'?)"
	}
	return e
}

var pepOpSuggestions = map[string]string{
	"=": "==", "=>": ">=", "=<": "<=", "<>": "!=", "!==": "!=", "=!": "!=", "!": "!=",
	">>": ">", "<<": "<", "~": "~=", "=~": "~=", "~==": "~=", "~>": "~=", "=>=": ">=",
	"=<=": "<=", "><": "!=",
}
