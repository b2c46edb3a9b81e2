package wheel

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bundle-wsgi/bundle/spec"
)

// DefaultGlibc is the glibc a plain "linux_ARCH" platform stands for
// (manylinux_2_28: RHEL 8, Debian 10, Ubuntu 18.10 and later).
var DefaultGlibc = [2]int{2, 28}

// Target is the interpreter and platform that pinned distributions must
// install on. It decides which wheels are compatible and the values of the
// PEP 508 marker variables.
type Target struct {
	// Python is the interpreter version: major, minor, micro. Micro is -1
	// when only X.Y is known; python_full_version and Requires-Python
	// checks then use X.Y.0.
	Python [3]int

	// Platform is the most specific platform tag the target supports, such
	// as "manylinux_2_36_x86_64", "musllinux_1_2_aarch64",
	// "macosx_14_0_arm64", "win_amd64"; "linux_x86_64" stands for
	// manylinux at DefaultGlibc. Use ParsePlatform to check one.
	Platform string

	// Env, when not nil, gives the marker values measured on a real
	// interpreter (the local one); they win over the values derived from
	// Python and Platform.
	Env spec.Environment
}

// ParsePythonVersion parses "3", "3.11" or "3.11.7" (a trailing
// pre-release such as "3.13.0rc1" is dropped). Micro is -1 when not given.
func ParsePythonVersion(s string) ([3]int, error) {
	v, err := spec.ParseVersion(s)
	if err != nil || v.Epoch != 0 || len(v.Release) > 3 || v.Local != nil || v.Post != nil {
		return [3]int{}, fmt.Errorf("%w %q: want X.Y or X.Y.Z, such as 3.11", ErrBadPythonVersion, s)
	}
	r := [3]int{v.Release[0], 0, -1}
	if len(v.Release) > 1 {
		r[1] = v.Release[1]
	}
	if len(v.Release) > 2 {
		r[2] = v.Release[2]
	}
	if r[0] != 3 {
		return [3]int{}, fmt.Errorf("%w %q: only Python 3 is supported", ErrBadPythonVersion, s)
	}
	return r, nil
}

// platform is a parsed platform tag.
type platform struct {
	os   string // "linux", "macos", "windows"
	libc string // linux: "glibc" or "musl"
	ver  [2]int // glibc or musl version, or macOS version
	arch string // "x86_64", "aarch64", "arm64", "amd64", "win32" ...
}

// ParsePlatform checks a platform tag (see Target.Platform) and returns
// a short human description such as "linux x86_64 (glibc 2.28)".
func ParsePlatform(s string) (string, error) {
	p, err := parsePlatform(s)
	if err != nil {
		return "", err
	}
	return p.describe(), nil
}

func (p platform) describe() string {
	switch p.os {
	case "linux":
		return fmt.Sprintf("linux %s (%s %d.%d)", p.arch, p.libc, p.ver[0], p.ver[1])
	case "macos":
		return fmt.Sprintf("macOS %d.%d %s", p.ver[0], p.ver[1], p.arch)
	}
	return "windows " + p.arch
}

func parsePlatform(s string) (platform, error) {
	bad := func() (platform, error) {
		return platform{}, fmt.Errorf("%w %q: want a platform tag such as linux_x86_64, manylinux_2_28_x86_64, musllinux_1_2_aarch64, macosx_14_0_arm64 or win_amd64", ErrBadPlatform, s)
	}
	t := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, "-", "_"), ".", "_"))
	num := func(a string) (int, bool) {
		n, err := strconv.Atoi(a)
		return n, err == nil && n >= 0 && n < 1000
	}
	twoNums := func(rest string) (int, int, string, bool) {
		p := strings.SplitN(rest, "_", 3)
		if len(p) != 3 || p[2] == "" {
			return 0, 0, "", false
		}
		a, ok1 := num(p[0])
		b, ok2 := num(p[1])
		return a, b, p[2], ok1 && ok2
	}
	legacy := map[string][2]int{"manylinux1_": {2, 5}, "manylinux2010_": {2, 12}, "manylinux2014_": {2, 17}}
	for pre, ver := range legacy {
		if arch, ok := strings.CutPrefix(t, pre); ok && arch != "" {
			return platform{"linux", "glibc", ver, arch}, nil
		}
	}
	switch {
	case strings.HasPrefix(t, "manylinux_"):
		a, b, arch, ok := twoNums(t[len("manylinux_"):])
		if !ok || a != 2 {
			return bad()
		}
		return platform{"linux", "glibc", [2]int{a, b}, arch}, nil
	case strings.HasPrefix(t, "musllinux_"):
		a, b, arch, ok := twoNums(t[len("musllinux_"):])
		if !ok || a != 1 {
			return bad()
		}
		return platform{"linux", "musl", [2]int{a, b}, arch}, nil
	case strings.HasPrefix(t, "linux_"):
		arch := t[len("linux_"):]
		if arch == "" || strings.Contains(arch, "_") && arch != "x86_64" {
			return bad()
		}
		return platform{"linux", "glibc", DefaultGlibc, arch}, nil
	case strings.HasPrefix(t, "macosx_"):
		a, b, arch, ok := twoNums(t[len("macosx_"):])
		if !ok || a < 10 {
			return bad()
		}
		return platform{"macos", "", [2]int{a, b}, arch}, nil
	case t == "win32" || t == "win_amd64" || t == "win_arm64":
		return platform{"windows", "", [2]int{}, strings.TrimPrefix(t, "win_")}, nil
	}
	return bad()
}

// Validate checks the target's Python version and platform.
func (t Target) Validate() error {
	if t.Python[0] != 3 {
		return fmt.Errorf("%w %d.%d: only Python 3 is supported", ErrBadPythonVersion, t.Python[0], t.Python[1])
	}
	_, err := parsePlatform(t.Platform)
	return err
}

// String describes the target for people, as the pinned file's header
// does: "CPython 3.11 on linux x86_64".
func (t Target) String() string {
	p, err := parsePlatform(t.Platform)
	where := t.Platform
	if err == nil {
		switch p.os {
		case "linux":
			where = "linux " + p.arch
			if p.libc == "musl" {
				where += " (musl)"
			}
		case "macos":
			where = "macOS " + p.arch
		default:
			where = "windows " + p.arch
		}
	}
	return fmt.Sprintf("CPython %d.%d on %s", t.Python[0], t.Python[1], where)
}

// PythonFullVersion is the release the target's Requires-Python checks
// use: "X.Y.Z", with Z 0 when unknown.
func (t Target) PythonFullVersion() spec.Version {
	micro := max(t.Python[2], 0)
	v, _ := spec.ParseVersion(fmt.Sprintf("%d.%d.%d", t.Python[0], t.Python[1], micro))
	return v
}

// Environment returns the PEP 508 marker values of the target. Values
// that Python and Platform do not determine (platform_release,
// platform_version) are "" unless t.Env gives them.
func (t Target) Environment() spec.Environment {
	p, _ := parsePlatform(t.Platform)
	full := fmt.Sprintf("%d.%d.%d", t.Python[0], t.Python[1], max(t.Python[2], 0))
	env := spec.Environment{
		"implementation_name":            "cpython",
		"implementation_version":         full,
		"platform_python_implementation": "CPython",
		"python_version":                 fmt.Sprintf("%d.%d", t.Python[0], t.Python[1]),
		"python_full_version":            full,
		"platform_release":               "",
		"platform_version":               "",
	}
	machine := p.arch
	switch p.os {
	case "linux":
		env["os_name"], env["sys_platform"], env["platform_system"] = "posix", "linux", "Linux"
	case "macos":
		env["os_name"], env["sys_platform"], env["platform_system"] = "posix", "darwin", "Darwin"
		if machine == "universal2" || machine == "intel" {
			machine = "x86_64"
		}
	default:
		env["os_name"], env["sys_platform"], env["platform_system"] = "nt", "win32", "Windows"
		machine = map[string]string{"amd64": "AMD64", "arm64": "ARM64", "win32": "x86"}[machine]
	}
	env["platform_machine"] = machine
	for k, v := range t.Env {
		env[k] = v
	}
	return env
}

// Tags returns the tags the target supports, most preferred first, as
// packaging.tags.sys_tags does for CPython: cpXY with its own ABI, abi3
// and none on each platform, abi3 of older CPythons, then pyXY/py3 with
// ABI none on each platform, then pyX*-none-any. (Like pip, which calls
// compatible_tags without an interpreter, it does not list cpXY-none-any.)
func (t Target) Tags() []Tag {
	p, err := parsePlatform(t.Platform)
	if err != nil {
		return nil
	}
	plats := p.tags()
	minor := t.Python[1]
	cp := fmt.Sprintf("cp3%d", minor)
	var tags []Tag
	for _, pl := range plats {
		tags = append(tags, Tag{cp, cp, pl})
	}
	for _, pl := range plats {
		tags = append(tags, Tag{cp, "abi3", pl})
	}
	for _, pl := range plats {
		tags = append(tags, Tag{cp, "none", pl})
	}
	for m := minor - 1; m >= 2; m-- {
		for _, pl := range plats {
			tags = append(tags, Tag{fmt.Sprintf("cp3%d", m), "abi3", pl})
		}
	}
	py := []string{fmt.Sprintf("py3%d", minor), "py3"}
	for m := minor - 1; m >= 0; m-- {
		py = append(py, fmt.Sprintf("py3%d", m))
	}
	for _, v := range py {
		for _, pl := range plats {
			tags = append(tags, Tag{v, "none", pl})
		}
	}
	for _, v := range py {
		tags = append(tags, Tag{v, "none", "any"})
	}
	return tags
}

// Matcher answers, for a target, whether a wheel is compatible and how
// much it is preferred. Build one with Target.Matcher.
type Matcher struct {
	rank map[Tag]int
}

// Matcher returns a Matcher for the target's Tags.
func (t Target) Matcher() *Matcher {
	tags := t.Tags()
	m := &Matcher{rank: make(map[Tag]int, len(tags))}
	for i, tg := range tags {
		if _, ok := m.rank[tg]; !ok {
			m.rank[tg] = i
		}
	}
	return m
}

// Rank returns the position of the wheel's best tag in the target's
// list (lower is better) and whether any of its tags is supported.
func (m *Matcher) Rank(f *Filename) (int, bool) {
	best, ok := 0, false
	for _, tg := range f.Tags {
		if r, found := m.rank[tg]; found && (!ok || r < best) {
			best, ok = r, true
		}
	}
	return best, ok
}

// tags lists the platform tags of p, most specific first.
func (p platform) tags() []string {
	switch p.os {
	case "linux":
		var out []string
		if p.libc == "musl" {
			for m := p.ver[1]; m >= 0; m-- {
				out = append(out, fmt.Sprintf("musllinux_1_%d_%s", m, p.arch))
			}
			return append(out, "linux_"+p.arch)
		}
		low := 17
		if p.arch == "x86_64" || p.arch == "i686" {
			low = 5
		}
		legacy := map[int]string{17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
		legacyArch := map[string]bool{"x86_64": true, "i686": true}
		for m := p.ver[1]; m >= low; m-- {
			out = append(out, fmt.Sprintf("manylinux_2_%d_%s", m, p.arch))
			if name, ok := legacy[m]; ok {
				if legacyArch[p.arch] || m == 17 && map[string]bool{"aarch64": true, "armv7l": true, "ppc64": true, "ppc64le": true, "s390x": true}[p.arch] {
					out = append(out, name+"_"+p.arch)
				}
			}
		}
		return append(out, "linux_"+p.arch)
	case "macos":
		return macPlatforms(p.ver, p.arch)
	}
	if p.arch == "win32" {
		return []string{"win32"}
	}
	return []string{"win_" + p.arch}
}

// macPlatforms follows packaging.tags.mac_platforms: every macOS version
// from the target's down to 10.0 (11+ by major only), each with the binary
// formats that can run the architecture (x86_64 from 10.4 up).
func macPlatforms(ver [2]int, arch string) []string {
	formats := func(major, minor int) []string {
		switch arch {
		case "arm64":
			return []string{"arm64", "universal2"}
		case "x86_64":
			if major == 10 && minor < 4 {
				return nil
			}
			return []string{"x86_64", "intel", "fat64", "fat32", "universal2", "universal"}
		}
		return []string{arch}
	}
	var out []string
	add := func(major, minor int) {
		for _, f := range formats(major, minor) {
			out = append(out, fmt.Sprintf("macosx_%d_%d_%s", major, minor, f))
		}
	}
	if ver[0] >= 11 {
		for major := ver[0]; major >= 11; major-- {
			add(major, 0)
		}
		if arch == "x86_64" {
			for minor := 16; minor >= 4; minor-- {
				add(10, minor)
			}
		} else if arch == "arm64" {
			for minor := 16; minor >= 4; minor-- {
				out = append(out, fmt.Sprintf("macosx_10_%d_universal2", minor))
			}
		}
		return out
	}
	for minor := ver[1]; minor >= 0; minor-- {
		add(10, minor)
	}
	return out
}
