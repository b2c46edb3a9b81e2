package spec

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// dependencies.txt and dependencies.in: the accepted subset of pip's
// requirements-file format (see design.md, "dependencies.txt").

// Dependencies is a parsed dependencies.txt or dependencies.in.
type Dependencies struct {
	// Requirements are the requirement lines that parsed, in file order.
	// A line that gave an error other than D005 (bad --hash) is left out,
	// and so is the second of two duplicate lines (D003).
	Requirements []DepLine
	// IndexURL is the value of --index-url / -i, "" when not given.
	IndexURL string
	// ExtraIndexURLs are the values of --extra-index-url, in file order.
	ExtraIndexURLs []string
	// FindLinks are the values of --find-links / -f, in file order.
	FindLinks []string
	// NoIndex is true when --no-index was given.
	NoIndex bool
}

// DepLine is one requirement with its per-requirement options.
type DepLine struct {
	// Req is the parsed PEP 508 requirement (never a direct reference).
	Req *Requirement
	// Line and Column (1-based, code points) locate the requirement's first
	// character.
	Line, Column int
	// Hashes are the --hash options that parsed, in order.
	Hashes []Hash
	// Raw is the requirement as written, without options and comment; a
	// requirement continued over several lines is joined as pip joins it.
	Raw string
}

// Hash is one --hash=ALGO:HEX option.
type Hash struct {
	Algo string // "sha256", "sha384" or "sha512"
	Hex  string // lower-case hex digest of the length the algorithm gives
}

// Pinned reports whether the requirement names exactly one version: a
// single "==" clause without a ".*" wildcard, or a single "===" clause,
// and not a legacy (non-PEP 440) clause.
func (d DepLine) Pinned() bool {
	if d.Req == nil || len(d.Req.Specifier) != 1 {
		return false
	}
	s := d.Req.Specifier[0]
	if s.Legacy {
		return false
	}
	return s.Op == "===" || (s.Op == "==" && !strings.HasSuffix(s.Version, ".*"))
}

// HasSHA256 reports whether the requirement has at least one sha256 hash.
func (d DepLine) HasSHA256() bool {
	for _, h := range d.Hashes {
		if h.Algo == "sha256" {
			return true
		}
	}
	return false
}

// hashHexLen is the accepted --hash algorithms and their digest lengths in
// hex digits.
var hashHexLen = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

const (
	hintPinned         = "pin an exact version with `==` and add its hashes, or run `bundle pin` to pin every requirement"
	hintHash           = "add --hash=sha256:DIGEST for each file of the release, or run `bundle pin` to pin every requirement with hashes"
	hintUnsupportedOpt = "the supported options are --index-url (-i), --extra-index-url, --find-links (-f) and --no-index on lines of their own, and --hash after a requirement"
	hintIndexed        = "publish a wheel to an index or a find-links directory and pin it, such as `mypkg==1.0.0 --hash=sha256:...`"
	whyIndexed         = "the standard needs reproducible, hashed installs from an index"
)

// ParseDependencies parses a dependencies.txt or dependencies.in read from
// r; file names it in diagnostics. It returns the parsed lines (never nil)
// and every problem found. Not-pinned requirements (D006) and requirements
// without a sha256 hash (D007) are always reported as warnings: callers
// that need pins (bundle validate --strict) promote them to errors, and
// callers parsing dependencies.in, whose requirements are loose by design,
// drop them.
func ParseDependencies(r io.Reader, file string) (*Dependencies, Diagnostics) {
	deps, ds := parseDependencies(r, file)
	return deps, finish(ds)
}

func parseDependencies(r io.Reader, file string) (*Dependencies, Diagnostics) {
	deps := &Dependencies{}
	t, ds := readText(r, file, hintEmptyTxt)
	if t == nil {
		return deps, ds
	}
	p := &depParser{file: file, deps: deps, seen: map[string]int{}}
	for _, ll := range p.joinLines(t.Lines) {
		p.parseLine(ll)
	}
	return deps, p.diags
}

type depParser struct {
	file      string
	deps      *Dependencies
	diags     Diagnostics
	seen      map[string]int // normalized name + marker -> line of first
	indexLine int            // line of the first --index-url
}

// logicalLine is one or more physical lines joined by "\" continuations,
// with comments removed.
type logicalLine struct {
	text string
	segs []lineSeg
}

// lineSeg maps the part of a logical line starting at offset start to the
// physical line it came from (which it starts at byte 0 of).
type lineSeg struct {
	start int
	line  Line
}

// pos returns the physical line and column of byte offset off in ll.
func (ll *logicalLine) pos(off int) (line, col int) {
	if len(ll.segs) == 0 {
		return 0, 0
	}
	// The last segment starting at or before off.
	k := sort.Search(len(ll.segs), func(i int) bool { return ll.segs[i].start > off }) - 1
	if k < 0 {
		k = 0
	}
	s := ll.segs[k]
	return s.line.Num, colAt(s.line.Text, off-s.start)
}

func (p *depParser) add(sev Severity, code string, line, col int, msg, hint string) {
	p.diags = append(p.diags, Diagnostic{File: p.file, Line: line, Column: col,
		Severity: sev, Code: code, Message: msg, Hint: hint})
}

func (p *depParser) errAt(ll *logicalLine, off int, code, msg, hint string) {
	line, col := ll.pos(off)
	p.add(SeverityError, code, line, col, msg, hint)
}

// joinLines removes comments and joins continued lines as pip does: a
// line ending in "\" continues onto the next one, unless the line is a
// comment of its own; the backslash is dropped and nothing is put in its
// place.
func (p *depParser) joinLines(lines []Line) []*logicalLine {
	var out []*logicalLine
	var cur *logicalLine
	var text strings.Builder // cur's text so far
	var lastBackslash Line   // the last line that continued, for D009
	for _, l := range lines {
		content, comment := stripComment(l.Text)
		wholeComment := comment && strings.TrimSpace(content) == ""
		endsBackslash := strings.HasSuffix(l.Text, `\`)
		if cur == nil {
			cur = &logicalLine{}
		}
		switch {
		case endsBackslash && !comment:
			cur.segs = append(cur.segs, lineSeg{start: text.Len(), line: l})
			text.WriteString(strings.TrimRight(content, `\`))
			lastBackslash = l
			continue
		case endsBackslash && !wholeComment:
			p.add(SeverityError, "D001", l.Num, colAt(l.Text, len(l.Text)-1),
				"backslash at the end of a comment",
				"remove the backslash or move the comment to a line of its own: pip would join the next line into the comment")
		case strings.HasSuffix(strings.TrimRight(content, " \t"), `\`):
			i := strings.LastIndex(content, `\`)
			p.add(SeverityError, "D001", l.Num, colAt(l.Text, i),
				"backslash is not at the end of the line",
				"a backslash continues a line only as its last character: remove what follows it, or the backslash")
			content = strings.TrimRight(strings.TrimRight(content, " \t"), `\`)
		}
		cur.segs = append(cur.segs, lineSeg{start: text.Len(), line: l})
		text.WriteString(content)
		cur.text = text.String()
		text.Reset()
		out = append(out, cur)
		cur = nil
	}
	if cur != nil {
		cur.text = text.String()
		l := lastBackslash
		p.add(SeverityError, "D009", l.Num, colAt(l.Text, len(l.Text)-1),
			"line continuation at the end of the file",
			"remove the trailing backslash from the last line, or add the line it should continue onto")
		out = append(out, cur)
	}
	return out
}

// token is a white-space separated word of a logical line.
type token struct {
	s   string
	off int
}

func tokenize(s string) []token {
	var toks []token
	start := -1
	for i, c := range s {
		if isSpace(c) {
			if start >= 0 {
				toks = append(toks, token{s[start:i], start})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		toks = append(toks, token{s[start:], start})
	}
	return toks
}

func (p *depParser) parseLine(ll *logicalLine) {
	toks := tokenize(ll.text)
	if len(toks) == 0 {
		return
	}
	if strings.HasPrefix(toks[0].s, "-") {
		p.parseOptions(ll, toks)
		return
	}
	p.parseRequirement(ll, toks)
}

// optName splits an option token into its name and, for "--name=value",
// its value.
func optName(s string) (name, value string, hasValue bool) {
	if strings.HasPrefix(s, "--") {
		if i := strings.IndexByte(s, '='); i >= 0 {
			return s[:i], s[i+1:], true
		}
		return s, "", false
	}
	if len(s) > 2 { // -iURL, -e.
		return s[:2], s[2:], true
	}
	return s, "", false
}

// optValue returns the value of the option at toks[i] and the index of the
// next token, or ok false (after reporting D001) when it has none.
func (p *depParser) optValue(ll *logicalLine, toks []token, i int) (val string, valOff, next int, ok bool) {
	name, v, has := optName(toks[i].s)
	if has {
		if v == "" {
			p.errAt(ll, toks[i].off, "D001", fmt.Sprintf("option %s needs a value", name),
				fmt.Sprintf("write the value after the option, such as `%s VALUE`", name))
			return "", 0, 0, false
		}
		return v, toks[i].off + len(toks[i].s) - len(v), i + 1, true
	}
	if i+1 >= len(toks) {
		p.errAt(ll, toks[i].off, "D001", fmt.Sprintf("option %s needs a value", name),
			fmt.Sprintf("write the value after the option, such as `%s VALUE`", name))
		return "", 0, 0, false
	}
	return toks[i+1].s, toks[i+1].off, i + 2, true
}

// unsupportedForm reports D004 for the option spellings of editable and
// included requirements; it returns false for any other option.
func (p *depParser) unsupportedForm(ll *logicalLine, tok token) bool {
	name, _, _ := optName(tok.s)
	switch name {
	case "-e", "--editable":
		p.errAt(ll, tok.off, "D004",
			fmt.Sprintf("editable requirement %q is not supported: %s", ll.text[tok.off:], whyIndexed),
			hintIndexed)
		return true
	case "-r", "--requirement", "-c", "--constraint":
		what := "requirement"
		if name == "-c" || name == "--constraint" {
			what = "constraint"
		}
		p.errAt(ll, tok.off, "D004",
			fmt.Sprintf("%s include %q is not supported: the dependencies must be in this one file", what, ll.text[tok.off:]),
			"copy the included file's requirements into this file, or run `bundle pin` to write it")
		return true
	}
	return false
}

// parseOptions parses a line of global options.
func (p *depParser) parseOptions(ll *logicalLine, toks []token) {
	for i := 0; i < len(toks); {
		tok := toks[i]
		if !strings.HasPrefix(tok.s, "-") {
			p.errAt(ll, tok.off, "D001", fmt.Sprintf("unexpected %q after an option", tok.s),
				"write each requirement on a line of its own, before its --hash options")
			return
		}
		if p.unsupportedForm(ll, tok) {
			return
		}
		name, _, hasEq := optName(tok.s)
		switch name {
		case "-i", "--index-url", "--extra-index-url", "-f", "--find-links":
			val, _, next, ok := p.optValue(ll, toks, i)
			if !ok {
				return
			}
			line, col := ll.pos(tok.off)
			switch name {
			case "-i", "--index-url":
				if p.indexLine > 0 {
					p.add(SeverityError, "D010", line, col,
						fmt.Sprintf("--index-url given twice (first on line %d)", p.indexLine),
						"keep one --index-url and give other indexes with --extra-index-url")
				} else {
					p.indexLine = line
					p.deps.IndexURL = val
				}
			case "--extra-index-url":
				p.deps.ExtraIndexURLs = append(p.deps.ExtraIndexURLs, val)
			default:
				p.deps.FindLinks = append(p.deps.FindLinks, val)
			}
			i = next
		case "--no-index":
			if hasEq {
				p.errAt(ll, tok.off, "D001", "option --no-index takes no value",
					"write `--no-index` alone")
				return
			}
			p.deps.NoIndex = true
			i++
		case "--hash":
			p.errAt(ll, tok.off, "D008", "--hash must follow a requirement on the same line",
				"put --hash after its requirement, continuing the line with a trailing backslash")
			return
		default:
			p.errAt(ll, tok.off, "D008", fmt.Sprintf("unsupported option %s", name), hintUnsupportedOpt)
			return
		}
	}
}

var (
	reURLScheme  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)
	reVCS        = regexp.MustCompile(`^(?i:git|hg|svn|bzr)\+`)
	reExtrasTail = regexp.MustCompile(`\[[^\]]*\]$`)
	archiveExts  = []string{".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar.lz", ".tar"}
)

// formOf names the unsupported requirement form of s (the requirement
// text), or returns "" for a plain requirement.
func formOf(s string) string {
	switch {
	case reVCS.MatchString(s):
		return "vcs requirement"
	case reURLScheme.MatchString(s), strings.HasPrefix(strings.ToLower(s), "file:"):
		return "url requirement"
	}
	head := s
	if i := strings.IndexFunc(head, func(c rune) bool { return isSpace(c) || c == ';' }); i >= 0 {
		head = head[:i]
	}
	if strings.Contains(head, "@") {
		return "" // name@url: a direct reference, found by the parser
	}
	if strings.HasPrefix(head, ".") || strings.HasPrefix(head, "~") ||
		strings.ContainsAny(head, `/\`) {
		return "local path"
	}
	base := strings.ToLower(reExtrasTail.ReplaceAllString(head, ""))
	for _, ext := range archiveExts {
		if strings.HasSuffix(base, ext) {
			return "local archive"
		}
	}
	return ""
}

// parseRequirement parses a requirement line: the requirement, then its
// options (pip's rule: the requirement ends before the first word that
// starts with "-").
func (p *depParser) parseRequirement(ll *logicalLine, toks []token) {
	k := len(toks)
	for i, t := range toks {
		if strings.HasPrefix(t.s, "-") {
			k = i
			break
		}
	}
	start := toks[0].off
	end := toks[k-1].off + len(toks[k-1].s)
	raw := ll.text[start:end]
	line, col := ll.pos(start)

	if form := formOf(raw); form != "" {
		p.add(SeverityError, "D004", line, col,
			fmt.Sprintf("%s %q is not supported: %s", form, raw, whyIndexed), hintIndexed)
		return
	}
	req, err := ParseRequirement(raw)
	if err != nil {
		var se *SyntaxError
		if !errors.As(err, &se) {
			p.add(SeverityError, "D001", line, col, fmt.Sprintf("malformed requirement %q: %v", raw, err),
				"write a PEP 508 requirement, such as `flask==3.0.3`")
			return
		}
		off := se.Offset
		if off < 0 || off > len(raw) {
			off = 0
		}
		l, c := ll.pos(start + off)
		if se.Kind == KindMarkerVariable {
			msg, hint := se.Msg, se.Hint
			if msg == "" {
				msg = "unknown marker variable"
			}
			if hint == "" {
				hint = "use a PEP 508 marker variable, such as python_version, sys_platform or platform_machine"
			}
			p.add(SeverityError, "D002", l, c, msg, hint)
			return
		}
		hint := se.Hint
		if hint == "" {
			hint = "write a PEP 508 requirement, such as `flask==3.0.3`"
		}
		p.add(SeverityError, "D001", l, c, fmt.Sprintf("malformed requirement %q: %s", raw, se.Msg), hint)
		return
	}
	if req == nil {
		p.add(SeverityError, "D001", line, col, fmt.Sprintf("malformed requirement %q", raw),
			"write a PEP 508 requirement, such as `flask==3.0.3`")
		return
	}
	if req.URL != "" {
		p.add(SeverityError, "D004", line, col,
			fmt.Sprintf("direct reference %q is not supported: %s", raw, whyIndexed), hintIndexed)
		return
	}
	for _, s := range req.Specifier {
		if s.Legacy {
			p.add(SeverityError, "D001", line, col,
				fmt.Sprintf("malformed requirement %q: %q is not a PEP 440 version specifier", raw, s.Op+s.Version),
				"write a PEP 440 specifier, such as `==1.0` or `>=1.0,<2`: pip 24.1 and later reject legacy ones")
			return
		}
	}

	dl := DepLine{Req: req, Line: line, Column: col, Raw: raw}
	for i := k; i < len(toks); {
		tok := toks[i]
		if !strings.HasPrefix(tok.s, "-") {
			p.errAt(ll, tok.off, "D001", fmt.Sprintf("unexpected %q after the options of a requirement", tok.s),
				"write each requirement on a line of its own, followed by its --hash options")
			return
		}
		name, _, _ := optName(tok.s)
		if name != "--hash" {
			if !p.unsupportedForm(ll, tok) {
				p.errAt(ll, tok.off, "D008", fmt.Sprintf("unsupported option %s", name), hintUnsupportedOpt)
			}
			return
		}
		val, valOff, next, ok := p.optValue(ll, toks, i)
		if !ok {
			return
		}
		if h, ok := p.parseHash(ll, val, valOff); ok {
			dl.Hashes = append(dl.Hashes, h)
		}
		i = next
	}

	marker := ""
	if req.Marker != nil {
		marker = req.Marker.String()
	}
	key := NormalizeName(req.Name) + "\x00" + marker
	if first, dup := p.seen[key]; dup {
		p.add(SeverityError, "D003", line, col,
			fmt.Sprintf("duplicate requirement %q (first on line %d)", req.Name, first),
			"keep one line per project, or give the lines different markers")
		return
	}
	p.seen[key] = line
	p.deps.Requirements = append(p.deps.Requirements, dl)

	shown := strings.TrimSpace(raw)
	if i := strings.IndexByte(shown, ';'); i >= 0 {
		shown = strings.TrimSpace(shown[:i])
	}
	// At most one of D006 and D007 per requirement (SPEC.md 6.7): an
	// unpinned line's hashes are moot until it is pinned.
	if !dl.Pinned() {
		p.add(SeverityWarning, "D006", line, col, fmt.Sprintf("%s is not pinned", shown), hintPinned)
	} else if !dl.HasSHA256() {
		p.add(SeverityWarning, "D007", line, col, fmt.Sprintf("%s has no sha256 hash", shown), hintHash)
	}
}

// parseHash checks one --hash value, ALGO:HEX, at byte offset off of ll.
func (p *depParser) parseHash(ll *logicalLine, val string, off int) (Hash, bool) {
	algo, hex, ok := strings.Cut(val, ":")
	if !ok {
		p.errAt(ll, off, "D005", fmt.Sprintf("bad --hash %q: want ALGO:HEX", val),
			"write the hash as --hash=sha256:HEX")
		return Hash{}, false
	}
	want, known := hashHexLen[algo]
	if !known {
		p.errAt(ll, off, "D005", fmt.Sprintf("unsupported hash algorithm %q", algo),
			"use sha256 (sha384 and sha512 are also accepted), such as --hash=sha256:HEX")
		return Hash{}, false
	}
	hexOff := off + len(algo) + 1
	for i, c := range hex {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			p.errAt(ll, hexOff+i, "D005", fmt.Sprintf("bad %s digest: %q is not a lower-case hex digit", algo, c),
				"write the digest in lower-case hexadecimal, as `pip hash` and `bundle pin` print it")
			return Hash{}, false
		}
	}
	if n := utf8.RuneCountInString(hex); n != want {
		p.errAt(ll, hexOff, "D005", fmt.Sprintf("bad %s digest: %d hex digits, want %d", algo, n, want),
			"copy the whole digest, as `pip hash` and `bundle pin` print it")
		return Hash{}, false
	}
	return Hash{Algo: algo, Hex: hex}, true
}
