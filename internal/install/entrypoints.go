package install

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// EntryPoint is one line of an entry_points.txt section, such as
// "flask = flask.cli:main".
type EntryPoint struct {
	// Group is the section, such as "console_scripts".
	Group string
	// Name is the key, such as "flask".
	Name string
	// Value is the object reference as written, "module:attr [extras]".
	Value string
}

// ErrBadEntryPoint: an entry point cannot become a script.
var ErrBadEntryPoint = errors.New("invalid entry point")

// ParseEntryPoints reads an entry_points.txt as importlib.metadata (and so
// pip) does: lines are stripped; empty lines and lines starting with "#"
// or ";" are skipped; "[group]" starts a section; other lines are
// "name = value", split at the first "=". A line outside any section, or
// without "=", is an error (it would make importlib.metadata fail too).
// Entries are returned in file order.
func ParseEntryPoints(data []byte) ([]EntryPoint, error) {
	var out []EntryPoint
	group := ""
	inSection := false
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' && line[len(line)-1] == ']' && len(line) >= 2 {
			group = strings.TrimSpace(line[1 : len(line)-1])
			inSection = true
			continue
		}
		if !inSection {
			return nil, fmt.Errorf("line %d: %q is outside any [section]", i+1, line)
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: %q is not NAME = VALUE", i+1, line)
		}
		out = append(out, EntryPoint{Group: group, Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	return out, nil
}

// Script is a console or GUI script to generate from an entry point.
type Script struct {
	// Name is the file name in the scripts directory, such as "flask".
	Name string
	// Module is the dotted module to import, such as "flask.cli".
	Module string
	// Attr is the dotted attribute path to call, such as "main" or
	// "Cli.run".
	Attr string
	// GUI is true for gui_scripts.
	GUI bool
}

// Scripts returns the console_scripts and gui_scripts of eps, checked so
// that the generated file stays in the scripts directory and the generated
// code is only an import and a call: the name is a single path component
// without NUL or white space that does not start with "."; the value is
// "module:attr" with dotted Python identifiers, optionally followed by
// "[extras]" (which, as for pip, change nothing). An entry point that
// fails these checks is an error wrapping ErrBadEntryPoint. When two
// entries have the same name, the later one wins (as pip does).
func Scripts(eps []EntryPoint) ([]Script, error) {
	var out []Script
	idx := map[string]int{}
	for _, ep := range eps {
		if ep.Group != "console_scripts" && ep.Group != "gui_scripts" {
			continue
		}
		s, err := scriptOf(ep)
		if err != nil {
			return nil, err
		}
		if i, ok := idx[s.Name]; ok {
			out[i] = s
			continue
		}
		idx[s.Name] = len(out)
		out = append(out, s)
	}
	return out, nil
}

func scriptOf(ep EntryPoint) (Script, error) {
	bad := func(why string) (Script, error) {
		return Script{}, fmt.Errorf("%w: [%s] %s = %s: %s", ErrBadEntryPoint, ep.Group, ep.Name, ep.Value, why)
	}
	if !safeScriptName(ep.Name) {
		return bad("the name is not a plain file name")
	}
	v := ep.Value
	if i := strings.IndexByte(v, '['); i >= 0 {
		if !strings.HasSuffix(v, "]") {
			return bad("unclosed [extras]")
		}
		v = strings.TrimSpace(v[:i])
	}
	mod, attr, ok := strings.Cut(v, ":")
	mod, attr = strings.TrimSpace(mod), strings.TrimSpace(attr)
	if !ok || attr == "" {
		return bad("a script needs module:attribute")
	}
	if !dottedIdent(mod) || !dottedIdent(attr) {
		return bad("module and attribute must be dotted Python identifiers")
	}
	return Script{Name: ep.Name, Module: mod, Attr: attr, GUI: ep.Group == "gui_scripts"}, nil
}

// safeScriptName reports whether name is usable as a file name in the
// scripts directory: one component, not hidden, printable, no white space
// or quotes.
func safeScriptName(name string) bool {
	if name == "" || name[0] == '.' || len(name) > 255 {
		return false
	}
	for _, r := range name {
		if r == '/' || r == '\\' || r == 0 || unicode.IsSpace(r) || !unicode.IsPrint(r) || r == '"' || r == '\'' {
			return false
		}
	}
	return true
}

// dottedIdent reports whether s is one or more Python identifiers joined
// by ".".
func dottedIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !identifier(part) {
			return false
		}
	}
	return true
}

// identifier approximates Python's str.isidentifier: a letter or "_",
// then letters, digits, "_" (Unicode letters and digits included).
func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r)):
		default:
			return false
		}
	}
	return true
}
