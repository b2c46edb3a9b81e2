package wheel

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "pkg")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(pkg, "__init__.py"), []byte("__version__ = \"1.2.3\"\n"), 0o644)
	os.WriteFile(filepath.Join(pkg, "__main__.py"), []byte("print(1)\n"), 0o644)
	so := filepath.Join(dir, "x.so")
	os.WriteFile(so, []byte("not really ELF"), 0o755)

	if _, err := Build(Spec{Extension: so, PackageDir: pkg}, dir); err == nil {
		t.Error("non-ELF extension without a platform: want an error")
	}
	out, err := Build(Spec{Extension: so, PackageDir: pkg, Platform: "manylinux_2_17_x86_64.manylinux2014_x86_64"}, filepath.Join(dir, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(out) != "bundle_runtime-1.2.3-cp310-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" {
		t.Errorf("name %s", filepath.Base(out))
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	var order []string
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = b
		order = append(order, f.Name)
	}
	di := "bundle_runtime-1.2.3.dist-info/"
	if order[len(order)-1] != di+"RECORD" {
		t.Errorf("RECORD is not last: %v", order)
	}
	if !strings.Contains(string(files[di+"METADATA"]), "Requires-Python: >=3.10\n") {
		t.Errorf("METADATA:\n%s", files[di+"METADATA"])
	}
	if w := string(files[di+"WHEEL"]); !strings.Contains(w, "Tag: cp310-abi3-manylinux_2_17_x86_64\n") ||
		!strings.Contains(w, "Tag: cp310-abi3-manylinux2014_x86_64\n") || !strings.Contains(w, "Root-Is-Purelib: false") {
		t.Errorf("WHEEL:\n%s", w)
	}
	// Every file but RECORD is listed with its hash and size.
	lines := strings.Split(strings.TrimSpace(string(files[di+"RECORD"])), "\n")
	if len(lines) != len(files) {
		t.Errorf("RECORD has %d lines for %d files", len(lines), len(files))
	}
	for _, l := range lines {
		parts := strings.Split(l, ",")
		if parts[0] == di+"RECORD" {
			if parts[1] != "" || parts[2] != "" {
				t.Errorf("RECORD line %q", l)
			}
			continue
		}
		b := files[parts[0]]
		sum := sha256.Sum256(b)
		if parts[1] != "sha256="+base64.RawURLEncoding.EncodeToString(sum[:]) || parts[2] != strconv.Itoa(len(b)) {
			t.Errorf("RECORD line %q does not match the file", l)
		}
	}
	if _, ok := files["bundle_runtime/_bundle_runtime.abi3.so"]; !ok {
		t.Error("extension missing")
	}
}

func TestPlatformTag(t *testing.T) {
	// The test binary is an ELF of this machine; a static Go binary
	// imports no glibc symbols, so the floor tag comes out.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tag, err := PlatformTag(exe)
	if err != nil {
		t.Skipf("test binary is not ELF: %v", err)
	}
	if !strings.HasPrefix(tag, "manylinux_2_") {
		t.Errorf("tag %q", tag)
	}
}
