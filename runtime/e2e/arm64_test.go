package e2e

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/bundle-wsgi/bundle/runtime/internal/wheel"
)

// TestWheelManylinuxArm64 builds the linux/aarch64 wheel the way
// `make build-arm64` does (GOARCH=arm64 runtime/build.sh, cross-compiled
// with aarch64-linux-gnu-gcc unless the host is arm64) and checks the
// extension in it as TestWheelManylinux checks the x86_64 one: the tag is
// the oldest, manylinux_2_17_aarch64 (manylinux2014), the .so is an
// AArch64 ELF, and wheel.Audit passes it against that tag (glibc symbol
// versions at most GLIBC_2.17, aarch64's base, libraries on the allow
// list). It also checks that the build replaced a stale aarch64 wheel of
// the same version and left the x86_64 one alone. Running it on aarch64
// is runtime/arm64run.sh's job (by hand: qemu and a Debian arm64 root).
// Skipped only when the cross compiler is missing (.ci/run installs it).
func TestWheelManylinuxArm64(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the manylinux wheels are built on Linux")
	}
	if runtime.GOARCH != "arm64" {
		if _, err := exec.LookPath("aarch64-linux-gnu-gcc"); err != nil {
			t.Skip("no aarch64-linux-gnu-gcc (Debian: apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)")
		}
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	init, err := os.ReadFile(filepath.Join(root, "runtime", "python", "bundle_runtime", "__init__.py"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^__version__\s*=\s*["']([^"']+)["']`).FindSubmatch(init)
	if m == nil {
		t.Fatal("no __version__ in bundle_runtime/__init__.py")
	}
	ver := string(m[1])
	const tag = "manylinux_2_17_aarch64.manylinux2014_aarch64"
	out := t.TempDir()
	// What build.sh must keep (another architecture, another version)
	// and what it must replace (this version and architecture, another
	// tag).
	keep := []string{"bundle_runtime-" + ver + "-cp310-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"bundle_runtime-0.0.0-cp310-abi3-linux_aarch64.whl"}
	stale := "bundle_runtime-" + ver + "-cp310-abi3-linux_aarch64.whl"
	for _, n := range append(keep, stale) {
		if err := os.WriteFile(filepath.Join(out, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	cmd := exec.Command("sh", filepath.Join(root, "runtime", "build.sh"), out)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GO="+gobin, "GOFLAGS=", "GOOS=linux", "GOARCH=arm64")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("GOARCH=arm64 runtime/build.sh: %v\n%s%s", err, b, stderr.String())
	}
	whl := strings.TrimSpace(string(b))
	if want := filepath.Join(out, "bundle_runtime-"+ver+"-cp310-abi3-"+tag+".whl"); whl != want {
		t.Fatalf("wheel %s, want %s", whl, want)
	}
	for _, n := range keep {
		if _, err := os.Stat(filepath.Join(out, n)); err != nil {
			t.Errorf("build.sh removed a wheel for another architecture or version: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, stale)); err == nil {
		t.Errorf("build.sh left the stale %s", stale)
	}

	so, err := extractSO(whl, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(so)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 || f.Class != elf.ELFCLASS64 || f.Type != elf.ET_DYN {
		t.Errorf("extension: %v %v %v, want EM_AARCH64 ELFCLASS64 ET_DYN", f.Machine, f.Class, f.Type)
	}
	if err := wheel.Audit(so, tag); err != nil {
		t.Error(err)
	}
	r, err := os.Open(so)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	q, err := wheel.ReadRequirements(r)
	if err != nil {
		t.Fatal(err)
	}
	// glibc before 2.34 has the pthread functions in libpthread.so.0 only.
	if !slices.Contains(q.Needed, "libpthread.so.0") || !slices.Contains(q.Needed, "libc.so.6") {
		t.Errorf("NEEDED %q: want libpthread.so.0 and libc.so.6", q.Needed)
	}
	// aarch64's glibc starts at 2.17: every pinned symbol is there.
	if m := q.MaxGLIBC(); m != "GLIBC_2.17" {
		t.Errorf("newest glibc symbol version %q, want GLIBC_2.17", m)
	}
	var exports []string
	if syms, err := f.DynamicSymbols(); err == nil {
		for _, s := range syms {
			if s.Section != elf.SHN_UNDEF && strings.HasPrefix(s.Name, "PyInit_") {
				exports = append(exports, s.Name)
			}
		}
	}
	if !slices.Equal(exports, []string{"PyInit__bundle_runtime"}) {
		t.Errorf("PyInit_ exports %q, want PyInit__bundle_runtime", exports)
	}
	t.Logf("%s: NEEDED %q, newest glibc symbol version %s", filepath.Base(whl), q.Needed, q.MaxGLIBC())
}
