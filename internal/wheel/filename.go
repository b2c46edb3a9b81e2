package wheel

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/bundle-wsgi/bundle/spec"
)

// Tag is one PEP 425 compatibility tag, lower-case.
type Tag struct {
	Interpreter string // "cp311", "py3"
	ABI         string // "cp311", "abi3", "none"
	Platform    string // "manylinux_2_17_x86_64", "any"
}

// String returns "interpreter-abi-platform".
func (t Tag) String() string { return t.Interpreter + "-" + t.ABI + "-" + t.Platform }

// Filename is a parsed wheel filename
// NAME-VERSION(-BUILD)?-PYTHON-ABI-PLATFORM.whl (PEP 427).
type Filename struct {
	// Name is the normalized project name (PEP 503).
	Name string
	// Version is the parsed version.
	Version spec.Version
	// Build is the build tag ("" when absent); BuildNum is its leading
	// number, which orders builds of one version.
	Build    string
	BuildNum int
	// Tags is the expanded tag set: a compressed tag such as
	// "py2.py3-none-any" gives two tags. Never empty.
	Tags []Tag
}

// ParseFilename parses a wheel filename (a base name, not a path) as
// packaging.utils.parse_wheel_filename does. The error wraps
// ErrBadFilename.
func ParseFilename(name string) (*Filename, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w %q: %s", ErrBadFilename, name, why)
	}
	if !strings.HasSuffix(name, ".whl") {
		return nil, bad("not a .whl file")
	}
	stem := strings.TrimSuffix(name, ".whl")
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return nil, bad("want NAME-VERSION(-BUILD)-PYTHON-ABI-PLATFORM.whl")
	}
	parts := strings.SplitN(stem, "-", dashes-1) // Python: split("-", dashes-2)
	namePart := parts[0]
	if namePart == "" || strings.Contains(namePart, "__") || !validWheelName(namePart) {
		return nil, bad("invalid project name")
	}
	v, err := spec.ParseVersion(parts[1])
	if err != nil {
		return nil, bad("invalid version " + strconv.Quote(parts[1]))
	}
	f := &Filename{Name: spec.NormalizeName(namePart), Version: v}
	if dashes == 5 {
		b := parts[2]
		i := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == 0 {
			return nil, bad("build tag must start with a digit")
		}
		n, err := strconv.Atoi(b[:i])
		if err != nil {
			return nil, bad("build number too large")
		}
		f.Build, f.BuildNum = b, n
	}
	f.Tags, err = ParseTagSet(parts[len(parts)-1])
	if err != nil {
		return nil, bad(err.Error())
	}
	return f, nil
}

// ParseTagSet expands a compressed tag set such as "py2.py3-none-any" into
// its tags, lower-cased, as packaging.tags.parse_tag does.
func ParseTagSet(s string) ([]Tag, error) {
	p := strings.Split(strings.ToLower(s), "-")
	if len(p) != 3 || p[0] == "" || p[1] == "" || p[2] == "" {
		return nil, fmt.Errorf("invalid tag %q", s)
	}
	var tags []Tag
	for _, i := range strings.Split(p[0], ".") {
		for _, a := range strings.Split(p[1], ".") {
			for _, pl := range strings.Split(p[2], ".") {
				if i == "" || a == "" || pl == "" {
					return nil, fmt.Errorf("invalid tag %q: empty component", s)
				}
				tags = append(tags, Tag{i, a, pl})
			}
		}
	}
	return tags, nil
}

// validWheelName is packaging's ^[\w\d._]*$ with re.UNICODE.
func validWheelName(s string) bool {
	for _, r := range s {
		if r != '.' && r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Pc, r) {
			return false
		}
	}
	return true
}

// sdistSuffixes are the archive suffixes of source distributions pip knows.
var sdistSuffixes = []string{".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tbz", ".txz", ".tlz", ".tar.lz", ".tar.lzma", ".tar"}

// Sdist is a parsed source distribution filename NAME-VERSION.SUFFIX.
type Sdist struct {
	Name    string // normalized
	Version spec.Version
}

// ParseSdistFilename parses a source distribution filename. Because a name
// may itself contain "-", the version is the text after the last "-" that
// parses as a PEP 440 version. The error wraps ErrBadFilename.
func ParseSdistFilename(name string) (*Sdist, error) {
	lower := strings.ToLower(name)
	stem := ""
	for _, suf := range sdistSuffixes {
		if strings.HasSuffix(lower, suf) {
			stem = name[:len(name)-len(suf)]
			break
		}
	}
	if stem == "" {
		return nil, fmt.Errorf("%w %q: not a source archive", ErrBadFilename, name)
	}
	for i := strings.LastIndexByte(stem, '-'); i > 0; i = strings.LastIndexByte(stem[:i], '-') {
		v, err := spec.ParseVersion(stem[i+1:])
		if err == nil && spec.ValidName(stem[:i]) {
			return &Sdist{Name: spec.NormalizeName(stem[:i]), Version: v}, nil
		}
	}
	return nil, fmt.Errorf("%w %q: want NAME-VERSION%s", ErrBadFilename, name, name[len(stem):])
}

// IsSdistFilename reports whether name ends like a source archive.
func IsSdistFilename(name string) bool {
	lower := strings.ToLower(name)
	for _, suf := range sdistSuffixes {
		if strings.HasSuffix(lower, suf) {
			return true
		}
	}
	return false
}
