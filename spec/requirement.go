package spec

// PEP 508 dependency specifications, parsed as packaging 21.3's pyparsing
// grammar (requirements.py) parses them: the same tokens, the same
// whitespace rules (pyparsing skips " \t\n\r" between tokens and expands
// tabs to spaces first), the same longest-match choice between a PEP 440
// and a legacy version clause, and the same URL check (urllib.parse as in
// Python 3.11).

import (
	"net/netip"
	"sort"
	"strings"
)

// ErrorKind classifies a SyntaxError.
type ErrorKind int

const (
	// KindSyntax is a malformed string.
	KindSyntax ErrorKind = iota
	// KindVersion is an invalid PEP 440 version.
	KindVersion
	// KindSpecifier is an invalid version specifier.
	KindSpecifier
	// KindMarkerVariable is a marker naming a variable PEP 508 does not define.
	KindMarkerVariable
)

// String names the kind: "syntax", "version", "specifier" or
// "marker variable".
func (k ErrorKind) String() string {
	switch k {
	case KindVersion:
		return "version"
	case KindSpecifier:
		return "specifier"
	case KindMarkerVariable:
		return "marker variable"
	}
	return "syntax"
}

// SyntaxError is a parse error at a byte offset within the parsed string.
type SyntaxError struct {
	Kind   ErrorKind
	Offset int    // byte offset into the input where the problem starts
	Msg    string // lower-case, what is wrong
	Hint   string // what to do, may be empty
}

func (e *SyntaxError) Error() string { return e.Msg }

// Requirement is a parsed PEP 508 line such as
// `requests[security]>=2.8.1; python_version < "3.8"`.
type Requirement struct {
	Name      string // as written
	Extras    []string
	Specifier SpecifierSet
	URL       string  // for "name @ url"; empty otherwise
	Marker    *Marker // nil when there is none
}

// ParseRequirement parses one PEP 508 requirement. The error is a *SyntaxError.
//
// Extras are returned sorted and without duplicates (packaging keeps them in
// a set), as written otherwise (no PEP 685 normalization). Version clauses
// that packaging 21.3 accepts only as legacy specifiers (such as "pkg>=" or
// "pkg>=1.0.*") are accepted with Specifier.Legacy set; see
// SpecifierSet.HasLegacy.
func ParseRequirement(s string) (*Requirement, error) {
	x, pos := pepExpandTabs(s)
	p := pepReqParser{s: x, pos: pos, orig: s}
	r, err := p.parse()
	if err != nil {
		err.Offset = pos(err.Offset)
		return nil, err
	}
	return r, nil
}

// String returns the requirement in packaging's normalized str() form.
// As in packaging 21.3, a URL follows the name as "name@ url".
//
// One deliberate difference: when a clause uses "===" and a marker
// follows, a space is written before the ';' ("pkg===1.0 ; marker"),
// because "===" takes every character up to whitespace and packaging's
// "pkg===1.0; marker" does not parse back.
func (r *Requirement) String() string {
	if r == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		ex := append([]string(nil), r.Extras...)
		sort.Strings(ex)
		b.WriteByte('[')
		for i, e := range ex {
			if i > 0 {
				if e == ex[i-1] {
					continue
				}
				b.WriteByte(',')
			}
			b.WriteString(e)
		}
		b.WriteByte(']')
	}
	arbitraryLast := false
	if len(r.Specifier) > 0 {
		// As SpecifierSet.String, except that legacy clauses keep the
		// order they were written in: sorted, some of them no longer read
		// back (such as "> =" after "===", found by fuzzing).
		strs := make([]string, len(r.Specifier))
		for i, c := range r.Specifier {
			strs[i] = c.String()
		}
		if !r.Specifier.HasLegacy() {
			sort.Strings(strs)
		}
		b.WriteString(strings.Join(strs, ","))
		arbitraryLast = strings.HasPrefix(strs[len(strs)-1], "===")
	}
	if r.URL != "" {
		b.WriteString("@ ")
		b.WriteString(r.URL)
		if r.Marker != nil {
			b.WriteByte(' ')
		}
	}
	if r.Marker != nil {
		if r.URL == "" && arbitraryLast {
			b.WriteByte(' ')
		}
		b.WriteString("; ")
		b.WriteString(r.Marker.String())
	}
	return b.String()
}

// CanonicalName returns NormalizeName(r.Name).
func (r *Requirement) CanonicalName() string { return NormalizeName(r.Name) }

// NormalizeName returns the PEP 503 normalized form of a project name:
// lower-cased, with runs of "-", "_" and "." replaced by a single "-".
func NormalizeName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	run := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if pepIsSep(c) {
			if !run {
				b.WriteByte('-')
			}
			run = true
			continue
		}
		run = false
		b.WriteByte(c)
	}
	return pepPyLower(b.String())
}

// ValidName reports whether name is a valid PEP 508 project name.
func ValidName(name string) bool {
	if name == "" || !pepIsAlnum(name[0]) || !pepIsAlnum(name[len(name)-1]) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !pepIsAlnum(name[i]) && !pepIsSep(name[i]) {
			return false
		}
	}
	return true
}

// pepExpandTabs is Python's str.expandtabs() (tab size 8, columns counted in
// code points, reset by "\n" and "\r"), which pyparsing applies before
// parsing. pos maps an offset in the result back to one in s.
func pepExpandTabs(s string) (string, func(int) int) {
	if strings.IndexByte(s, '\t') < 0 {
		return s, func(i int) int { return i }
	}
	var b strings.Builder
	back := make([]int, 0, len(s)+16)
	col := 0
	for i := 0; i < len(s); {
		r, n := pepDecodeRune(s[i:])
		switch r {
		case '\t':
			k := 8 - col%8
			for j := 0; j < k; j++ {
				b.WriteByte(' ')
				back = append(back, i)
			}
			col += k
		case '\n', '\r':
			b.WriteByte(s[i])
			back = append(back, i)
			col = 0
		default:
			b.WriteString(s[i : i+n])
			for j := 0; j < n; j++ {
				back = append(back, i+j)
			}
			col++
		}
		i += n
	}
	back = append(back, len(s))
	return b.String(), func(i int) int {
		if i < 0 {
			return 0
		}
		if i >= len(back) {
			return len(s)
		}
		return back[i]
	}
}

// pepIsPPSpace is pyparsing's default whitespace.
func pepIsPPSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func pepSkipPPSpace(s string, i int) int {
	for i < len(s) && pepIsPPSpace(s[i]) {
		i++
	}
	return i
}

type pepReqParser struct {
	s    string // tab-expanded input
	orig string
	pos  func(int) int
}

func (p *pepReqParser) errAt(i int, kind ErrorKind, msg, hint string) *SyntaxError {
	return &SyntaxError{Kind: kind, Offset: i, Msg: msg, Hint: hint}
}

// pepIdentEnd returns the end of a PEP 508 identifier starting at i (an
// alphanumeric), or i when there is none.
func pepIdentEnd(s string, i int) int {
	if i >= len(s) || !pepIsAlnum(s[i]) {
		return i
	}
	j := i + 1
	for {
		for j < len(s) && pepIsAlnum(s[j]) {
			j++
		}
		k := j
		for k < len(s) && pepIsSep(s[k]) {
			k++
		}
		if k < len(s) && k > j && pepIsAlnum(s[k]) {
			j = k
			continue
		}
		return j
	}
}

const pepReqHint = "Write a requirement such as requests>=2.28, requests[socks]>=2.28,<3 or requests; python_version >= \"3.8\" (PEP 508)."

func (p *pepReqParser) parse() (*Requirement, *SyntaxError) {
	s := p.s
	i := pepSkipPPSpace(s, 0)
	if i >= len(s) {
		return nil, p.errAt(i, KindSyntax, "empty requirement: expected a project name", pepReqHint)
	}
	j := pepIdentEnd(s, i)
	if j == i {
		return nil, p.nameError(i)
	}
	r := &Requirement{Name: s[i:j]}
	i = pepSkipPPSpace(s, j)

	// Extras.
	if i < len(s) && s[i] == '[' {
		open := i
		i = pepSkipPPSpace(s, i+1)
		var extras []string
		if i < len(s) && s[i] != ']' {
			for {
				e := pepIdentEnd(s, i)
				if e == i {
					return nil, p.errAt(i, KindSyntax, "expected an extra name in '[...]', found "+pepDescribeAt(s, i),
						"Extras are names such as socks or test, separated by commas: pkg[socks,test].")
				}
				extras = append(extras, s[i:e])
				i = pepSkipPPSpace(s, e)
				if i < len(s) && s[i] == ',' {
					i = pepSkipPPSpace(s, i+1)
					continue
				}
				break
			}
		}
		if i >= len(s) || s[i] != ']' {
			if i >= len(s) {
				return nil, p.errAt(open, KindSyntax, "unclosed '[': expected ']' after the extras",
					"Close the extras list, as in pkg[socks].")
			}
			return nil, p.errAt(i, KindSyntax, "expected ',' or ']' in the extras, found "+pepDescribeAt(s, i),
				"Separate extras with commas and close the list with ']', as in pkg[socks,test].")
		}
		i = pepSkipPPSpace(s, i+1)
		sort.Strings(extras)
		for k, e := range extras {
			if k == 0 || e != extras[k-1] {
				r.Extras = append(r.Extras, e)
			}
		}
	}

	if i < len(s) && s[i] == '@' {
		// URL: "@" then [^ ]+ (after pyparsing's whitespace skip).
		i = pepSkipPPSpace(s, i+1)
		j = i
		for j < len(s) && s[j] != ' ' {
			j++
		}
		if j == i {
			return nil, p.errAt(i, KindSyntax, "expected a URL after '@'",
				"Write a direct reference as name @ https://example.com/name-1.0.tar.gz.")
		}
		r.URL = s[i:j]
		if !pepPyURLValid(r.URL) {
			return nil, p.errAt(i, KindSyntax, "invalid URL '"+r.URL+"'",
				"A direct reference needs an absolute URL with a scheme and a host (https://host/path), or a file:/// URL.")
		}
		i = j
		k := pepSkipPPSpace(s, i)
		if k < len(s) && s[k] == ';' {
			m, end, err := p.marker(k)
			if err != nil {
				return nil, err
			}
			r.Marker = m
			i = end
		} else if k < len(s) {
			return nil, p.errAt(k, KindSyntax, "unexpected "+pepDescribeAt(s, k)+" after the URL",
				"Only a marker may follow a URL, after ' ; ' (with a space before the ';').")
		}
	} else {
		var err *SyntaxError
		if i, err = p.versionSpec(r, i); err != nil {
			return nil, err
		}
		k := pepSkipPPSpace(s, i)
		if k < len(s) && s[k] == ';' {
			m, end, err := p.marker(k)
			if err != nil {
				return nil, err
			}
			r.Marker = m
			i = end
		}
	}
	i = pepSkipPPSpace(s, i)
	if i < len(s) {
		return nil, p.trailingError(r, i)
	}
	return r, nil
}

// marker parses the marker after the ';' at semi.
func (p *pepReqParser) marker(semi int) (*Marker, int, *SyntaxError) {
	if pepSkipPPSpace(p.s, semi+1) >= len(p.s) {
		return nil, 0, p.errAt(semi, KindSyntax, "expected a marker after ';', found end of input",
			"Write a marker such as python_version >= \"3.8\" after the ';', or remove the ';'.")
	}
	return pepParseMarkerAt(p.s, semi+1)
}

func (p *pepReqParser) nameError(i int) *SyntaxError {
	s := p.s
	switch {
	case s[i] == '-':
		return p.errAt(i, KindSyntax, "expected a project name, found "+pepDescribeAt(s, i),
			"Options such as -e or -r are not requirements; a requirement starts with a project name.")
	case pepIsSep(s[i]):
		return p.errAt(i, KindSyntax, "a project name must start with a letter or digit, found "+pepDescribeAt(s, i), pepReqHint)
	}
	return p.errAt(i, KindSyntax, "expected a project name, found "+pepDescribeAt(s, i), pepReqHint)
}

// trailingError explains text left over after a requirement.
func (p *pepReqParser) trailingError(r *Requirement, i int) *SyntaxError {
	s := p.s
	c := s[i]
	switch {
	case c == ',' && len(r.Specifier) > 0:
		return p.errAt(i, KindSpecifier, "expected a version specifier after ',', found "+pepDescribeAt(s, pepSkipPPSpace(s, i+1)),
			"Separate clauses with commas, as in >=1.0,<2, and do not end with a comma.")
	case c == '=' || c == '<' || c == '>' || c == '!' || c == '~':
		k := i
		for k < len(s) && s[k] != ',' && s[k] != ';' && !pepIsPPSpace(s[k]) {
			k++
		}
		if _, err := pepParseClause(s[i:k], i, s); err != nil {
			return err
		}
		return pepOperatorError(s, i, 0)
	case c == ')' && r.Marker != nil:
		return p.errAt(i, KindSyntax, "unbalanced ')' in the marker", "Remove the ')' or add the matching '('.")
	case c == ';':
		return p.errAt(i, KindSyntax, "unexpected ';'", pepReqHint)
	case c == '[':
		return p.errAt(i, KindSyntax, "extras must come right after the project name", "Write name[extra]>=1.0.")
	case c == '@':
		return p.errAt(i, KindSyntax, "a requirement cannot have both version specifiers and a URL", "Write either name>=1.0 or name @ URL.")
	}
	what := "after the requirement"
	if len(r.Specifier) > 0 {
		what = "after the version specifiers"
		if pepIsAlnum(c) {
			return p.errAt(i, KindSyntax, "unexpected "+pepDescribeAt(s, i)+" "+what,
				"Separate clauses with commas (>=1.0,<2) and put a marker after ';' (pkg>=1.0; python_version >= \"3.8\").")
		}
	} else if pepIsAlnum(c) {
		return p.errAt(i, KindSyntax, "unexpected "+pepDescribeAt(s, i)+" after the project name '"+r.Name+"'",
			"A project name cannot contain spaces; version specifiers start with an operator (pkg >= 1.0).")
	}
	return p.errAt(i, KindSyntax, "unexpected "+pepDescribeAt(s, i)+" "+what, pepReqHint)
}

// versionSpec parses the optional version specifiers, with or without
// parentheses, and sets r.Specifier. It returns the position after them.
func (p *pepReqParser) versionSpec(r *Requirement, i int) (int, *SyntaxError) {
	s := p.s
	var pieces []int // start, end pairs of the version tokens
	end := i
	if i < len(s) && s[i] == '(' {
		// In packaging a failed "(...)" makes the whole requirement fail.
		k := pepSkipPPSpace(s, i+1)
		e, ok := pepVersionOneEnd(s, k)
		if !ok {
			if k < len(s) && s[k] == ')' {
				return i, p.errAt(k, KindSpecifier, "empty parentheses: expected version specifiers in '(...)'",
					"Write name (>=1.0,<2), or drop the parentheses.")
			}
			if k < len(s) && strings.IndexByte("=!<>~", s[k]) >= 0 {
				return i, pepOperatorError(s, k, 0)
			}
			return i, p.errAt(k, KindSpecifier, "expected version specifiers after '(', found "+pepDescribeAt(s, k),
				"Write name (>=1.0,<2) or name>=1.0,<2.")
		}
		pieces = append(pieces, k, e)
		after := p.versionMany(&pieces, e)
		j := pepSkipPPSpace(s, after)
		if j >= len(s) {
			return i, p.errAt(i, KindSyntax, "unclosed '(': expected ')' after the version specifiers",
				"Close the parenthesis, as in name (>=1.0), or drop it: name>=1.0.")
		}
		if s[j] != ')' {
			if s[j] == ',' {
				return i, p.errAt(j, KindSpecifier, "expected a version specifier after ',', found "+pepDescribeAt(s, pepSkipPPSpace(s, j+1)),
					"Separate clauses with commas, as in (>=1.0,<2), and do not end with a comma.")
			}
			return i, p.errAt(j, KindSyntax, "expected ',' or ')' after the version specifiers, found "+pepDescribeAt(s, j),
				"Close the parenthesis, as in name (>=1.0,<2).")
		}
		end = j + 1
	} else if e, ok := pepVersionOneEnd(s, i); ok {
		pieces = append(pieces, i, e)
		end = p.versionMany(&pieces, e)
	} else {
		return i, nil
	}
	var set SpecifierSet
	for n := 0; n < len(pieces); n += 2 {
		a, b := pieces[n], pieces[n+1]
		tok := s[a:b]
		for start := 0; start <= len(tok); {
			stop := strings.IndexByte(tok[start:], ',')
			if stop < 0 {
				stop = len(tok)
			} else {
				stop += start
			}
			piece := tok[start:stop]
			if x, y := pepPyTrimBounds(piece); x < y {
				c, err := pepParseClause(piece, a+start, s)
				if err != nil {
					lc, ok := pepLegacyClause(piece)
					if !ok {
						return i, err
					}
					c = lc
				}
				set = set.add(c)
			}
			start = stop + 1
		}
	}
	r.Specifier = set
	return end, nil
}

// versionMany parses the ("," version-one)* tail; it returns the end of
// the last version token.
func (p *pepReqParser) versionMany(pieces *[]int, end int) int {
	s := p.s
	for {
		j := pepSkipPPSpace(s, end)
		if j >= len(s) || s[j] != ',' {
			return end
		}
		k := pepSkipPPSpace(s, j+1)
		e, ok := pepVersionOneEnd(s, k)
		if !ok {
			return end
		}
		*pieces = append(*pieces, k, e)
		end = e
	}
}

var pepLegacyOps = [...]string{"==", "!=", "<=", ">=", "<", ">"}

// pepVersionOneEnd returns where packaging's VERSION_ONE token (the longer of
// the PEP 440 and the legacy specifier regular expressions, matched at i
// without an end anchor) ends.
func pepVersionOneEnd(s string, i int) (int, bool) {
	end, ok := -1, false
	for _, op := range pepLegacyOps {
		if strings.HasPrefix(s[i:], op) {
			j := pepSkipPySpace(s, i+len(op))
			for j < len(s) {
				r, n := pepDecodeRune(s[j:])
				if r == ',' || r == ';' || r == ')' || pepPyIsSpace(r) {
					break
				}
				j += n
			}
			end, ok = j, true
			break
		}
	}
	switch {
	case strings.HasPrefix(s[i:], "==="):
		j := pepSkipPySpace(s, i+3)
		for j < len(s) {
			r, n := pepDecodeRune(s[j:])
			if pepPyIsSpace(r) {
				break
			}
			j += n
		}
		if j > end {
			end, ok = j, true
		}
	case strings.HasPrefix(s[i:], "~="):
		if j, matched := pepCompatibleTokenEnd(s, pepSkipPySpace(s, i+2)); matched && j > end {
			end, ok = j, true
		}
	}
	return end, ok
}

// pepCompatibleTokenEnd matches the "~=" branch of packaging's specifier
// regular expression at i, unanchored: the first match, where every
// optional part is greedy and alternatives are tried in order.
func pepCompatibleTokenEnd(s string, i int) (int, bool) {
	if i < len(s) && (s[i] == 'v' || s[i] == 'V') {
		i++
	}
	digits := func(j int) int {
		for j < len(s) && pepIsDigit(s[j]) {
			j++
		}
		return j
	}
	j := digits(i)
	if j == i {
		return 0, false
	}
	if j < len(s) && s[j] == '!' {
		if k := digits(j + 1); k > j+1 {
			i, j = j+1, k
		}
	}
	groups := 0
	for j+1 < len(s) && s[j] == '.' && pepIsDigit(s[j+1]) {
		j = digits(j + 1)
		groups++
	}
	if groups == 0 {
		return 0, false
	}
	optSepDigits := func(k int) int {
		if k < len(s) && pepIsSep(s[k]) {
			k++
		}
		return digits(k)
	}
	// pre: [-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*
	k := j
	if k < len(s) && pepIsSep(s[k]) {
		k++
	}
	for _, w := range [...]string{"a", "b", "c", "rc", "pre"} {
		if pepHasPrefixFold(s[k:], w) {
			j = optSepDigits(k + len(w))
			break
		}
	}
	// post: -[0-9]+ | [-_.]?(post|rev|r)[-_.]?[0-9]*
	if j+1 < len(s) && s[j] == '-' && pepIsDigit(s[j+1]) {
		j = digits(j + 1)
	} else {
		k = j
		if k < len(s) && pepIsSep(s[k]) {
			k++
		}
		for _, w := range pepPostWords {
			if pepHasPrefixFold(s[k:], w) {
				j = optSepDigits(k + len(w))
				break
			}
		}
	}
	// dev: [-_.]?dev[-_.]?[0-9]*
	k = j
	if k < len(s) && pepIsSep(s[k]) {
		k++
	}
	if pepHasPrefixFold(s[k:], "dev") {
		j = optSepDigits(k + 3)
	}
	return j, true
}

// pepLegacyClause matches packaging 21.3's LegacySpecifier regular expression:
// an operator, then a version of any characters but whitespace , ; ).
func pepLegacyClause(piece string) (Specifier, bool) {
	i := pepSkipPySpace(piece, 0)
	for _, op := range pepLegacyOps {
		if strings.HasPrefix(piece[i:], op) {
			ver := pepPyStrip(piece[i+len(op):])
			for _, r := range ver {
				if r == ',' || r == ';' || r == ')' || pepPyIsSpace(r) {
					return Specifier{}, false
				}
			}
			return Specifier{Op: op, Version: ver, Legacy: true}, true
		}
	}
	return Specifier{}, false
}

// URL check: packaging 21.3 accepts a file: URL only when
// urlunparse(urlparse(url)) == url, and any other URL when it has a scheme
// and a network location; urlparse itself may raise ValueError.

var pepUsesNetloc = map[string]bool{
	"": true, "ftp": true, "http": true, "gopher": true, "nntp": true, "telnet": true,
	"imap": true, "wais": true, "file": true, "mms": true, "https": true, "shttp": true,
	"snews": true, "prospero": true, "rtsp": true, "rtsps": true, "rtspu": true, "rsync": true,
	"svn": true, "svn+ssh": true, "sftp": true, "nfs": true, "git": true, "git+ssh": true,
	"ws": true, "wss": true,
}

var pepUsesParams = map[string]bool{
	"": true, "ftp": true, "hdl": true, "prospero": true, "http": true, "imap": true,
	"https": true, "shttp": true, "rtsp": true, "rtsps": true, "rtspu": true, "sip": true,
	"sips": true, "mms": true, "sftp": true, "tel": true,
}

// pepNfkcURLBreakers are the code points whose NFKC form contains one of
// "/?#@:" (Unicode 14, as in Python 3.11's unicodedata).
var pepNfkcURLBreakers = [...]rune{
	0x2047, 0x2048, 0x2049, 0x2100, 0x2101, 0x2105, 0x2106, 0x2a74, 0xfe13,
	0xfe16, 0xfe55, 0xfe56, 0xfe5f, 0xfe6b, 0xff03, 0xff0f, 0xff1a, 0xff1f, 0xff20,
}

func pepIsSchemeChar(c byte) bool {
	return pepIsAlnum(c) || c == '+' || c == '-' || c == '.'
}

func pepPyURLValid(orig string) bool {
	u := strings.TrimLeft(orig, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	if strings.ContainsAny(u, "\t\r\n") {
		u = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(u)
	}
	scheme := ""
	if i := strings.IndexByte(u, ':'); i > 0 && (('a' <= u[0] && u[0] <= 'z') || ('A' <= u[0] && u[0] <= 'Z')) {
		ok := true
		for k := 0; k < i; k++ {
			if !pepIsSchemeChar(u[k]) {
				ok = false
				break
			}
		}
		if ok {
			scheme, u = strings.ToLower(u[:i]), u[i+1:]
		}
	}
	netloc := ""
	if strings.HasPrefix(u, "//") {
		delim := len(u)
		if k := strings.IndexAny(u[2:], "/?#"); k >= 0 {
			delim = k + 2
		}
		netloc, u = u[2:delim], u[delim:]
		open, close := strings.Contains(netloc, "["), strings.Contains(netloc, "]")
		if open != close {
			return false
		}
		if open {
			_, after, _ := strings.Cut(netloc, "[")
			host, _, _ := strings.Cut(after, "]")
			if !pepBracketedHostValid(host) {
				return false
			}
		}
	}
	fragment, query := "", ""
	if k := strings.IndexByte(u, '#'); k >= 0 {
		u, fragment = u[:k], u[k+1:]
	}
	if k := strings.IndexByte(u, '?'); k >= 0 {
		u, query = u[:k], u[k+1:]
	}
	for _, r := range netloc {
		for _, b := range pepNfkcURLBreakers {
			if r == b {
				return false
			}
		}
	}
	params := ""
	if pepUsesParams[scheme] && strings.Contains(u, ";") {
		k := -1
		if slash := strings.LastIndexByte(u, '/'); slash >= 0 {
			if m := strings.IndexByte(u[slash:], ';'); m >= 0 {
				k = slash + m
			}
		} else {
			k = strings.IndexByte(u, ';')
		}
		if k >= 0 {
			u, params = u[:k], u[k+1:]
		}
	}
	if scheme == "file" {
		// urlunparse
		if params != "" {
			u += ";" + params
		}
		if netloc != "" || (pepUsesNetloc[scheme] && !strings.HasPrefix(u, "//")) {
			if u != "" && u[0] != '/' {
				u = "/" + u
			}
			u = "//" + netloc + u
		}
		u = scheme + ":" + u
		if query != "" {
			u += "?" + query
		}
		if fragment != "" {
			u += "#" + fragment
		}
		return u == orig
	}
	return scheme != "" && netloc != ""
}

// pepBracketedHostValid is Python 3.11's urllib.parse._check_bracketed_host.
func pepBracketedHostValid(host string) bool {
	if strings.HasPrefix(host, "v") {
		// \Av[a-fA-F0-9]+\..+\Z
		k := 1
		for k < len(host) && strings.IndexByte("0123456789abcdefABCDEF", host[k]) >= 0 {
			k++
		}
		return k > 1 && k+1 < len(host) && host[k] == '.' && !strings.Contains(host[k+1:], "\n")
	}
	if z := strings.IndexByte(host, '%'); z >= 0 && (z == len(host)-1 || strings.IndexByte(host[z+1:], '%') >= 0) {
		return false
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Is6()
}
