package wheel

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/bundle-wsgi/bundle/spec"
)

// Metadata is the part of a distribution's core metadata (METADATA,
// PKG-INFO or a PEP 658 .metadata file) that resolving needs.
type Metadata struct {
	// MetadataVersion is the Metadata-Version field, such as "2.1".
	MetadataVersion string
	// Name is the Name field as written; compare with spec.NormalizeName.
	Name string
	// Version is the Version field, parsed.
	Version spec.Version
	// RequiresPython is the Requires-Python field ("" when absent), and
	// RequiresPythonSet its parsed form.
	RequiresPython    string
	RequiresPythonSet spec.SpecifierSet
	// RequiresDist are the Requires-Dist fields, parsed, in file order.
	RequiresDist []*spec.Requirement
	// ProvidesExtra are the Provides-Extra fields, as written.
	ProvidesExtra []string
}

// Header is one field of an RFC 822 style header block.
type Header struct {
	Key   string // as written
	Value string // continuation lines joined with "\n", trimmed
}

// ParseHeaders reads the header block of core metadata the way Python's
// email.parser (compat32 policy) does, which is what pip reads METADATA
// with: "Key: value" lines, continuation lines starting with a space or
// tab, the headers ending at the first empty line or at the first line
// that is neither (the body starts there). Hand-written because
// net/textproto and net/mail reject inputs that Python accepts.
func ParseHeaders(data []byte) []Header {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	var hs []Header
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(hs) > 0 {
				h := &hs[len(hs)-1]
				h.Value += "\n" + strings.TrimSpace(line)
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			break
		}
		hs = append(hs, Header{Key: k, Value: strings.TrimSpace(v)})
	}
	for i := range hs {
		hs[i].Value = strings.TrimSpace(hs[i].Value)
	}
	return hs
}

// ParseMetadata parses core metadata. Name and Version are required;
// a field that does not parse (a Requires-Dist that is not PEP 508, say) is
// an error wrapping ErrBadMetadata, as it is for pip.
func ParseMetadata(data []byte) (*Metadata, error) {
	m := &Metadata{}
	var version string
	for _, h := range ParseHeaders(data) {
		switch strings.ToLower(h.Key) {
		case "metadata-version":
			m.MetadataVersion = h.Value
		case "name":
			m.Name = h.Value
		case "version":
			version = h.Value
		case "requires-python":
			set, err := spec.ParseSpecifierSet(h.Value)
			if err != nil {
				return nil, fmt.Errorf("%w: Requires-Python %q: %w", ErrBadMetadata, h.Value, err)
			}
			m.RequiresPython, m.RequiresPythonSet = h.Value, set
		case "requires-dist":
			r, err := spec.ParseRequirement(h.Value)
			if err != nil {
				return nil, fmt.Errorf("%w: Requires-Dist %q: %w", ErrBadMetadata, h.Value, err)
			}
			m.RequiresDist = append(m.RequiresDist, r)
		case "provides-extra":
			m.ProvidesExtra = append(m.ProvidesExtra, h.Value)
		}
	}
	if m.Name == "" || !spec.ValidName(m.Name) {
		return nil, fmt.Errorf("%w: missing or invalid Name %q", ErrBadMetadata, m.Name)
	}
	v, err := spec.ParseVersion(version)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid Version %q", ErrBadMetadata, version)
	}
	m.Version = v
	return m, nil
}

// HasExtra reports whether the metadata declares extra (compared as pip
// 23.2 does: exactly, then in PEP 685 normalized form).
func (m *Metadata) HasExtra(extra string) bool {
	for _, e := range m.ProvidesExtra {
		if e == extra || spec.NormalizeName(e) == spec.NormalizeName(extra) {
			return true
		}
	}
	return false
}

// ReadMetadata returns the bytes of the METADATA member of a wheel: the
// one in the single top-level *.dist-info directory, preferring
// NAME-VERSION.dist-info for the filename's name when there are several.
// Only the zip's central directory and that member are read, so r may be
// backed by HTTP range requests.
func ReadMetadata(r io.ReaderAt, size int64, f *Filename) ([]byte, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("reading wheel: %w", err)
	}
	var found []*zip.File
	for _, zf := range zr.File {
		dir, base := path.Split(zf.Name)
		if base != "METADATA" || strings.Count(dir, "/") != 1 || !strings.HasSuffix(dir, ".dist-info/") {
			continue
		}
		found = append(found, zf)
	}
	if len(found) == 0 {
		return nil, ErrNoMetadata
	}
	pick := found[0]
	if len(found) > 1 && f != nil {
		for _, zf := range found {
			stem := strings.TrimSuffix(path.Dir(zf.Name), ".dist-info")
			name, _, _ := strings.Cut(stem, "-")
			if spec.NormalizeName(name) == f.Name {
				pick = zf
				break
			}
		}
	}
	rc, err := pick.Open()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", pick.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", pick.Name, err)
	}
	return data, nil
}

// BuildOptions describe a minimal wheel for Build.
type BuildOptions struct {
	// Tag is the wheel's tag set. Default "py3-none-any".
	Tag string
	// RequiresPython is the Requires-Python field. Default: none.
	RequiresPython string
	// RequiresDist are Requires-Dist values. Default: none.
	RequiresDist []string
	// ProvidesExtra are Provides-Extra values. Default: none.
	ProvidesExtra []string
	// Files are more members (path to content), such as a module.
	Files map[string]string
}

// MetadataText is a minimal METADATA file (Metadata-Version 2.1) with
// these fields, as Build writes it into a wheel.
func MetadataText(name, version, requiresPython string, providesExtra, requiresDist []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version)
	if requiresPython != "" {
		fmt.Fprintf(&b, "Requires-Python: %s\n", requiresPython)
	}
	for _, e := range providesExtra {
		fmt.Fprintf(&b, "Provides-Extra: %s\n", e)
	}
	for _, r := range requiresDist {
		fmt.Fprintf(&b, "Requires-Dist: %s\n", r)
	}
	return b.String()
}

// Build returns a minimal valid wheel (PEP 427: NAME-VERSION.dist-info
// with METADATA, WHEEL and RECORD) and its filename. It serves tests and
// the synthetic universes of benchmarks. The zip is deterministic.
func Build(name, version string, opts BuildOptions) (filename string, data []byte, err error) {
	if opts.Tag == "" {
		opts.Tag = "py3-none-any"
	}
	dist := strings.ReplaceAll(spec.NormalizeName(name), "-", "_")
	v, err := spec.ParseVersion(version)
	if err != nil {
		return "", nil, err
	}
	filename = dist + "-" + v.String() + "-" + opts.Tag + ".whl"
	info := dist + "-" + v.String() + ".dist-info/"
	meta := MetadataText(name, v.String(), opts.RequiresPython, opts.ProvidesExtra, opts.RequiresDist)
	members := [][2]string{}
	for p, c := range opts.Files {
		members = append(members, [2]string{p, c})
	}
	sortPairs(members)
	members = append(members,
		[2]string{info + "METADATA", meta},
		[2]string{info + "WHEEL", "Wheel-Version: 1.0\nGenerator: bundle\nRoot-Is-Purelib: true\nTag: " + opts.Tag + "\n"},
	)
	var record strings.Builder
	for _, m := range members {
		fmt.Fprintf(&record, "%s,,\n", m[0])
	}
	fmt.Fprintf(&record, "%sRECORD,,\n", info)
	members = append(members, [2]string{info + "RECORD", record.String()})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m[0], Method: zip.Deflate})
		if err != nil {
			return "", nil, err
		}
		if _, err := io.WriteString(w, m[1]); err != nil {
			return "", nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return "", nil, err
	}
	return filename, buf.Bytes(), nil
}

func sortPairs(p [][2]string) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j][0] < p[j-1][0]; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}
