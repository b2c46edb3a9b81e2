package spec

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// external-dependencies.txt: the system libraries an app needs, one a line,
// in the PEP 345 Requires-External form `NAME`, `NAME (SPECIFIERS)`, with an
// optional `; MARKER`.

// External is a parsed external-dependencies.txt.
type External struct {
	// Deps are the lines that parsed, in file order; a line with an error,
	// and the second of two duplicate lines, is left out.
	Deps []ExternalDep
}

// ExternalDep is one system library requirement.
type ExternalDep struct {
	// Name is the library name as written, such as "libpq"; compare names
	// with NormalizeExternalName.
	Name string
	// Specifier is the version range in parentheses; empty (any version)
	// when there are no parentheses.
	Specifier SpecifierSet
	// Marker is the environment marker after ";", nil when there is none.
	Marker *Marker
	// Line and Column (1-based, code points) locate the name.
	Line, Column int
}

// NormalizeExternalName returns the form under which external dependency
// names are compared and looked up (in the built-in distribution table and
// in bundle.toml's [package.external.deb] and [package.external.rpm]):
// lower-cased, with runs of "-", "_" and "." replaced by a single "-", as
// PEP 503 does for project names.
func NormalizeExternalName(name string) string {
	var b strings.Builder
	sep := false
	for _, c := range strings.ToLower(name) {
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		b.WriteRune(c)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// validExternalName reports whether s is a valid external dependency name:
// ^[A-Za-z0-9][A-Za-z0-9._+-]*$.
func validExternalName(s string) bool {
	return s != "" && externalNameLen(s) == len(s)
}

// externalNameLen returns the length of the longest prefix of s that is a
// valid external dependency name (0 if none).
func externalNameLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if i == 0 && !alnum {
			return 0
		}
		if !alnum && c != '.' && c != '_' && c != '+' && c != '-' {
			return i
		}
	}
	return len(s)
}

// ParseExternal parses an external-dependencies.txt read from r; file names
// it in diagnostics. The result is never nil.
func ParseExternal(r io.Reader, file string) (*External, Diagnostics) {
	ext, ds := parseExternal(r, file)
	return ext, finish(ds)
}

func parseExternal(r io.Reader, file string) (*External, Diagnostics) {
	ext := &External{}
	t, ds := readText(r, file, hintEmptyTxt)
	if t == nil {
		return ext, ds
	}
	seen := map[string]int{}
	for _, l := range t.Lines {
		d, diag := parseExternalLine(l, file)
		if diag != nil {
			ds = append(ds, *diag)
			continue
		}
		if d == nil {
			continue
		}
		marker := ""
		if d.Marker != nil {
			marker = d.Marker.String()
		}
		key := NormalizeExternalName(d.Name) + "\x00" + marker
		if first, dup := seen[key]; dup {
			ds = append(ds, Diagnostic{File: file, Line: d.Line, Column: d.Column,
				Severity: SeverityError, Code: "X003",
				Message: fmt.Sprintf("duplicate external dependency %q (first on line %d)", d.Name, first),
				Hint:    "keep one line per library, or give the lines different markers"})
			continue
		}
		seen[key] = d.Line
		ext.Deps = append(ext.Deps, *d)
	}
	return ext, ds
}

const hintExternalForm = "write one library a line, such as `libpq`, `libpq (>=12)` or `libpq (>=12); sys_platform == \"linux\"`"

// parseExternalLine parses one line; it returns nil, nil for a blank or
// comment line.
func parseExternalLine(l Line, file string) (*ExternalDep, *Diagnostic) {
	content, _ := stripComment(l.Text)
	errAt := func(off int, code, msg, hint string) (*ExternalDep, *Diagnostic) {
		return nil, &Diagnostic{File: file, Line: l.Num, Column: colAt(l.Text, off),
			Severity: SeverityError, Code: code, Message: msg, Hint: hint}
	}
	skip := func(i int) int {
		for i < len(content) && (content[i] == ' ' || content[i] == '\t') {
			i++
		}
		return i
	}
	i := skip(0)
	if strings.TrimSpace(content[i:]) == "" {
		return nil, nil
	}
	n := externalNameLen(content[i:])
	if n == 0 {
		return errAt(i, "X001", fmt.Sprintf("malformed line: expected a library name, found %q", strings.TrimSpace(content[i:])),
			"start the line with the library name, made of letters, digits and . _ + -, such as `libpq`")
	}
	d := &ExternalDep{Name: content[i : i+n], Line: l.Num, Column: colAt(l.Text, i)}
	k := skip(i + n)
	if k < len(content) && content[k] == '(' {
		closing := strings.IndexByte(content[k+1:], ')')
		if closing < 0 {
			return errAt(k, "X002", "unclosed parenthesis", "close the version range with `)`, such as `libpq (>=12)`")
		}
		inner := content[k+1 : k+1+closing]
		if strings.TrimSpace(inner) == "" {
			return errAt(k, "X004", "empty version specifier in parentheses",
				"write a version range, such as `(>=12)`, or drop the parentheses to accept any version")
		}
		set, err := ParseSpecifierSet(inner)
		if err != nil {
			off, msg, hint := syntaxErrorAt(err, len(inner))
			if hint == "" {
				hint = "write a PEP 440 version specifier set, such as `(>=1.1,<4)`"
			}
			return errAt(k+1+off, "X004", fmt.Sprintf("bad version specifier %q: %s", strings.TrimSpace(inner), msg), hint)
		}
		d.Specifier = set
		k = skip(k + 1 + closing + 1)
	}
	if k < len(content) && content[k] == ';' {
		mtext := content[k+1:]
		if strings.TrimSpace(mtext) == "" {
			return errAt(k, "X001", "malformed line: empty marker after \";\"",
				"write a marker after \";\", such as `sys_platform == \"linux\"`, or remove the \";\"")
		}
		m, err := ParseMarker(mtext)
		if err != nil {
			off, msg, hint := syntaxErrorAt(err, len(mtext))
			var se *SyntaxError
			if errors.As(err, &se) && se.Kind == KindMarkerVariable {
				if hint == "" {
					hint = "use a PEP 508 marker variable, such as python_version, sys_platform or platform_machine"
				}
				return errAt(k+1+off, "X005", msg, hint)
			}
			if hint == "" {
				hint = "write a PEP 508 marker, such as `sys_platform == \"linux\"`"
			}
			return errAt(k+1+off, "X001", "malformed marker: "+msg, hint)
		}
		d.Marker = m
		k = len(content)
	}
	if k < len(content) {
		rest := strings.TrimSpace(content[k:])
		if rest == "" {
			return d, nil
		}
		hint := hintExternalForm
		if strings.ContainsAny(rest[:1], "<>=!~") {
			hint = fmt.Sprintf("put the version range in parentheses, such as `%s (%s)`", d.Name, rest)
		}
		return errAt(k, "X001", fmt.Sprintf("malformed line: unexpected %q after the library name", rest), hint)
	}
	return d, nil
}

// syntaxErrorAt unpacks a parse error: the byte offset into the parsed
// string (clamped to [0, n]), the message and the hint.
func syntaxErrorAt(err error, n int) (off int, msg, hint string) {
	var se *SyntaxError
	if !errors.As(err, &se) {
		return 0, err.Error(), ""
	}
	off = se.Offset
	if off < 0 || off > n {
		off = 0
	}
	msg = se.Msg
	if msg == "" {
		msg = "syntax error"
	}
	return off, msg, se.Hint
}
