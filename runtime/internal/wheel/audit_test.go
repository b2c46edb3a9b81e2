package wheel

import (
	"debug/elf"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseGLIBC(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
	}{
		{"GLIBC_2.2.5", []int{2, 2, 5}},
		{"GLIBC_2.17", []int{2, 17}},
		{"GLIBC_2.34", []int{2, 34}},
		{"GLIBC_3.0", []int{3, 0}},
		{"GLIBC_PRIVATE", nil},
		{"GLIBC_2", nil},
		{"GLIBC_2.", nil},
		{"GCC_3.0", nil},
		{"GLIBCXX_3.4", nil},
		{"", nil},
		{"glibc_2.17", nil},
	} {
		got, ok := parseGLIBC(c.in)
		if ok != (c.want != nil) || compareVersions(got, c.want) != 0 || len(got) != len(c.want) {
			t.Errorf("parseGLIBC(%q) = %v, %v; want %v", c.in, got, ok, c.want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"GLIBC_2.2.5", "GLIBC_2.17", -1}, // 2 < 17, not "2.2.5" > "2.17" as strings
		{"GLIBC_2.3.2", "GLIBC_2.17", -1},
		{"GLIBC_2.14", "GLIBC_2.17", -1},
		{"GLIBC_2.17", "GLIBC_2.17", 0},
		{"GLIBC_2.17.0", "GLIBC_2.17", 0},
		{"GLIBC_2.18", "GLIBC_2.17", 1},
		{"GLIBC_2.28", "GLIBC_2.17", 1},
		{"GLIBC_2.34", "GLIBC_2.28", 1},
		{"GLIBC_2.17.1", "GLIBC_2.17", 1},
		{"GLIBC_3.0", "GLIBC_2.99", 1},
		{"GLIBC_2.9", "GLIBC_2.10", -1},
	} {
		a, _ := parseGLIBC(c.a)
		b, _ := parseGLIBC(c.b)
		if got := compareVersions(a, b); got != c.want {
			t.Errorf("compareVersions(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := compareVersions(b, a); got != -c.want {
			t.Errorf("compareVersions(%s, %s) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

func TestParsePlatform(t *testing.T) {
	for _, c := range []struct {
		in    string
		glibc []int
		arch  string
	}{
		{"manylinux_2_17_x86_64.manylinux2014_x86_64", []int{2, 17}, "x86_64"},
		{"manylinux2014_x86_64", []int{2, 17}, "x86_64"},
		{"manylinux_2_28_x86_64", []int{2, 28}, "x86_64"},
		{"manylinux_2_34_aarch64", []int{2, 34}, "aarch64"},
		{"manylinux_2_17_aarch64.manylinux2014_aarch64", []int{2, 17}, "aarch64"},
		{"manylinux2014_aarch64", []int{2, 17}, "aarch64"},
		{"manylinux_2_17_aarch64.manylinux_2_28_aarch64", nil, ""}, // disagree
		{"manylinux_2_17_arm64", nil, ""},                          // Apple's name, not manylinux's
		{"manylinux2010_x86_64", []int{2, 12}, "x86_64"},
		{"manylinux1_x86_64", []int{2, 5}, "x86_64"},
		{"manylinux_2_17_x86_64.manylinux2014_aarch64", nil, ""}, // disagree
		{"manylinux_2_28_x86_64.manylinux2014_x86_64", nil, ""},  // disagree
		{"linux_x86_64", nil, ""},
		{"musllinux_1_2_x86_64", nil, ""},
		{"manylinux_2_17_i686", nil, ""},
		{"", nil, ""},
	} {
		glibc, arch, err := ParsePlatform(c.in)
		if c.glibc == nil {
			if !errors.Is(err, ErrPlatform) {
				t.Errorf("ParsePlatform(%q) = %v, %q, %v; want ErrPlatform", c.in, glibc, arch, err)
			}
			continue
		}
		if err != nil || compareVersions(glibc, c.glibc) != 0 || arch != c.arch {
			t.Errorf("ParsePlatform(%q) = %v, %q, %v; want %v, %q", c.in, glibc, arch, err, c.glibc, c.arch)
		}
	}
}

func TestProblems(t *testing.T) {
	sym := func(name, version, lib string) elf.ImportedSymbol {
		return elf.ImportedSymbol{Name: name, Version: version, Library: lib}
	}
	ok := []elf.ImportedSymbol{
		sym("malloc", "GLIBC_2.2.5", "libc.so.6"),
		sym("pthread_cond_wait", "GLIBC_2.3.2", "libc.so.6"),
		sym("memcpy", "GLIBC_2.14", "libc.so.6"),
		sym("PyLong_FromLong", "", ""), // the interpreter's, unversioned
	}
	a64 := []elf.ImportedSymbol{
		sym("malloc", "GLIBC_2.17", "libc.so.6"),
		sym("pthread_create", "GLIBC_2.17", "libc.so.6"),
		sym("__fxstat64", "GLIBC_2.17", "libc.so.6"),
		sym("PyLong_FromLong", "", ""),
	}
	for _, c := range []struct {
		name    string
		machine elf.Machine
		needed  []string
		syms    []elf.ImportedSymbol
		tag     string
		want    []string // substrings, one per problem
	}{
		{"fits 2.17", elf.EM_X86_64, []string{"libpthread.so.0", "libc.so.6"}, ok,
			"manylinux_2_17_x86_64.manylinux2014_x86_64", nil},
		{"2.34 symbol", elf.EM_X86_64, []string{"libc.so.6"},
			append(ok, sym("pthread_create", "GLIBC_2.34", "libc.so.6"), sym("pthread_key_create", "GLIBC_2.34", "libc.so.6")),
			"manylinux_2_17_x86_64", []string{"pthread_create@GLIBC_2.34: newer than glibc 2.17", "pthread_key_create@GLIBC_2.34"}},
		{"2.34 symbol, 2.34 tag", elf.EM_X86_64, []string{"libc.so.6"},
			append(ok, sym("pthread_create", "GLIBC_2.34", "libc.so.6")), "manylinux_2_34_x86_64", nil},
		{"2.18 against 2.17", elf.EM_X86_64, nil, []elf.ImportedSymbol{sym("f", "GLIBC_2.18", "libc.so.6")},
			"manylinux2014_x86_64", []string{"f@GLIBC_2.18"}},
		{"private", elf.EM_X86_64, nil, []elf.ImportedSymbol{sym("_dl_x", "GLIBC_PRIVATE", "ld-linux-x86-64.so.2")},
			"manylinux_2_34_x86_64", []string{"GLIBC_PRIVATE"}},
		{"other family", elf.EM_X86_64, []string{"libgcc_s.so.1"}, []elf.ImportedSymbol{sym("_Unwind_Resume", "GCC_3.0", "libgcc_s.so.1")},
			"manylinux_2_17_x86_64", []string{"GCC_3.0"}},
		{"library", elf.EM_X86_64, []string{"libc.so.6", "libssl.so.3", "libpython3.11.so.1.0"}, ok,
			"manylinux_2_17_x86_64", []string{"libssl.so.3", "libpython3.11.so.1.0"}},
		{"machine", elf.EM_AARCH64, nil, nil, "manylinux_2_17_x86_64", []string{"machine"}},
		// aarch64: glibc starts at 2.17 there, so the pinned symbols are
		// all GLIBC_2.17 (the cross-built .so's, from runtime/build.sh).
		{"aarch64 fits 2.17", elf.EM_AARCH64, []string{"libpthread.so.0", "libc.so.6", "ld-linux-aarch64.so.1"}, a64,
			"manylinux_2_17_aarch64.manylinux2014_aarch64", nil},
		{"aarch64 unpinned", elf.EM_AARCH64, []string{"libc.so.6"},
			append(a64, sym("pthread_create", "GLIBC_2.34", "libc.so.6"), sym("fcntl64", "GLIBC_2.28", "libc.so.6")),
			"manylinux2014_aarch64", []string{"pthread_create@GLIBC_2.34: newer than glibc 2.17", "fcntl64@GLIBC_2.28"}},
		{"aarch64 unpinned, 2.34 tag", elf.EM_AARCH64, []string{"libc.so.6"},
			append(a64, sym("pthread_create", "GLIBC_2.34", "libc.so.6")), "manylinux_2_34_aarch64", nil},
		{"x86_64 .so, aarch64 tag", elf.EM_X86_64, []string{"libc.so.6"}, ok, "manylinux2014_aarch64", []string{"machine"}},
		{"aarch64 library", elf.EM_AARCH64, []string{"libc.so.6", "libatomic.so.1"}, a64,
			"manylinux_2_17_aarch64", []string{"libatomic.so.1"}},
	} {
		q := &Requirements{Machine: c.machine, Needed: c.needed, Symbols: c.syms}
		got, err := q.Problems(c.tag)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: problems %q, want %d like %q", c.name, got, len(c.want), c.want)
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: problem %q, want it to say %q", c.name, got[i], w)
			}
		}
	}
	if _, err := (&Requirements{}).Problems("linux_x86_64"); !errors.Is(err, ErrPlatform) {
		t.Errorf("non-manylinux tag: %v", err)
	}
}

func TestAudit(t *testing.T) {
	dir := t.TempDir()
	notELF := dir + "/x.so"
	os.WriteFile(notELF, []byte("not really ELF"), 0o755)
	if err := Audit(notELF, "manylinux_2_17_x86_64"); !errors.Is(err, ErrPlatform) {
		t.Errorf("Audit(non-ELF) = %v, want ErrPlatform", err)
	}
	// The test binary is an ELF of this machine: whatever it needs, its
	// own MaxGLIBC as the tag is met unless a library is outside the list.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	q, err := ReadRequirements(f)
	if err != nil {
		t.Skipf("test binary is not ELF: %v", err)
	}
	arch := map[elf.Machine]string{elf.EM_X86_64: "x86_64", elf.EM_AARCH64: "aarch64"}[q.Machine]
	if arch == "" {
		t.Skipf("machine %v", q.Machine)
	}
	tag := "manylinux_2_17_" + arch
	if m := q.MaxGLIBC(); m != "" {
		v, _ := parseGLIBC(m)
		if compareVersions(v, []int{2, 17}) > 0 {
			tag = "manylinux_2_" + strings.Split(m, ".")[1] + "_" + arch
		}
	}
	if err := Audit(exe, tag); err != nil {
		t.Errorf("Audit(test binary, %s): %v", tag, err)
	}
}
