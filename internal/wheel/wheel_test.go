package wheel

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files (tags: run python3 with pip's packaging)")

func TestParseFilename(t *testing.T) {
	tests := []struct {
		in      string
		name    string
		version string
		build   string
		tags    string
		err     bool
	}{
		{in: "flask-3.1.3-py3-none-any.whl", name: "flask", version: "3.1.3", tags: "py3-none-any"},
		{in: "Flask_Cors-6.0.2-py3-none-any.whl", name: "flask-cors", version: "6.0.2", tags: "py3-none-any"},
		{in: "six-1.17.0-py2.py3-none-any.whl", name: "six", version: "1.17.0", tags: "py2-none-any py3-none-any"},
		{in: "python_dateutil-2.9.0.post0-py2.py3-none-any.whl", name: "python-dateutil", version: "2.9.0.post0", tags: "py2-none-any py3-none-any"},
		{in: "pyyaml-6.0.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", name: "pyyaml", version: "6.0.3",
			tags: "cp311-cp311-manylinux_2_17_x86_64 cp311-cp311-manylinux2014_x86_64"},
		{in: "foo-1.0-1abc-py3-none-any.whl", name: "foo", version: "1.0", build: "1abc", tags: "py3-none-any"},
		{in: "foo-1.0-PY3-None-ANY.whl", name: "foo", version: "1.0", tags: "py3-none-any"},
		{in: "zope.interface-5.0-cp39-cp39-win_amd64.whl", name: "zope-interface", version: "5.0", tags: "cp39-cp39-win_amd64"},
		{in: "foo-1.0-abc-py3-none-any.whl", err: true}, // build tag must start with a digit
		{in: "foo-1.0-py3-none.whl", err: true},
		{in: "foo-1.0-py3-none-any.zip", err: true},
		{in: "foo__bar-1.0-py3-none-any.whl", err: true},
		{in: "foo-x.y-py3-none-any.whl", err: true},
		{in: "foo-1.0-1-2-py3-none-any.whl", err: true},
		{in: "-1.0-py3-none-any.whl", err: true},
		{in: "foo-1.0--none-any.whl", err: true},
	}
	for _, tt := range tests {
		f, err := ParseFilename(tt.in)
		if tt.err {
			if err == nil || !errors.Is(err, ErrBadFilename) {
				t.Errorf("%s: err = %v, want ErrBadFilename", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		var tags []string
		for _, tg := range f.Tags {
			tags = append(tags, tg.String())
		}
		if f.Name != tt.name || f.Version.String() != tt.version || f.Build != tt.build || strings.Join(tags, " ") != tt.tags {
			t.Errorf("%s: got %s %s %q %v", tt.in, f.Name, f.Version, f.Build, tags)
		}
	}
}

func TestParseSdistFilename(t *testing.T) {
	tests := []struct{ in, name, version string }{
		{"flask-3.1.3.tar.gz", "flask", "3.1.3"},
		{"zope.interface-5.4.0.zip", "zope-interface", "5.4.0"},
		{"my-pkg-name-1.0rc1.tar.gz", "my-pkg-name", "1.0rc1"},
		{"nover.tar.gz", "", ""},
		{"foo-1.0.whl", "", ""},
	}
	for _, tt := range tests {
		s, err := ParseSdistFilename(tt.in)
		if tt.name == "" {
			if err == nil {
				t.Errorf("%s: want error, got %+v", tt.in, s)
			}
			continue
		}
		if err != nil || s.Name != tt.name || s.Version.String() != tt.version {
			t.Errorf("%s: got %+v, %v", tt.in, s, err)
		}
	}
}

// TestTags compares the tag lists with packaging.tags (pip 23.2's
// vendored packaging 21.3), recorded in testdata/tags_PY_PLATFORM.golden.
func TestTags(t *testing.T) {
	files, _ := filepath.Glob("testdata/tags_*.golden")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		base := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "tags_"), ".golden")
		py, plat, _ := strings.Cut(base, "_")
		pv, err := ParsePythonVersion(py)
		if err != nil {
			t.Fatal(err)
		}
		tgt := Target{Python: pv, Platform: plat}
		if err := tgt.Validate(); err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		for _, tg := range tgt.Tags() {
			got.WriteString(tg.String() + "\n")
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want) {
			t.Errorf("%s: tags differ from packaging's:\n%s", base, firstDiff(got.String(), string(want)))
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ": got " + al[i] + ", want " + bl[i]
		}
	}
	return "lengths " + strconv.Itoa(len(al)) + " and " + strconv.Itoa(len(bl))
}

func TestMatcher(t *testing.T) {
	tgt := Target{Python: [3]int{3, 11, 7}, Platform: "manylinux_2_28_x86_64"}
	m := tgt.Matcher()
	tests := []struct {
		file string
		ok   bool
	}{
		{"a-1-py3-none-any.whl", true},
		{"a-1-py2.py3-none-any.whl", true},
		{"a-1-py2-none-any.whl", false},
		{"a-1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", true},
		{"a-1-cp311-cp311-manylinux_2_31_x86_64.whl", false},
		{"a-1-cp311-cp311-musllinux_1_1_x86_64.whl", false},
		{"a-1-cp312-cp312-manylinux_2_17_x86_64.whl", false},
		{"a-1-cp38-abi3-manylinux_2_17_x86_64.whl", true},
		{"a-1-cp311-cp311-linux_x86_64.whl", true},
		{"a-1-cp311-cp311-manylinux_2_17_aarch64.whl", false},
		{"a-1-cp311-none-any.whl", false},
		{"a-1-py311-none-any.whl", true},
		{"a-1-cp311-cp311-win_amd64.whl", false},
	}
	for _, tt := range tests {
		f, err := ParseFilename(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m.Rank(f); ok != tt.ok {
			t.Errorf("%s: compatible = %v, want %v", tt.file, ok, tt.ok)
		}
	}
	a, _ := ParseFilename("a-1-cp311-cp311-manylinux_2_17_x86_64.whl")
	b, _ := ParseFilename("a-1-py3-none-any.whl")
	ra, _ := m.Rank(a)
	rb, _ := m.Rank(b)
	if ra >= rb {
		t.Errorf("binary wheel rank %d should beat pure wheel rank %d", ra, rb)
	}
}

func TestPlatformAndPython(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"linux_x86_64", "linux x86_64 (glibc 2.28)"},
		{"manylinux2014_aarch64", "linux aarch64 (glibc 2.17)"},
		{"manylinux_2_31_x86_64", "linux x86_64 (glibc 2.31)"},
		{"musllinux_1_2_x86_64", "linux x86_64 (musl 1.2)"},
		{"macosx_11_0_arm64", "macOS 11.0 arm64"},
		{"win_amd64", "windows amd64"},
		{"solaris", ""},
		{"manylinux_3_1_x86_64", ""},
		{"linux_", ""},
	} {
		got, err := ParsePlatform(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrBadPlatform) {
				t.Errorf("%s: err = %v, want ErrBadPlatform", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want [3]int
		ok   bool
	}{
		{"3.11", [3]int{3, 11, -1}, true},
		{"3.11.7", [3]int{3, 11, 7}, true},
		{"3.13.0rc1", [3]int{3, 13, 0}, true},
		{"2.7", [3]int{}, false},
		{"3.11.7.1", [3]int{}, false},
		{"x", [3]int{}, false},
	} {
		got, err := ParsePythonVersion(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: got %v, %v", tt.in, got, err)
		}
	}
	env := Target{Python: [3]int{3, 11, -1}, Platform: "linux_x86_64"}.Environment()
	want := map[string]string{"python_version": "3.11", "python_full_version": "3.11.0", "sys_platform": "linux",
		"platform_machine": "x86_64", "os_name": "posix", "platform_system": "Linux", "implementation_name": "cpython"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("env[%s] = %q, want %q", k, env[k], v)
		}
	}
	if s := (Target{Python: [3]int{3, 11, 7}, Platform: "manylinux_2_36_x86_64"}).String(); s != "CPython 3.11 on linux x86_64" {
		t.Errorf("String = %q", s)
	}
}

const flaskMetadata = "Metadata-Version: 2.1\r\nName: Flask\r\nVersion: 3.1.3\r\nSummary: A simple framework\r\n" +
	"Requires-Python: >=3.9\r\nRequires-Dist: Werkzeug>=3.1\r\nRequires-Dist: blinker>=1.9\r\n" +
	"Requires-Dist: importlib-metadata>=3.6; python_version < \"3.10\"\r\nProvides-Extra: async\r\n" +
	"Requires-Dist: asgiref>=3.2; extra == \"async\"\r\nDescription: line one\r\n        line two\r\n\r\n" +
	"Requires-Dist: not-a-header\r\n"

func TestParseMetadata(t *testing.T) {
	m, err := ParseMetadata([]byte(flaskMetadata))
	if err != nil {
		t.Fatal(err)
	}
	var reqs []string
	for _, r := range m.RequiresDist {
		reqs = append(reqs, r.String())
	}
	want := []string{"Werkzeug>=3.1", "blinker>=1.9", `importlib-metadata>=3.6; python_version < "3.10"`, `asgiref>=3.2; extra == "async"`}
	if m.Name != "Flask" || m.Version.String() != "3.1.3" || m.RequiresPython != ">=3.9" || !reflect.DeepEqual(reqs, want) ||
		!reflect.DeepEqual(m.ProvidesExtra, []string{"async"}) || m.MetadataVersion != "2.1" {
		t.Errorf("got %+v %q", m, reqs)
	}
	if !m.HasExtra("async") || m.HasExtra("dotenv") {
		t.Error("HasExtra")
	}
	for _, bad := range []string{
		"Name: x\n",      // no version
		"Version: 1.0\n", // no name
		"Name: x\nVersion: 1\nRequires-Dist: =bad\n",
		"Name: x\nVersion: 1\nRequires-Python: >=3.x\n",
		"Name: -x\nVersion: 1\n",
	} {
		if _, err := ParseMetadata([]byte(bad)); !errors.Is(err, ErrBadMetadata) {
			t.Errorf("%q: err = %v, want ErrBadMetadata", bad, err)
		}
	}
}

func TestBuildAndReadMetadata(t *testing.T) {
	name, data, err := Build("My.Pkg", "1.0rc1", BuildOptions{RequiresDist: []string{"dep>=1"}, RequiresPython: ">=3.8", ProvidesExtra: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if name != "my_pkg-1.0rc1-py3-none-any.whl" {
		t.Errorf("filename %s", name)
	}
	f, err := ParseFilename(name)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ReadMetadata(bytes.NewReader(data), int64(len(data)), f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMetadata(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "My.Pkg" || len(m.RequiresDist) != 1 || m.RequiresPython != ">=3.8" {
		t.Errorf("got %+v", m)
	}
	_, data2, _ := Build("My.Pkg", "1.0rc1", BuildOptions{RequiresDist: []string{"dep>=1"}, RequiresPython: ">=3.8", ProvidesExtra: []string{"x"}})
	if !bytes.Equal(data, data2) {
		t.Error("Build is not deterministic")
	}
}

// TestWheelhouseMetadata reads every real wheel of ../shared/wheelhouse.
func TestWheelhouseMetadata(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "wheelhouse")
	files, err := filepath.Glob(filepath.Join(dir, "*.whl"))
	if err != nil || len(files) < 27 {
		t.Fatalf("the shared wheelhouse %s is missing or incomplete (%d wheels, %v)", dir, len(files), err)
	}
	for _, p := range files {
		f, err := ParseFilename(filepath.Base(p))
		if err != nil {
			t.Error(err)
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := ReadMetadata(bytes.NewReader(data), int64(len(data)), f)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		m, err := ParseMetadata(raw)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if got := m.Name; !strings.EqualFold(strings.ReplaceAll(strings.ReplaceAll(got, "_", "-"), ".", "-"), f.Name) {
			t.Errorf("%s: metadata name %q", p, got)
		}
		if !m.Version.Equal(f.Version) {
			t.Errorf("%s: metadata version %s", p, m.Version)
		}
	}
}
