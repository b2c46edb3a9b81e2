package e2e

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bundle-wsgi/bundle/runtime/internal/wheel"
)

// extractSO writes the extension in the wheel whl into dir and returns its
// path.
func extractSO(whl, dir string) (string, error) {
	b, err := soFromWheel(whl)
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "_bundle_runtime.abi3.so")
	return p, os.WriteFile(p, b, 0o755)
}

func soFromWheel(whl string) ([]byte, error) {
	z, err := zip.OpenReader(whl)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name == wheel.Name+"/_bundle_runtime.abi3.so" {
			r, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer r.Close()
			return io.ReadAll(r)
		}
	}
	return nil, fmt.Errorf("%s: no extension in the wheel", whl)
}

// TestWheelManylinux checks the wheel's platform tag against the extension
// in it, the way a manylinux auditor does: every glibc symbol version the
// .so imports is at most the tag's glibc, and every library it needs is on
// the manylinux allow-list. On linux/amd64 the tag must be the oldest one,
// manylinux_2_17 (manylinux2014), so that a build that drifts newer fails
// here and not on a user's RHEL 8.
func TestWheelManylinux(t *testing.T) {
	e := setup(t)
	name := strings.TrimSuffix(filepath.Base(e.whl), ".whl")
	parts := strings.Split(name, "-")
	if len(parts) != 5 {
		t.Fatalf("wheel name %q", name)
	}
	tag := parts[4]
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" && tag != "manylinux_2_17_x86_64.manylinux2014_x86_64" {
		t.Errorf("platform tag %q, want manylinux_2_17_x86_64.manylinux2014_x86_64", tag)
	}
	b, err := soFromWheel(e.whl)
	if err != nil {
		t.Fatal(err)
	}
	q, err := wheel.ReadRequirements(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	problems, err := q.Problems(tag)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", tag, p)
	}
	// glibc before 2.34 has the pthread functions in libpthread.so.0 only.
	if !slices.Contains(q.Needed, "libpthread.so.0") {
		t.Errorf("NEEDED %q: no libpthread.so.0", q.Needed)
	}
	versions := map[string]bool{}
	for _, s := range q.Symbols {
		if s.Version != "" {
			versions[s.Library+" "+s.Version] = true
		}
	}
	var vs []string
	for v := range versions {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	t.Logf("%s: NEEDED %q, newest glibc symbol version %s, versions %q", tag, q.Needed, q.MaxGLIBC(), vs)
}
