package wheel

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// ErrPolicy is returned by Audit when the extension needs more than its
// platform tag promises.
var ErrPolicy = errors.New("extension does not meet its platform tag")

// AllowedLibraries are the shared libraries a manylinux extension may
// need without shipping them: the glibc ones and libgcc_s, a subset of the
// manylinux policies' lists (PEP 599, PEP 600) that nothing here goes
// beyond.
var AllowedLibraries = map[string]bool{
	"libc.so.6":             true,
	"libpthread.so.0":       true,
	"libdl.so.2":            true,
	"libm.so.6":             true,
	"librt.so.1":            true,
	"libgcc_s.so.1":         true,
	"ld-linux-x86-64.so.2":  true,
	"ld-linux-aarch64.so.1": true,
}

// Requirements is what an ELF shared object needs from the system.
type Requirements struct {
	Machine elf.Machine
	Needed  []string             // DT_NEEDED libraries
	Symbols []elf.ImportedSymbol // imported symbols (Version and Library set for versioned ones)
}

// ReadRequirements reads the requirements of the shared object in r.
func ReadRequirements(r io.ReaderAt) (*Requirements, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPlatform, err)
	}
	defer f.Close()
	needed, err := f.ImportedLibraries()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPlatform, err)
	}
	syms, err := f.ImportedSymbols()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPlatform, err)
	}
	return &Requirements{Machine: f.Machine, Needed: needed, Symbols: syms}, nil
}

// MaxGLIBC is the newest GLIBC_x.y version among the imported symbols
// ("GLIBC_2.14"), "" if none.
func (q *Requirements) MaxGLIBC() string {
	best := ""
	for _, s := range q.Symbols {
		if v, ok := parseGLIBC(s.Version); ok && (best == "" || compareVersions(v, mustGLIBC(best)) > 0) {
			best = s.Version
		}
	}
	return best
}

func mustGLIBC(s string) []int {
	v, _ := parseGLIBC(s)
	return v
}

var manylinuxRE = regexp.MustCompile(`^manylinux_(\d+)_(\d+)_(x86_64|aarch64)$`)

// legacy manylinux tags and the glibc they stand for (PEP 600).
var legacyManylinux = map[string]string{"manylinux1": "2_5", "manylinux2010": "2_12", "manylinux2014": "2_17"}

// ParsePlatform gives the glibc version ([major, minor]) and the
// architecture that a manylinux platform tag promises. A compressed tag set
// ("manylinux_2_17_x86_64.manylinux2014_x86_64") must agree on both.
func ParsePlatform(tag string) (glibc []int, arch string, err error) {
	for _, p := range strings.Split(tag, ".") {
		for legacy, v := range legacyManylinux {
			if a, ok := strings.CutPrefix(p, legacy+"_"); ok {
				p = "manylinux_" + v + "_" + a
			}
		}
		m := manylinuxRE.FindStringSubmatch(p)
		if m == nil {
			return nil, "", fmt.Errorf("%w: %q is not a manylinux tag", ErrPlatform, p)
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		if glibc != nil && (compareVersions(glibc, []int{major, minor}) != 0 || arch != m[3]) {
			return nil, "", fmt.Errorf("%w: the tags of %q disagree", ErrPlatform, tag)
		}
		glibc, arch = []int{major, minor}, m[3]
	}
	return glibc, arch, nil
}

// Problems lists every way q fails the manylinux platform tag: a machine
// other than the tag's architecture, a library outside AllowedLibraries, a
// glibc symbol version newer than the tag's glibc or not a release one
// (GLIBC_PRIVATE), a symbol version of another family (GCC_, GLIBCXX_:
// not checked here, so refused). Unversioned imports (the Python API,
// resolved by the interpreter) pass.
func (q *Requirements) Problems(tag string) ([]string, error) {
	glibc, arch, err := ParsePlatform(tag)
	if err != nil {
		return nil, err
	}
	var out []string
	if want := map[string]elf.Machine{"x86_64": elf.EM_X86_64, "aarch64": elf.EM_AARCH64}[arch]; q.Machine != want {
		out = append(out, fmt.Sprintf("machine %v, the tag says %s", q.Machine, arch))
	}
	for _, l := range q.Needed {
		if !AllowedLibraries[l] {
			out = append(out, "needs "+l+", which is not on the manylinux allow-list")
		}
	}
	seen := map[string]bool{}
	for _, s := range q.Symbols {
		if s.Version == "" || seen[s.Name+"@"+s.Version] {
			continue
		}
		seen[s.Name+"@"+s.Version] = true
		v, ok := parseGLIBC(s.Version)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s@%s (%s): not a glibc release version", s.Name, s.Version, s.Library))
		case compareVersions(v, glibc) > 0:
			out = append(out, fmt.Sprintf("%s@%s: newer than glibc %d.%d", s.Name, s.Version, glibc[0], glibc[1]))
		}
	}
	return out, nil
}

// Audit checks the shared object at path against the manylinux platform
// tag (see Requirements.Problems); the error (ErrPolicy) lists the problems.
func Audit(path, tag string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrPlatform, err)
	}
	defer f.Close()
	q, err := ReadRequirements(f)
	if err != nil {
		return err
	}
	p, err := q.Problems(tag)
	if err != nil {
		return err
	}
	if len(p) > 0 {
		return fmt.Errorf("%w %s:\n\t%s", ErrPolicy, tag, strings.Join(p, "\n\t"))
	}
	return nil
}

var glibcVersionRE = regexp.MustCompile(`^GLIBC_(\d+(?:\.\d+)+)$`)

// parseGLIBC parses "GLIBC_2.2.5" into [2 2 5]; ok is false for anything
// else ("GLIBC_PRIVATE", "GCC_3.0", "").
func parseGLIBC(s string) (v []int, ok bool) {
	m := glibcVersionRE.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	for _, p := range strings.Split(m[1], ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		v = append(v, n)
	}
	return v, true
}

// compareVersions compares dotted versions part by part, a missing part
// counting as 0: -1, 0 or +1 as a is older than, the same as or newer
// than b.
func compareVersions(a, b []int) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}
