package spec

// PEP 508 environment markers, parsed and evaluated as packaging 21.3 does
// (markers.py): the same variables (with the PEP 345 and setuptools aliases
// os.name, sys.platform, platform.version, platform.machine,
// platform.python_implementation and python_implementation), operators
// matched as plain literals, quoted strings with pyparsing's "\t", "\n",
// "\f", "\r" escapes, evaluation of every comparison (no short-circuit),
// version comparison when "op + right side" is a valid specifier, and no
// normalization of extra names (no PEP 685).

import (
	"errors"
	"strings"
)

// Environment holds the values of the PEP 508 marker variables for one
// target (python_version, sys_platform, ...). "extra" is given separately to
// Evaluate.
type Environment map[string]string

// Marker is a parsed marker expression.
type Marker struct {
	root *pepMlist
}

// pepMlist is a marker expression as packaging's parser leaves it: items that
// are comparisons, parenthesized sub-expressions and "and"/"or" between
// them, flat (the precedence of "and" is applied when evaluating).
type pepMlist struct {
	items []pepMitem
}

type pepMitem struct {
	cmp    *pepMcmp
	group  *pepMlist
	boolop string // "and" or "or"
}

type pepMcmp struct {
	lhs, rhs pepMoperand
	op       string
}

type pepMoperand struct {
	variable bool   // a variable (value is its canonical name) or a string
	value    string // for a string, unquoted and with escapes converted
}

// pepMarkerVariables are packaging 21.3's variable literals, in the order it
// tries them, with their canonical names.
var pepMarkerVariables = [...]struct{ name, canon string }{
	{"implementation_version", "implementation_version"},
	{"platform_python_implementation", "platform_python_implementation"},
	{"implementation_name", "implementation_name"},
	{"python_full_version", "python_full_version"},
	{"platform_release", "platform_release"},
	{"platform_version", "platform_version"},
	{"platform_machine", "platform_machine"},
	{"platform_system", "platform_system"},
	{"python_version", "python_version"},
	{"sys_platform", "sys_platform"},
	{"os_name", "os_name"},
	{"os.name", "os_name"},
	{"sys.platform", "sys_platform"},
	{"platform.version", "platform_version"},
	{"platform.machine", "platform_machine"},
	{"platform.python_implementation", "platform_python_implementation"},
	{"python_implementation", "platform_python_implementation"},
	{"extra", "extra"},
}

// MarkerVariables returns the PEP 508 marker variable names (the canonical
// ones, not the legacy aliases), as keys of an Environment.
func MarkerVariables() []string {
	return []string{
		"implementation_name", "implementation_version", "os_name", "platform_machine",
		"platform_python_implementation", "platform_release", "platform_system",
		"platform_version", "python_full_version", "python_version", "sys_platform", "extra",
	}
}

var pepMarkerOps = [...]string{"===", "==", ">=", "<=", "!=", "~=", ">", "<", "not in", "in"}

// ParseMarker parses a marker expression. The error is a *SyntaxError;
// an unknown variable gives Kind KindMarkerVariable.
func ParseMarker(s string) (*Marker, error) {
	x, pos := pepExpandTabs(s)
	m, end, err := pepParseMarkerAt(x, 0)
	if err == nil {
		if end = pepSkipPPSpace(x, end); end < len(x) {
			err = pepUnexpectedAfterMarker(x, end)
		}
	}
	if err != nil {
		err.Offset = pos(err.Offset)
		return nil, err
	}
	return m, nil
}

// pepParseMarkerAt parses a marker expression starting at i (whitespace
// allowed first) and returns it with the position after it.
func pepParseMarkerAt(s string, i int) (*Marker, int, *SyntaxError) {
	mp := pepMarkerParser{s: s}
	l, end, err := mp.expr(i, 0)
	if err != nil {
		return nil, 0, err
	}
	return &Marker{root: l}, end, nil
}

func pepUnexpectedAfterMarker(s string, i int) *SyntaxError {
	e := &SyntaxError{Kind: KindSyntax, Offset: i,
		Msg:  "unexpected " + pepDescribeAt(s, i) + " after the marker",
		Hint: "Join comparisons with 'and' or 'or', as in python_version >= \"3.8\" and os_name == \"posix\"."}
	if s[i] == ')' {
		e.Msg = "unbalanced ')' in the marker"
		e.Hint = "Remove the ')' or add the matching '('."
	}
	return e
}

const pepMarkerHint = "A marker compares a variable with a quoted string, as in python_version >= \"3.8\" or sys_platform == \"win32\"."

type pepMarkerParser struct {
	s string
}

const pepMaxMarkerDepth = 200

// expr: atom (("and" | "or") atom)*
func (p *pepMarkerParser) expr(i, depth int) (*pepMlist, int, *SyntaxError) {
	l := &pepMlist{}
	for {
		it, end, err := p.atom(i, depth)
		if err != nil {
			return nil, 0, err
		}
		l.items = append(l.items, it)
		j := pepSkipPPSpace(p.s, end)
		op := ""
		switch {
		case strings.HasPrefix(p.s[j:], "and"):
			op = "and"
		case strings.HasPrefix(p.s[j:], "or"):
			op = "or"
		default:
			return l, end, nil
		}
		l.items = append(l.items, pepMitem{boolop: op})
		i = j + len(op)
		if pepSkipPPSpace(p.s, i) >= len(p.s) {
			return nil, 0, &SyntaxError{Kind: KindSyntax, Offset: j,
				Msg:  "expected a comparison after '" + op + "', found end of input",
				Hint: "Complete the marker or remove the trailing '" + op + "'."}
		}
	}
}

// atom: comparison | "(" expr ")"
func (p *pepMarkerParser) atom(i, depth int) (pepMitem, int, *SyntaxError) {
	s := p.s
	j := pepSkipPPSpace(s, i)
	if j < len(s) && s[j] == '(' {
		if depth >= pepMaxMarkerDepth {
			return pepMitem{}, 0, &SyntaxError{Kind: KindSyntax, Offset: j, Msg: "marker is nested too deeply", Hint: "Remove redundant parentheses."}
		}
		l, end, err := p.expr(j+1, depth+1)
		if err != nil {
			return pepMitem{}, 0, err
		}
		k := pepSkipPPSpace(s, end)
		if k >= len(s) {
			return pepMitem{}, 0, &SyntaxError{Kind: KindSyntax, Offset: j, Msg: "unclosed '(' in the marker", Hint: "Add the matching ')'."}
		}
		if s[k] != ')' {
			return pepMitem{}, 0, &SyntaxError{Kind: KindSyntax, Offset: k,
				Msg:  "expected 'and', 'or' or ')' in the marker, found " + pepDescribeAt(s, k),
				Hint: "Join comparisons with 'and' or 'or' and close each '(' with ')'."}
		}
		return pepMitem{group: l}, k + 1, nil
	}
	c, end, err := p.comparison(j)
	if err != nil {
		return pepMitem{}, 0, err
	}
	return pepMitem{cmp: c}, end, nil
}

func (p *pepMarkerParser) comparison(i int) (*pepMcmp, int, *SyntaxError) {
	s := p.s
	lhs, j, err := p.operand(i, "")
	if err != nil {
		return nil, 0, err
	}
	k := pepSkipPPSpace(s, j)
	op := ""
	for _, o := range pepMarkerOps {
		if strings.HasPrefix(s[k:], o) {
			op = o
			break
		}
	}
	if op == "" {
		if lhs.variable && j < len(s) && pepIsIdentChar(s[j]) {
			// "python_versionx": report the whole word as the variable.
			return nil, 0, pepUnknownVariable(s, pepSkipPPSpace(s, i))
		}
		return nil, 0, p.opError(k, lhs)
	}
	if n := k + len(op); op != "in" && op != "not in" && n < len(s) && strings.IndexByte("=!<>~", s[n]) >= 0 {
		return nil, 0, p.opError(k, lhs)
	}
	rhs, end, err := p.operand(k+len(op), op)
	if err != nil {
		return nil, 0, err
	}
	if rhs.variable && end < len(s) && pepIsIdentChar(s[end]) &&
		!strings.HasPrefix(s[end:], "and") && !strings.HasPrefix(s[end:], "or") {
		// "'x' == extras": the word is not a variable.
		return nil, 0, pepUnknownVariable(s, pepSkipPPSpace(s, k+len(op)))
	}
	return &pepMcmp{lhs: lhs, op: op, rhs: rhs}, end, nil
}

func (p *pepMarkerParser) opError(k int, lhs pepMoperand) *SyntaxError {
	s := p.s
	e := &SyntaxError{Kind: KindSyntax, Offset: k,
		Hint: "Marker operators are == != < <= > >= ~= === in and not in."}
	what := "'" + lhs.value + "'"
	if !lhs.variable {
		what = "the string " + pepQuoteValue(lhs.value)
	}
	if k < len(s) && strings.IndexByte("=!<>~", s[k]) >= 0 {
		r := k
		for r < len(s) && strings.IndexByte("=!<>~", s[r]) >= 0 {
			r++
		}
		e.Msg = "unknown marker operator '" + s[k:r] + "'"
		if sug, ok := pepOpSuggestions[s[k:r]]; ok {
			e.Msg += " (did you mean '" + sug + "'?)"
		}
		return e
	}
	if strings.HasPrefix(s[k:], "not") {
		e.Msg = "expected 'not in' (with a single space), found " + pepDescribeAt(s, k)
		return e
	}
	e.Msg = "expected a comparison operator after " + what + ", found " + pepDescribeAt(s, k)
	return e
}

func pepIsIdentChar(c byte) bool { return pepIsAlnum(c) || c == '_' || c == '.' }

// operand: a variable or a quoted string, after optional whitespace.
func (p *pepMarkerParser) operand(i int, after string) (pepMoperand, int, *SyntaxError) {
	s := p.s
	j := pepSkipPPSpace(s, i)
	if j < len(s) && (s[j] == '\'' || s[j] == '"') {
		q := s[j]
		k := j + 1
		for k < len(s) && s[k] != q && s[k] != '\n' && s[k] != '\r' {
			k++
		}
		if k >= len(s) || s[k] != q {
			return pepMoperand{}, 0, &SyntaxError{Kind: KindSyntax, Offset: j,
				Msg:  "unterminated string in the marker",
				Hint: "Close the string with " + string(q) + " on the same line."}
		}
		return pepMoperand{value: pepUnescapeMarkerString(s[j+1 : k])}, k + 1, nil
	}
	for _, v := range pepMarkerVariables {
		if strings.HasPrefix(s[j:], v.name) {
			return pepMoperand{variable: true, value: v.canon}, j + len(v.name), nil
		}
	}
	if j < len(s) && pepIsIdentChar(s[j]) {
		k := j
		for k < len(s) && pepIsIdentChar(s[k]) {
			k++
		}
		word := s[j:k]
		if pepIsDigit(word[0]) || (after != "" && pepSuggestVariable(word) == "") {
			return pepMoperand{}, 0, &SyntaxError{Kind: KindSyntax, Offset: j,
				Msg:  "marker values must be quoted, found '" + word + "'",
				Hint: "Quote the value, as in python_version >= \"3.8\" or os_name == \"nt\": write \"" + word + "\"."}
		}
		return pepMoperand{}, 0, pepUnknownVariable(s, j)
	}
	e := &SyntaxError{Kind: KindSyntax, Offset: j, Hint: pepMarkerHint}
	switch {
	case j >= len(s) && after == "":
		e.Msg = "expected a marker variable or a quoted string, found end of input"
	case j >= len(s):
		e.Msg = "expected a marker variable or a quoted string after '" + after + "', found end of input"
	case after != "":
		e.Msg = "expected a marker variable or a quoted string after '" + after + "', found " + pepDescribeAt(s, j)
	default:
		e.Msg = "expected a marker variable or a quoted string, found " + pepDescribeAt(s, j)
	}
	return pepMoperand{}, 0, e
}

func pepUnknownVariable(s string, j int) *SyntaxError {
	k := j
	for k < len(s) && pepIsIdentChar(s[k]) {
		k++
	}
	name := s[j:k]
	e := &SyntaxError{Kind: KindMarkerVariable, Offset: j,
		Msg:  "unknown marker variable '" + name + "'",
		Hint: "Marker variables are " + strings.Join(MarkerVariables(), ", ") + "; compare them with quoted strings."}
	if sug := pepSuggestVariable(name); sug != "" {
		e.Msg += " (did you mean " + sug + "?)"
	}
	return e
}

// pepSuggestVariable finds the closest variable names by edit distance or
// prefix, quoted for a message ("'python_version'"), or "" when none is
// close.
func pepSuggestVariable(name string) string {
	best, bestD := "", 1<<30
	lname := strings.ToLower(name)
	for _, v := range pepMarkerVariables {
		d := pepEditDistance(lname, v.name)
		if d < bestD {
			best, bestD = v.name, d
		}
	}
	limit := 2
	if len(name) >= 10 {
		limit = 3
	}
	if bestD <= limit {
		return "'" + best + "'"
	}
	// A prefix such as "python" or "platform".
	var names []string
	for _, v := range MarkerVariables() {
		if len(lname) >= 3 && strings.HasPrefix(v, lname) {
			names = append(names, "'"+v+"'")
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return "one of " + strings.Join(names, ", ")
}

// pepEditDistance is the optimal string alignment distance (Levenshtein plus
// adjacent transpositions).
func pepEditDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := 0; j <= len(b); j++ {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// pepUnescapeMarkerString converts the escapes pyparsing's QuotedString
// converts: a backslash followed by t, n, f or r, scanned left to right.
func pepUnescapeMarkerString(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case 't':
				b.WriteByte('\t')
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 'f':
				b.WriteByte('\f')
				i++
				continue
			case 'r':
				b.WriteByte('\r')
				i++
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// String returns the marker in packaging's normalized str() form, with
// double quotes.
//
// Two deliberate differences from packaging 21.3, both only where its
// output would not parse back to the same marker: a doubly parenthesized
// "or" group next to an "and" keeps its parentheses (21.3 prints
// 'a and ((b or c))' as 'a and b or c'), and a string containing '"' is
// printed in single quotes, and a tab, newline or carriage return is
// written as \t, \n or \r (packaging writes them raw; a raw tab would
// come back as spaces, the others do not parse).
func (m *Marker) String() string {
	if m == nil || m.root == nil {
		return ""
	}
	var b strings.Builder
	pepFormatList(&b, m.root, true, false)
	return b.String()
}

// pepFormatList is packaging's _format_marker for a list; adjAnd says whether
// the list, as an item of its parent, is next to an "and".
func pepFormatList(b *strings.Builder, l *pepMlist, first, adjAnd bool) {
	if len(l.items) == 1 && l.items[0].boolop == "" {
		it := l.items[0]
		if it.cmp != nil {
			pepFormatCmp(b, it.cmp)
			return
		}
		// packaging formats [[...]] as its inner list at top level, which
		// drops the parentheses. Keep them when dropping changes the
		// meaning: an "or" inside, an "and" next to it.
		inner := it.group
		for len(inner.items) == 1 && inner.items[0].group != nil {
			inner = inner.items[0].group
		}
		if !first && adjAnd && pepHasOr(inner) {
			pepFormatList(b, inner, false, adjAnd)
			return
		}
		pepFormatList(b, it.group, true, false)
		return
	}
	if !first {
		b.WriteByte('(')
	}
	for i, it := range l.items {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch {
		case it.cmp != nil:
			pepFormatCmp(b, it.cmp)
		case it.group != nil:
			adj := (i > 0 && l.items[i-1].boolop == "and") || (i+1 < len(l.items) && l.items[i+1].boolop == "and")
			pepFormatList(b, it.group, false, adj)
		default:
			b.WriteString(it.boolop)
		}
	}
	if !first {
		b.WriteByte(')')
	}
}

func pepHasOr(l *pepMlist) bool {
	for _, it := range l.items {
		if it.boolop == "or" {
			return true
		}
	}
	return false
}

func pepFormatCmp(b *strings.Builder, c *pepMcmp) {
	pepFormatOperand(b, c.lhs)
	b.WriteByte(' ')
	b.WriteString(c.op)
	b.WriteByte(' ')
	pepFormatOperand(b, c.rhs)
}

func pepFormatOperand(b *strings.Builder, o pepMoperand) {
	if o.variable {
		b.WriteString(o.value)
		return
	}
	b.WriteString(pepQuoteValue(o.value))
}

func pepQuoteValue(v string) string {
	q := `"`
	if strings.IndexByte(v, '"') >= 0 {
		q = `'`
	}
	if strings.ContainsAny(v, "\t\n\r") {
		v = strings.NewReplacer("\t", `\t`, "\n", `\n`, "\r", `\r`).Replace(v)
	}
	return q + v + q
}

// Evaluate evaluates the marker in env, with "extra" set to extra (which may
// be empty). Comparisons follow packaging: a version comparison when the
// right side parses as a specifier, otherwise string comparison.
//
// Where packaging would raise instead of answering (a variable missing from
// env, or "~=" / "===" between strings that are not versions), Evaluate
// returns false; EvaluateErr reports the error. A nil *Marker (a
// requirement without one) evaluates to true.
func (m *Marker) Evaluate(env Environment, extra string) bool {
	ok, err := m.EvaluateErr(env, extra)
	return ok && err == nil
}

// ErrUndefinedVariable and ErrUndefinedComparison are wrapped by the errors
// EvaluateErr returns (packaging's UndefinedEnvironmentName and
// UndefinedComparison).
var (
	ErrUndefinedVariable   = errors.New("marker variable is not set in the environment")
	ErrUndefinedComparison = errors.New("comparison is undefined")
)

type pepEvalError struct {
	msg  string
	kind error
}

func (e *pepEvalError) Error() string { return e.msg }
func (e *pepEvalError) Unwrap() error { return e.kind }

// EvaluateErr is Evaluate, with the error packaging would raise. As in
// packaging, every comparison is evaluated (no short-circuit), so an error
// anywhere in the marker is reported.
func (m *Marker) EvaluateErr(env Environment, extra string) (bool, error) {
	if m == nil || m.root == nil {
		return true, nil
	}
	e := pepEvaluator{env: env, extra: extra}
	v := e.list(m.root)
	return v, e.err
}

type pepEvaluator struct {
	env   Environment
	extra string
	err   error
}

func (e *pepEvaluator) lookup(name string) string {
	if name == "extra" {
		return e.extra
	}
	v, ok := e.env[name]
	if !ok && e.err == nil {
		e.err = &pepEvalError{msg: "marker variable '" + name + "' is not set in the environment", kind: ErrUndefinedVariable}
	}
	return v
}

// list is packaging's _evaluate_markers: any(all(group)) over the groups
// separated by "or".
func (e *pepEvaluator) list(l *pepMlist) bool {
	result, group := false, true
	for _, it := range l.items {
		switch {
		case it.boolop == "or":
			result = result || group
			group = true
		case it.boolop == "and":
		case it.group != nil:
			v := e.list(it.group)
			group = group && v
		default:
			v := e.cmp(it.cmp)
			group = group && v
		}
	}
	return result || group
}

func (e *pepEvaluator) cmp(c *pepMcmp) bool {
	var lhs, rhs string
	if c.lhs.variable {
		lhs = e.lookup(c.lhs.value)
		rhs = c.rhs.value
	} else {
		lhs = c.lhs.value
		rhs = e.lookup(c.rhs.value)
	}
	if spec, err := pepParseClause(c.op+rhs, 0, c.op+rhs); err == nil {
		return pepSpecContainsString(spec, lhs)
	}
	switch c.op {
	case "in":
		return strings.Contains(rhs, lhs)
	case "not in":
		return !strings.Contains(rhs, lhs)
	case "<":
		return lhs < rhs
	case "<=":
		return lhs <= rhs
	case "==":
		return lhs == rhs
	case "!=":
		return lhs != rhs
	case ">=":
		return lhs >= rhs
	case ">":
		return lhs > rhs
	}
	if e.err == nil {
		e.err = &pepEvalError{msg: "cannot compare " + pepQuoteValue(lhs) + " " + c.op + " " + pepQuoteValue(rhs) + ": '" + c.op + "' needs versions", kind: ErrUndefinedComparison}
	}
	return false
}

// pepSpecContainsString is packaging's Specifier.contains(str) with the
// default prereleases: the string is parsed as a Version, or else as a
// LegacyVersion, which only "===" can match.
func pepSpecContainsString(c Specifier, item string) bool {
	v, err := ParseVersion(item)
	if err != nil {
		return c.Op == "===" && pepPyLower(item) == pepPyLower(c.Version)
	}
	return c.Contains(v, false)
}
