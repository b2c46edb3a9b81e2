package spec

// PEP 440 versions. Written in-house; see doc.go.
//
// The rules follow packaging 21.3 (as vendored by pip 23.2): its Version
// regular expression, its normalization in str(Version) and its _cmpkey
// ordering. The scanner below is hand-written; it accepts exactly the
// strings the anchored regular expression accepts, with the deviations
// listed in pep_test.go (knownDeviations): non-ASCII letters that Python's
// re.IGNORECASE folds onto ASCII, and numbers that do not fit in an int.

import (
	"strconv"
	"strings"
)

// PreRelease is the pre-release segment of a version: Kind is "a", "b" or "rc"
// (normalized from alpha, beta, c, pre, preview).
type PreRelease struct {
	Kind string
	N    int
}

// Version is a parsed PEP 440 version. The zero value is not a valid version;
// use ParseVersion.
type Version struct {
	Epoch   int
	Release []int
	Pre     *PreRelease // nil when not a pre-release
	Post    *int        // nil when no post segment
	Dev     *int        // nil when no dev segment
	Local   []string    // local segments, lower-cased; numeric ones compare as numbers
}

// ParseVersion parses s as a PEP 440 version, accepting every spelling that
// packaging accepts (leading "v", surrounding whitespace, "-", "_" and "."
// separators, implicit numbers, ...). The error is a *SyntaxError.
//
// Numeric local segments are stored without leading zeros ("1.0+007" has
// Local ["7"]), as packaging stores them as integers.
func ParseVersion(s string) (Version, error) {
	start, end := pepPyTrimBounds(s)
	if start == end {
		return Version{}, &SyntaxError{
			Kind:   KindVersion,
			Offset: start,
			Msg:    "empty version",
			Hint:   "Write a PEP 440 version such as 1.0, 2.1.3, 1.0rc1 or 1.0.post1.",
		}
	}
	var sc pepVscanner
	sc.init(s[:end], start, pepModeVersion)
	if !sc.scan() || sc.i != end {
		return Version{}, sc.syntaxError("")
	}
	return sc.v, nil
}

// String returns the normalized form, as packaging's str(Version) does.
func (v Version) String() string {
	var b strings.Builder
	b.Grow(16)
	v.appendPublic(&b)
	if len(v.Local) > 0 {
		b.WriteByte('+')
		for i, l := range v.Local {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(l)
		}
	}
	return b.String()
}

func (v Version) appendPublic(b *strings.Builder) {
	if v.Epoch != 0 {
		b.WriteString(strconv.Itoa(v.Epoch))
		b.WriteByte('!')
	}
	for i, r := range v.Release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(r))
	}
	if v.Pre != nil {
		b.WriteString(v.Pre.Kind)
		b.WriteString(strconv.Itoa(v.Pre.N))
	}
	if v.Post != nil {
		b.WriteString(".post")
		b.WriteString(strconv.Itoa(*v.Post))
	}
	if v.Dev != nil {
		b.WriteString(".dev")
		b.WriteString(strconv.Itoa(*v.Dev))
	}
}

// Public returns v without its local version label (packaging's
// Version.public, as a Version).
func (v Version) Public() Version {
	v.Local = nil
	return v
}

// BaseVersion returns the epoch and release segment of v only (packaging's
// Version.base_version, as a Version).
func (v Version) BaseVersion() Version {
	return Version{Epoch: v.Epoch, Release: v.Release}
}

// Compare returns -1, 0 or +1 as v sorts before, equal to or after o,
// by PEP 440 ordering.
func (v Version) Compare(o Version) int {
	if v.Epoch != o.Epoch {
		return pepCmpInt(v.Epoch, o.Epoch)
	}
	if c := pepCompareRelease(v.Release, o.Release); c != 0 {
		return c
	}
	if c := pepCompareSuffix(v, o); c != 0 {
		return c
	}
	return pepCompareLocal(v.Local, o.Local)
}

// Equal reports whether v and o are the same version by PEP 440 rules
// (so 1.0 equals 1.0.0 and 1.0-1 equals 1.0.post1).
func (v Version) Equal(o Version) bool { return v.Compare(o) == 0 }

// IsPrerelease reports whether v has a pre-release or dev segment.
func (v Version) IsPrerelease() bool { return v.Pre != nil || v.Dev != nil }

// IsPostrelease reports whether v has a post-release segment.
func (v Version) IsPostrelease() bool { return v.Post != nil }

// IsDevrelease reports whether v has a dev segment.
func (v Version) IsDevrelease() bool { return v.Dev != nil }

func pepCmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pepCompareRelease compares release segments with trailing zeros ignored.
func pepCompareRelease(a, b []int) int {
	la, lb := len(a), len(b)
	for la > 0 && a[la-1] == 0 {
		la--
	}
	for lb > 0 && b[lb-1] == 0 {
		lb--
	}
	n := la
	if lb < n {
		n = lb
	}
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return pepCmpInt(a[i], b[i])
		}
	}
	return pepCmpInt(la, lb)
}

// pepPreRank orders the pre-release part of packaging's _cmpkey: a dev-only
// version (no pre, no post) sorts before every pre-release, a version
// without pre-release after every one.
const (
	pepPreRankNegInf = 0
	pepPreRankTuple  = 1
	pepPreRankPosInf = 2
)

func pepPreRank(v Version) int {
	switch {
	case v.Pre == nil && v.Post == nil && v.Dev != nil:
		return pepPreRankNegInf
	case v.Pre == nil:
		return pepPreRankPosInf
	}
	return pepPreRankTuple
}

func pepCompareSuffix(v, o Version) int {
	rv, ro := pepPreRank(v), pepPreRank(o)
	if rv != ro {
		return pepCmpInt(rv, ro)
	}
	if rv == pepPreRankTuple {
		if v.Pre.Kind != o.Pre.Kind {
			return strings.Compare(v.Pre.Kind, o.Pre.Kind)
		}
		if v.Pre.N != o.Pre.N {
			return pepCmpInt(v.Pre.N, o.Pre.N)
		}
	}
	// Post: absent sorts before present.
	switch {
	case v.Post == nil && o.Post != nil:
		return -1
	case v.Post != nil && o.Post == nil:
		return 1
	case v.Post != nil && *v.Post != *o.Post:
		return pepCmpInt(*v.Post, *o.Post)
	}
	// Dev: absent sorts after present.
	switch {
	case v.Dev == nil && o.Dev != nil:
		return 1
	case v.Dev != nil && o.Dev == nil:
		return -1
	case v.Dev != nil && *v.Dev != *o.Dev:
		return pepCmpInt(*v.Dev, *o.Dev)
	}
	return 0
}

// pepCompareLocal: no local sorts first; alphanumeric segments sort before
// numeric ones; numeric segments compare as numbers, others as strings;
// when one is a prefix of the other the shorter sorts first.
func pepCompareLocal(a, b []string) int {
	if len(a) == 0 || len(b) == 0 {
		return pepCmpInt(len(a), len(b))
	}
	n := len(a)
	if len(b) < n {
		n = len(b)
	}
	for i := 0; i < n; i++ {
		if c := pepCompareLocalSegment(a[i], b[i]); c != 0 {
			return c
		}
	}
	return pepCmpInt(len(a), len(b))
}

func pepCompareLocalSegment(a, b string) int {
	na, nb := pepAllDigits(a), pepAllDigits(b)
	switch {
	case na && nb:
		return pepCompareDecimal(a, b)
	case na:
		return 1
	case nb:
		return -1
	}
	return strings.Compare(a, b)
}

// pepCompareDecimal compares two strings of ASCII digits as numbers of any size.
func pepCompareDecimal(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return pepCmpInt(len(a), len(b))
	}
	return strings.Compare(a, b)
}

func pepAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !pepIsDigit(s[i]) {
			return false
		}
	}
	return true
}

func pepIsDigit(c byte) bool { return '0' <= c && c <= '9' }

func pepIsAlnum(c byte) bool {
	return pepIsDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func pepIsSep(c byte) bool { return c == '-' || c == '_' || c == '.' }

func pepLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// pepHasPrefixFold reports whether s starts with the lower-case ASCII word w,
// ignoring ASCII case.
func pepHasPrefixFold(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if pepLowerASCII(s[i]) != w[i] {
			return false
		}
	}
	return true
}

// pepPyIsSpace reports whether r is whitespace for Python's str.isspace() and
// for \s in a str regular expression.
func pepPyIsSpace(r rune) bool {
	switch {
	case r == ' ' || ('\t' <= r && r <= '\r') || (0x1c <= r && r <= 0x1f):
		return true
	case r < 0x85:
		return false
	case r == 0x85 || r == 0xa0 || r == 0x1680 || (0x2000 <= r && r <= 0x200a) ||
		r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000:
		return true
	}
	return false
}

// pepPyTrimBounds returns the bounds of s without leading and trailing Python
// whitespace, as str.strip() would.
func pepPyTrimBounds(s string) (start, end int) {
	start, end = 0, len(s)
	for start < end {
		r, n := pepDecodeRune(s[start:])
		if !pepPyIsSpace(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := pepDecodeLastRune(s[:end])
		if !pepPyIsSpace(r) {
			break
		}
		end -= n
	}
	return start, end
}

func pepPyStrip(s string) string {
	a, b := pepPyTrimBounds(s)
	return s[a:b]
}

// pepSkipPySpace returns the index of the first non-whitespace rune at or
// after i.
func pepSkipPySpace(s string, i int) int {
	for i < len(s) {
		r, n := pepDecodeRune(s[i:])
		if !pepPyIsSpace(r) {
			break
		}
		i += n
	}
	return i
}

// Version scanning.

type pepVmode int

const (
	pepModeVersion pepVmode = iota // Version(): local allowed, no wildcard
	pepModeEq                      // == and !=: local or a trailing .* allowed
	pepModeCompat                  // ~=: two or more release numbers, no local
	pepModeOrdered                 // <= >= < >: no local, no wildcard
)

type pepVscanner struct {
	s        string // scanned text (ends where the version must end)
	start    int    // where the version begins in s
	i        int    // current position
	mode     pepVmode
	v        Version
	wildcard bool
	// failure details, set when scan returns false
	failed bool
	errAt  int
	errMsg string
}

func (sc *pepVscanner) init(s string, start int, mode pepVmode) {
	*sc = pepVscanner{s: s, start: start, i: start, mode: mode}
}

func (sc *pepVscanner) fail(at int, msg string) bool {
	sc.failed, sc.errAt, sc.errMsg = true, at, msg
	return false
}

// number reads a run of digits at sc.i as an int.
func (sc *pepVscanner) number() (int, bool) {
	s, i := sc.s, sc.i
	j := i
	for j < len(s) && pepIsDigit(s[j]) {
		j++
	}
	n, ok := pepParseDecimal(s[i:j])
	if !ok {
		return 0, sc.fail(i, "number "+s[i:j]+" is too large")
	}
	sc.i = j
	return n, true
}

// pepParseDecimal converts ASCII digits to an int; false on overflow.
func pepParseDecimal(d string) (int, bool) {
	const maxInt = int(^uint(0) >> 1)
	n := 0
	for i := 0; i < len(d); i++ {
		c := int(d[i] - '0')
		if n > (maxInt-c)/10 {
			return 0, false
		}
		n = n*10 + c
	}
	return n, true
}

var pepPreWords = [...]struct{ word, kind string }{
	// Longer spellings first: the regular expression backtracks into them.
	{"preview", "rc"}, {"alpha", "a"}, {"beta", "b"}, {"pre", "rc"},
	{"rc", "rc"}, {"a", "a"}, {"b", "b"}, {"c", "rc"},
}

var pepPostWords = [...]string{"post", "rev", "r"}

// optNumber parses the "[-_.]?[0-9]*" that follows a pre, post or dev
// keyword. A separator with no digits after it is still consumed, as the
// greedy regular expression does, except a "." that starts a ".*" wildcard.
func (sc *pepVscanner) optNumber() (int, bool) {
	s := sc.s
	j := sc.i
	if j < len(s) && pepIsSep(s[j]) {
		if !(sc.mode == pepModeEq && s[j] == '.' && j+1 < len(s) && s[j+1] == '*') {
			j++
		}
	}
	sc.i = j
	if j < len(s) && pepIsDigit(s[j]) {
		return sc.number()
	}
	return 0, true
}

// scan parses a version at sc.i as far as the grammar allows. It returns
// false on a hard error (no digits where one is required, a number that
// is too large); the caller checks that the whole text was used.
func (sc *pepVscanner) scan() bool {
	rel, ok := sc.scanRel(nil)
	sc.v.Release = rel
	return ok
}

// scanRel does the work of scan, appending the release numbers to buf (or
// a new slice when buf has no capacity). It returns them rather than
// storing them in sc.v, so that buf can stay on the caller's stack.
func (sc *pepVscanner) scanRel(buf []int) ([]int, bool) {
	s := sc.s
	var rel []int
	if sc.i < len(s) && (s[sc.i] == 'v' || s[sc.i] == 'V') {
		sc.i++
	}
	if sc.i >= len(s) || !pepIsDigit(s[sc.i]) {
		return rel, sc.fail(sc.i, "")
	}
	first, ok := sc.number()
	if !ok {
		return rel, false
	}
	if sc.i < len(s) && s[sc.i] == '!' {
		sc.v.Epoch = first
		sc.i++
		if sc.i >= len(s) || !pepIsDigit(s[sc.i]) {
			return rel, sc.fail(sc.i, "expected the release number after the epoch '"+s[sc.start:sc.i]+"'")
		}
		if first, ok = sc.number(); !ok {
			return rel, false
		}
	}
	rel = buf[:0]
	if cap(rel) == 0 {
		rel = make([]int, 0, 4)
	}
	rel = append(rel, first)
	for sc.i+1 < len(s) && s[sc.i] == '.' && pepIsDigit(s[sc.i+1]) {
		sc.i++
		n, ok := sc.number()
		if !ok {
			return rel, false
		}
		rel = append(rel, n)
	}

	// Pre-release: [-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*
	j := sc.i
	if j < len(s) && pepIsSep(s[j]) {
		j++
	}
	for _, w := range pepPreWords {
		if pepHasPrefixFold(s[j:], w.word) {
			sc.i = j + len(w.word)
			n, ok := sc.optNumber()
			if !ok {
				return rel, false
			}
			sc.v.Pre = &PreRelease{Kind: w.kind, N: n}
			break
		}
	}

	// Post-release: -[0-9]+ | [-_.]?(post|rev|r)[-_.]?[0-9]*
	if sc.i+1 < len(s) && s[sc.i] == '-' && pepIsDigit(s[sc.i+1]) {
		sc.i++
		n, ok := sc.number()
		if !ok {
			return rel, false
		}
		sc.v.Post = &n
	} else {
		j = sc.i
		if j < len(s) && pepIsSep(s[j]) {
			j++
		}
		for _, w := range pepPostWords {
			if pepHasPrefixFold(s[j:], w) {
				sc.i = j + len(w)
				n, ok := sc.optNumber()
				if !ok {
					return rel, false
				}
				sc.v.Post = &n
				break
			}
		}
	}

	// Wildcard (== and != only): \.\* instead of dev and local.
	if sc.mode == pepModeEq && strings.HasPrefix(s[sc.i:], ".*") {
		sc.i += 2
		sc.wildcard = true
		return rel, true
	}

	// Dev release: [-_.]?dev[-_.]?[0-9]*
	j = sc.i
	if j < len(s) && pepIsSep(s[j]) {
		j++
	}
	if pepHasPrefixFold(s[j:], "dev") {
		sc.i = j + 3
		n, ok := sc.optNumber()
		if !ok {
			return rel, false
		}
		sc.v.Dev = &n
	}

	// Local version label: \+[a-z0-9]+([-_.][a-z0-9]+)*
	if (sc.mode == pepModeVersion || sc.mode == pepModeEq) && sc.i+1 < len(s) && s[sc.i] == '+' && pepIsAlnum(s[sc.i+1]) {
		j = sc.i + 1
		var local []string
		for {
			k := j
			for k < len(s) && pepIsAlnum(s[k]) {
				k++
			}
			local = append(local, pepNormalizeLocalSegment(s[j:k]))
			if k+1 < len(s) && pepIsSep(s[k]) && pepIsAlnum(s[k+1]) {
				j = k + 1
				continue
			}
			sc.i = k
			break
		}
		sc.v.Local = local
	}
	return rel, true
}

// pepNormalizeLocalSegment lower-cases a local segment and, for a numeric
// one, drops leading zeros (packaging stores it as an int).
func pepNormalizeLocalSegment(seg string) string {
	if pepAllDigits(seg) {
		t := strings.TrimLeft(seg, "0")
		if t == "" {
			return "0"
		}
		return t
	}
	for i := 0; i < len(seg); i++ {
		if 'A' <= seg[i] && seg[i] <= 'Z' {
			return strings.ToLower(seg)
		}
	}
	return seg
}

// syntaxError explains why the text did not scan as a whole version; op is
// the specifier operator, if any.
func (sc *pepVscanner) syntaxError(op string) *SyntaxError {
	e := &SyntaxError{Kind: KindVersion, Hint: pepVersionHint}
	text := strings.TrimSpace(sc.s[sc.start:])
	what := "invalid version '" + text + "'"
	if op != "" {
		e.Kind = KindSpecifier
		what = "invalid specifier '" + op + text + "'"
	}
	if sc.errMsg != "" {
		e.Offset = sc.errAt
		e.Msg = what + ": " + sc.errMsg
		return e
	}
	if sc.failed {
		e.Offset = sc.errAt
		if op != "" {
			e.Msg = "expected a version after '" + op + "', found " + pepDescribeAt(sc.s, sc.errAt)
			e.Hint = "Write a version after the operator, as in " + op + "1.0."
		} else {
			e.Msg = what + ": a version must start with a number"
		}
		return e
	}
	at := sc.i
	e.Offset = at
	rest := sc.s[at:]
	r0, _ := pepDecodeRune(rest)
	switch {
	case sc.wildcard:
		e.Msg = what + ": nothing may follow the '.*' wildcard"
		e.Hint = "Write the wildcard last, as in ==1.2.*."
	case pepPyIsSpace(r0):
		if op == "" {
			e.Msg = what + ": a version cannot contain whitespace"
		} else {
			e.Msg = what + ": unexpected text after the version"
			e.Hint = "Separate clauses with commas, as in >=1.0,<2."
		}
	case rest[0] == '.' && (len(rest) == 1 || !pepIsAlnum(rest[1])) && !strings.HasPrefix(rest, ".*"):
		e.Msg = what + ": expected a number after '.', found " + pepDescribeAt(sc.s, at+1)
	case strings.HasPrefix(rest, ".*") || rest[0] == '*':
		switch {
		case op == "":
			e.Msg = what + ": a version cannot contain the wildcard '*'"
			e.Hint = "Wildcards belong in specifiers such as ==1.2.*, not in versions."
		case sc.mode == pepModeEq && len(sc.v.Local) > 0:
			e.Msg = what + ": a wildcard cannot follow a local version label"
			e.Hint = "Drop the local label (+...) or the '.*'."
		case sc.mode == pepModeEq && sc.v.Dev != nil:
			e.Msg = what + ": a wildcard cannot follow a dev release segment"
			e.Hint = "Write ==1.2.* to match every 1.2 release, including dev releases."
		case sc.mode == pepModeEq:
			e.Msg = what + ": the wildcard must follow a '.'"
			e.Hint = "Write the wildcard as in ==1.2.*."
		default:
			e.Msg = what + ": the wildcard '.*' is only allowed with == and !="
			e.Hint = "Use ==" + strings.TrimSuffix(strings.TrimSuffix(text, "*"), ".") + ".* for prefix matching, or drop the '.*'."
		}
	case rest[0] == '+':
		switch {
		case sc.mode == pepModeCompat || sc.mode == pepModeOrdered:
			e.Msg = what + ": a local version label (+...) is only allowed with == and !="
			e.Hint = "Drop the local label, as in " + op + strings.SplitN(text, "+", 2)[0] + "."
		case len(sc.v.Local) > 0:
			e.Msg = what + ": a version has only one local label ('+' appears twice)"
			e.Hint = "Join local segments with '.', as in 1.0+ubuntu.1."
		default:
			e.Msg = what + ": expected a local version label (letters, digits, '.') after '+', found " + pepDescribeAt(sc.s, at+1)
			e.Hint = "Write a local label such as 1.0+ubuntu.1, or drop the '+'."
		}
	default:
		e.Msg = what + ": unexpected " + pepDescribeAt(sc.s, at) + pepTrailingWhy(sc, rest)
	}
	return e
}

const pepVersionHint = "PEP 440 versions look like 1.2, 1.2.3rc1, 1.2.post1, 1.2.dev3, 2!1.0 or 1.2+local.7."

// pepTrailingWhy adds a reason for common mistakes, such as a second pre,
// post or dev segment.
func pepTrailingWhy(sc *pepVscanner, rest string) string {
	r := strings.TrimLeft(rest, "-_.")
	for _, w := range pepPreWords {
		if pepHasPrefixFold(r, w.word) {
			if sc.v.Pre != nil {
				return " (a version has at most one pre-release segment)"
			}
			return " (the pre-release segment must come before post and dev segments)"
		}
	}
	for _, w := range pepPostWords {
		if pepHasPrefixFold(r, w) {
			if sc.v.Post != nil {
				return " (a version has at most one post-release segment)"
			}
			return " (the post-release segment must come before the dev segment)"
		}
	}
	if pepHasPrefixFold(r, "dev") && sc.v.Dev != nil {
		return " (a version has at most one dev segment)"
	}
	if len(rest) > 0 && (rest[0] == '-' || rest[0] == '_' || rest[0] == '.') && len(rest) == 1 {
		return " (a version cannot end with a separator)"
	}
	return ""
}

// pepDescribeAt quotes the text at i for an error message: "';'", "'abc'" or
// "end of input".
func pepDescribeAt(s string, i int) string {
	if i >= len(s) {
		return "end of input"
	}
	j := i
	for j < len(s) && j-i < 12 {
		r, n := pepDecodeRune(s[j:])
		if pepPyIsSpace(r) || (j > i && (r == ',' || r == ';' || r == ')')) {
			break
		}
		j += n
	}
	if j == i {
		r, n := pepDecodeRune(s[i:])
		if r == ' ' {
			return "a space"
		}
		if pepPyIsSpace(r) {
			return "whitespace"
		}
		j = i + n
	}
	return "'" + s[i:j] + "'"
}

// Legacy versions: packaging 21.3's LegacyVersion ordering, needed only for
// legacy specifier clauses that a requirement may contain (see
// Specifier.Legacy).

// pepLegacyKey is _legacy_cmpkey(version)[1]; the epoch is always -1.
func pepLegacyKey(version string) []string {
	parts := make([]string, 0, 8)
	for _, part := range pepLegacyParts(pepPyLower(version)) {
		if strings.HasPrefix(part, "*") {
			if part < "*final" {
				for len(parts) > 0 && parts[len(parts)-1] == "*final-" {
					parts = parts[:len(parts)-1]
				}
			}
			for len(parts) > 0 && parts[len(parts)-1] == "00000000" {
				parts = parts[:len(parts)-1]
			}
		}
		parts = append(parts, part)
	}
	return parts
}

// pepLegacyParts is _parse_version_parts: split on (\d+|[a-z]+|\.|-), keeping
// the separators, dropping "" and ".".
func pepLegacyParts(s string) []string {
	var out []string
	emit := func(p string) {
		switch p {
		case "pre", "preview", "rc":
			p = "c"
		case "-":
			p = "final-"
		case "dev":
			p = "@"
		}
		if p == "" || p == "." {
			return
		}
		if p[0] >= '0' && p[0] <= '9' {
			for len(p) < 8 {
				p = "0" + p
			}
			out = append(out, p)
			return
		}
		out = append(out, "*"+p)
	}
	last := 0
	i := 0
	for i < len(s) {
		r, n := pepDecodeRune(s[i:])
		j := i
		switch {
		case pepIsUnicodeDigit(r):
			j = i + n
			for j < len(s) {
				r2, n2 := pepDecodeRune(s[j:])
				if !pepIsUnicodeDigit(r2) {
					break
				}
				j += n2
			}
		case 'a' <= r && r <= 'z':
			j = i + 1
			for j < len(s) && 'a' <= s[j] && s[j] <= 'z' {
				j++
			}
		case r == '.' || r == '-':
			j = i + 1
		default:
			i += n
			continue
		}
		emit(s[last:i])
		emit(s[i:j])
		last, i = j, j
	}
	emit(s[last:])
	out = append(out, "*final")
	return out
}

func pepCompareLegacy(a, b string) int {
	ka, kb := pepLegacyKey(a), pepLegacyKey(b)
	n := len(ka)
	if len(kb) < n {
		n = len(kb)
	}
	for i := 0; i < n; i++ {
		if c := strings.Compare(ka[i], kb[i]); c != 0 {
			return c
		}
	}
	return pepCmpInt(len(ka), len(kb))
}
