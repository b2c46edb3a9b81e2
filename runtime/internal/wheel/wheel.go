// Package wheel packs bundle_runtime into a wheel (PEP 427, binary
// distribution format): the Python package, the abi3 extension, and the
// dist-info with METADATA, WHEEL and RECORD.
package wheel

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Errors of this package.
var (
	// ErrNoVersion is returned when the package's __init__.py has no
	// __version__ = "..." line and no version was given.
	ErrNoVersion = errors.New("no version")
	// ErrPlatform is returned for an extension whose platform has no
	// wheel tag here (not a Linux ELF of a known architecture).
	ErrPlatform = errors.New("unsupported extension platform")
)

// Name is the distribution and import name.
const Name = "bundle_runtime"

// PythonTag and ABITag: one extension for CPython 3.10 and later.
const (
	PythonTag = "cp310"
	ABITag    = "abi3"
)

// Spec says what goes into the wheel.
type Spec struct {
	// Extension is the built _bundle_runtime shared object.
	Extension string
	// PackageDir is the Python package's source directory (its *.py files
	// are packed).
	PackageDir string
	// Version is the distribution version. Default: the __version__ of
	// PackageDir/__init__.py.
	Version string
	// Platform is the platform tag. Default: worked out from the
	// extension's ELF header and the newest glibc symbol version it needs
	// (see PlatformTag).
	Platform string
}

var versionRE = regexp.MustCompile(`(?m)^__version__\s*=\s*["']([^"']+)["']`)

// Build writes the wheel into outDir and returns its path.
func Build(s Spec, outDir string) (string, error) {
	if s.Version == "" {
		b, err := os.ReadFile(filepath.Join(s.PackageDir, "__init__.py"))
		if err != nil {
			return "", fmt.Errorf("read version: %w", err)
		}
		m := versionRE.FindSubmatch(b)
		if m == nil {
			return "", fmt.Errorf("%w: no __version__ in %s/__init__.py", ErrNoVersion, s.PackageDir)
		}
		s.Version = string(m[1])
	}
	if s.Platform == "" {
		p, err := PlatformTag(s.Extension)
		if err != nil {
			return "", err
		}
		s.Platform = p
	}
	files := map[string][]byte{}
	pys, err := filepath.Glob(filepath.Join(s.PackageDir, "*.py"))
	if err != nil {
		return "", fmt.Errorf("list package: %w", err)
	}
	for _, f := range pys {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("read package: %w", err)
		}
		files[Name+"/"+filepath.Base(f)] = b
	}
	so, err := os.ReadFile(s.Extension)
	if err != nil {
		return "", fmt.Errorf("read extension: %w", err)
	}
	files[Name+"/_bundle_runtime.abi3.so"] = so

	tag := PythonTag + "-" + ABITag + "-" + s.Platform
	di := Name + "-" + s.Version + ".dist-info/"
	files[di+"METADATA"] = []byte(metadata(s.Version))
	files[di+"WHEEL"] = []byte("Wheel-Version: 1.0\nGenerator: bundle mkwheel\nRoot-Is-Purelib: false\n" + tagLines(tag))
	files[di+"top_level.txt"] = []byte(Name + "\n")

	names := make([]string, 0, len(files)+1)
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var record strings.Builder
	for _, n := range names {
		sum := sha256.Sum256(files[n])
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", n, base64.RawURLEncoding.EncodeToString(sum[:]), len(files[n]))
	}
	record.WriteString(di + "RECORD,,\n")
	files[di+"RECORD"] = []byte(record.String())
	names = append(names, di+"RECORD") // RECORD goes last

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(n, ".so") {
			mode = 0o755
		}
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return "", fmt.Errorf("write wheel: %w", err)
		}
		if _, err := w.Write(files[n]); err != nil {
			return "", fmt.Errorf("write wheel: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("write wheel: %w", err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("write wheel: %w", err)
	}
	out := filepath.Join(outDir, Name+"-"+s.Version+"-"+tag+".whl")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("write wheel: %w", err)
	}
	return out, nil
}

// tagLines gives one Tag line per platform of a compressed tag set
// ("manylinux_2_17_x86_64.manylinux2014_x86_64").
func tagLines(tag string) string {
	parts := strings.SplitN(tag, "-", 3)
	var b strings.Builder
	for _, p := range strings.Split(parts[2], ".") {
		b.WriteString("Tag: " + parts[0] + "-" + parts[1] + "-" + p + "\n")
	}
	return b.String()
}

func metadata(version string) string {
	return "Metadata-Version: 2.1\n" +
		"Name: " + Name + "\n" +
		"Version: " + version + "\n" +
		"Summary: Go's net/http serving a WSGI application inside the app's own Python process\n" +
		"Home-page: https://github.com/bundle-wsgi/bundle\n" +
		"Requires-Python: >=3.10\n" +
		"Classifier: Programming Language :: Python :: 3\n" +
		"Classifier: Programming Language :: Python :: Implementation :: CPython\n" +
		"Classifier: Topic :: Internet :: WWW/HTTP :: WSGI :: Server\n" +
		"Description-Content-Type: text/markdown\n" +
		"\n" +
		"bundle_runtime serves a WSGI `application` in the process that imported it:\n" +
		"`bundle_runtime.serve(application)` or `python -m bundle_runtime bin/wsgiapp`.\n"
}

var glibcRE = regexp.MustCompile(`^GLIBC_(\d+)\.(\d+)`)

// PlatformTag works out the wheel platform tag of a Linux extension: the
// architecture from its ELF header and manylinux_2_Y from the newest
// GLIBC_2.Y symbol version it imports (the same as reading `objdump -T`).
// Y <= 17 gives "manylinux_2_17_ARCH.manylinux2014_ARCH".
func PlatformTag(so string) (string, error) {
	f, err := elf.Open(so)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrPlatform, err)
	}
	defer f.Close()
	var arch string
	switch f.Machine {
	case elf.EM_X86_64:
		arch = "x86_64"
	case elf.EM_AARCH64:
		arch = "aarch64"
	default:
		return "", fmt.Errorf("%w: machine %v", ErrPlatform, f.Machine)
	}
	syms, err := f.ImportedSymbols()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrPlatform, err)
	}
	minor := 17
	for _, s := range syms {
		m := glibcRE.FindStringSubmatch(s.Version)
		if m == nil || m[1] != "2" {
			continue
		}
		if n, _ := strconv.Atoi(m[2]); n > minor {
			minor = n
		}
	}
	if minor == 17 {
		return "manylinux_2_17_" + arch + ".manylinux2014_" + arch, nil
	}
	return "manylinux_2_" + strconv.Itoa(minor) + "_" + arch, nil
}
