package bundle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bundle-wsgi/bundle/internal/resolve"
	"github.com/bundle-wsgi/bundle/spec"
)

var updatePin = flag.Bool("update", false, "rewrite golden files in testdata/")

// pinWheelhouse is the shared directory of real wheels; the tests fail when
// it is missing.
func pinWheelhouse(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "wheelhouse"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "SHA256SUMS")); err != nil {
		t.Fatalf("the shared wheelhouse is missing (%v): it must be at ../shared beside the repository", err)
	}
	return dir
}

// newPinBundle writes a minimal bundle with the given dependencies.in.
func newPinBundle(t *testing.T, in string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		FileBundleTOML:    "spec = \"1\"\n\n[app]\nname = \"app\"\nversion = \"1.0.0\"\n",
		FileDirectDeps:    in,
		FileExternal:      "",
		"bin/wsgiapp":     "#!/usr/bin/env python3\n",
		"app/__init__.py": "",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pinOpts are options for a deterministic target and no user cache.
func pinOpts(t *testing.T, dir string) PinOptions {
	return PinOptions{
		Dir: dir, PythonVersion: "3.11", Platform: "manylinux_2_28_x86_64",
		FindLinks: []string{pinWheelhouse(t)}, NoIndex: true,
		CacheDir: t.TempDir(), Getenv: func(string) string { return "" },
		Command: "bundle pin",
	}
}

func pinGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *updatePin {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test ./bundle -run Pin -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./bundle -run Pin -update rewrites it):\n--- got:\n%s--- want:\n%s", file, got, want)
	}
}

// pipReport runs pip's resolver on the same input, for the same target,
// and returns name==version of what it would install, sorted.
func pipReport(t *testing.T, dir, wh string) []string {
	t.Helper()
	tmp := t.TempDir()
	report := filepath.Join(tmp, "report.json")
	// pip 23.2 accepts --python-version and --platform only with --target.
	cmd := exec.Command("python3", "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", report,
		"--target", filepath.Join(tmp, "target"),
		"--no-index", "--find-links", wh, "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
		"--only-binary=:all:", "-r", filepath.Join(dir, FileDirectDeps))
	cmd.Env = append(os.Environ(), "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pip: %v\n%s", err, out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Install []struct {
			Metadata struct{ Name, Version string } `json:"metadata"`
		} `json:"install"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, i := range rep.Install {
		out = append(out, spec.NormalizeName(i.Metadata.Name)+"=="+i.Metadata.Version)
	}
	sort.Strings(out)
	return out
}

func pinned(res *PinResult) []string {
	var out []string
	for _, d := range res.Dists {
		out = append(out, d.Name+"=="+d.Version.String())
	}
	return out
}

// TestPinWheelhouse pins real apps against ../shared/wheelhouse, checks
// the output byte for byte, and checks the versions against pip's
// resolver.
func TestPinWheelhouse(t *testing.T) {
	for _, c := range []struct{ name, in string }{
		{"flask3_requests_pyyaml", "flask>=3\nrequests\npyyaml\n"},
		{"flask2_django", "flask<3\ndjango\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := newPinBundle(t, c.in)
			res, err := Pin(context.Background(), pinOpts(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Written {
				t.Error("not written")
			}
			pinGolden(t, "pin_"+c.name+".golden", res.Content)
			if got, want := strings.Join(pinned(res), " "), strings.Join(pipReport(t, dir, pinWheelhouse(t)), " "); got != want {
				t.Errorf("bundle pin and pip disagree:\nbundle: %s\npip:    %s", got, want)
			}
			// Every hash is the file's, from SHA256SUMS.
			sums, _ := os.ReadFile(filepath.Join(pinWheelhouse(t), "SHA256SUMS"))
			for _, d := range res.Dists {
				for _, h := range d.Hashes {
					if !bytes.Contains(sums, []byte(h)) {
						t.Errorf("%s: hash %s is not in SHA256SUMS", d.Name, h)
					}
				}
			}
			// The result is a valid, strictly pinned bundle file.
			_, ds := spec.ParseDependencies(bytes.NewReader(res.Content), FileDependencies)
			if len(ds) > 0 {
				t.Errorf("diagnostics on the pinned file: %v", ds)
			}
			// Byte-identical and not rewritten on a second run.
			fi1, _ := os.Stat(res.Path)
			res2, err := Pin(context.Background(), pinOpts(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			fi2, _ := os.Stat(res.Path)
			if res2.Changed || res2.Written || !bytes.Equal(res.Content, res2.Content) || !fi1.ModTime().Equal(fi2.ModTime()) {
				t.Error("second pin changed something")
			}
			// --check agrees.
			o := pinOpts(t, dir)
			o.Check = true
			if _, err := Pin(context.Background(), o); err != nil {
				t.Errorf("--check on fresh pins: %v", err)
			}
		})
	}
}

func TestPinCheckDryRunPreferences(t *testing.T) {
	dir := newPinBundle(t, "click\n")
	txt := filepath.Join(dir, FileDependencies)
	old := "click==8.1.3 \\\n    --hash=sha256:b5ed4e3d8823b24bdc9068be0deec7554a04a1e0053b94921becc63047c2abf6\n"
	os.WriteFile(txt, []byte(old), 0o644)

	// --check: the header is missing, but the pins are what pin would
	// write... except the via line: stale.
	o := pinOpts(t, dir)
	o.Check = true
	var out bytes.Buffer
	o.Out = &out
	if _, err := Pin(context.Background(), o); !errors.Is(err, ErrStale) {
		t.Errorf("--check: err = %v, want ErrStale", err)
	}
	if b, _ := os.ReadFile(txt); string(b) != old {
		t.Error("--check wrote the file")
	}

	// --dry-run prints the diff and writes nothing.
	o = pinOpts(t, dir)
	o.DryRun = true
	out.Reset()
	o.Out = &out
	res, err := Pin(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "+    # via -r dependencies.in") || res.Written {
		t.Errorf("--dry-run output:\n%s", out.String())
	}
	if b, _ := os.ReadFile(txt); string(b) != old {
		t.Error("--dry-run wrote the file")
	}

	// The pinned version is kept; --upgrade-package and --upgrade move it.
	for _, c := range []struct {
		upgrade bool
		pkgs    []string
		want    string
	}{{false, nil, "click==8.1.3"}, {false, []string{"Click"}, "click==8.4.0"}, {true, nil, "click==8.4.0"}} {
		os.WriteFile(txt, []byte(old), 0o644)
		o := pinOpts(t, dir)
		o.Upgrade, o.UpgradePackages = c.upgrade, c.pkgs
		res, err := Pin(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(pinned(res), " "); got != c.want {
			t.Errorf("upgrade=%v %v: got %s, want %s", c.upgrade, c.pkgs, got, c.want)
		}
	}
}

// TestPinConflict: no solution leaves dependencies.txt alone and explains.
func TestPinConflict(t *testing.T) {
	dir := newPinBundle(t, "flask>=3\nwerkzeug<3\n")
	txt := filepath.Join(dir, FileDependencies)
	os.WriteFile(txt, []byte("# old\n"), 0o644)
	_, err := Pin(context.Background(), pinOpts(t, dir))
	if !errors.Is(err, resolve.ErrNoSolution) {
		t.Fatalf("err = %v", err)
	}
	pinGolden(t, "pin_conflict.golden", []byte(err.Error()+"\nhint: "+ErrorHint(err)+"\n"))
	if b, _ := os.ReadFile(txt); string(b) != "# old\n" {
		t.Error("a failed pin touched dependencies.txt")
	}
}

func TestPinErrors(t *testing.T) {
	dir := newPinBundle(t, "flask>=3\n")
	os.Remove(filepath.Join(dir, FileDirectDeps))
	if _, err := Pin(context.Background(), pinOpts(t, dir)); !errors.Is(err, ErrNoDirectDeps) || ErrorHint(err) == "" {
		t.Errorf("no dependencies.in: %v", err)
	}
	dir = newPinBundle(t, "-e .\n")
	if _, err := Pin(context.Background(), pinOpts(t, dir)); !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "D004") {
		t.Errorf("invalid dependencies.in: %v", err)
	}
	dir = newPinBundle(t, "flask\n")
	o := pinOpts(t, dir)
	o.Platform = "solaris"
	if _, err := Pin(context.Background(), o); !errors.Is(err, ErrBadTarget) {
		t.Errorf("bad platform: %v", err)
	}
	o = pinOpts(t, dir)
	os.WriteFile(filepath.Join(dir, FileBundleTOML), []byte("spec = \"1\"\n[app]\nname = \"app\"\nversion = \"1.0.0\"\n[python]\nrequires-python = \">=3.12\"\n"), 0o644)
	if _, err := Pin(context.Background(), o); !errors.Is(err, ErrBadTarget) {
		t.Errorf("python outside requires-python: %v", err)
	}
}

// TestPinIndexPrecedence: flags > environment > dependencies.in >
// bundle.toml, per setting; and an index served over HTTP from the real
// wheels (PEP 503 HTML with hashes).
func TestPinIndexPrecedence(t *testing.T) {
	wh := pinWheelhouse(t)
	srv := httptest.NewServer(wheelhouseIndex(t, wh))
	defer srv.Close()
	dir := newPinBundle(t, "--extra-index-url http://127.0.0.1:1/extra\nitsdangerous\n")
	os.WriteFile(filepath.Join(dir, FileBundleTOML), []byte("spec = \"1\"\n[app]\nname = \"app\"\nversion = \"1.0.0\"\n[index]\nurl = \"http://127.0.0.1:1/simple\"\n"), 0o644)

	o := pinOpts(t, dir)
	o.FindLinks, o.NoIndex = nil, false
	env := map[string]string{"PIP_INDEX_URL": srv.URL + "/simple/", "PIP_EXTRA_INDEX_URL": srv.URL + "/simple/"}
	o.Getenv = func(k string) string { return env[k] }
	// bundle.toml's url is overridden by PIP_INDEX_URL, dependencies.in's
	// --extra-index-url by PIP_EXTRA_INDEX_URL.
	res, err := Pin(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pinned(res), " "); got != "itsdangerous==2.2.0" {
		t.Errorf("got %s", got)
	}
	if !bytes.Contains(res.Content, []byte("--extra-index-url http://127.0.0.1:1/extra\n")) {
		t.Error("the option lines of dependencies.in are not kept")
	}
	// A flag beats the environment; find-links from the environment are
	// combined with the others.
	env["PIP_FIND_LINKS"] = wh
	o.IndexURL = "http://127.0.0.1:1/none"
	o.NoIndex = true
	if _, err := Pin(context.Background(), o); err != nil {
		t.Errorf("--no-index with find-links from the environment: %v", err)
	}
	// A find-links directory from PIP_FIND_LINKS that does not exist is
	// skipped with a warning, as pip does.
	var out bytes.Buffer
	env["PIP_FIND_LINKS"] = "/nonexistent " + wh
	o.Out = &out
	if _, err := Pin(context.Background(), o); err != nil {
		t.Errorf("PIP_FIND_LINKS with a missing directory: %v", err)
	}
	if !strings.Contains(out.String(), "warning: find-links /nonexistent (from PIP_FIND_LINKS) skipped") {
		t.Errorf("no warning for the missing PIP_FIND_LINKS directory:\n%s", out.String())
	}
	// One from the bundle's own files is an error that names it.
	dir2 := newPinBundle(t, "--find-links /nonexistent\nitsdangerous\n")
	o = pinOpts(t, dir2)
	o.FindLinks, o.NoIndex = nil, true
	if _, err := Pin(context.Background(), o); err == nil || !strings.Contains(err.Error(), "find-links /nonexistent (from dependencies.in)") {
		t.Errorf("dependencies.in find-links: %v", err)
	}
}

// TestPinSuggestFromIndex: a misspelled name gets the closest project of
// the index's project list.
func TestPinSuggestFromIndex(t *testing.T) {
	srv := httptest.NewServer(wheelhouseIndex(t, pinWheelhouse(t)))
	defer srv.Close()
	dir := newPinBundle(t, "itsdangerous\nwerkzueg\n")
	o := pinOpts(t, dir)
	o.FindLinks, o.NoIndex, o.IndexURL = nil, false, srv.URL+"/simple"
	_, err := Pin(context.Background(), o)
	want := "app requires werkzueg, but there is no distribution named werkzueg on " + srv.URL + "/simple (did you mean werkzeug?)."
	if !errors.Is(err, resolve.ErrNoSolution) || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant it to contain %s", err, want)
	}
}

// TestPinIndexStrategy: two indexes have click, the first an older
// version. first-index (the default) takes the first index's; the
// strategy from bundle.toml or --index-strategy merges them; the flag
// beats bundle.toml and is named in the header.
func TestPinIndexStrategy(t *testing.T) {
	wh := pinWheelhouse(t)
	older := httptest.NewServer(wheelhouseIndexOf(t, wh, func(f string) bool { return f == "click-8.1.3-py3-none-any.whl" }))
	defer older.Close()
	all := httptest.NewServer(wheelhouseIndex(t, wh))
	defer all.Close()
	for _, tt := range []struct {
		toml, flag, want, header string
	}{
		{"", "", "click==8.1.3", "bundle pin --python-version 3.11 --platform manylinux_2_28_x86_64\n"},
		{"first-index", "", "click==8.1.3", ""},
		{"unsafe-best-match", "", "click==8.4.0", ""},
		{"unsafe-best-match", "first-index", "click==8.1.3", "bundle pin --python-version 3.11 --platform manylinux_2_28_x86_64 --index-strategy first-index\n"},
		{"", "unsafe-best-match", "click==8.4.0", "bundle pin --python-version 3.11 --platform manylinux_2_28_x86_64 --index-strategy unsafe-best-match\n"},
	} {
		dir := newPinBundle(t, "click\n")
		toml := fmt.Sprintf("spec = \"1\"\n[app]\nname = \"app\"\nversion = \"1.0.0\"\n[index]\nurl = %q\nextra-urls = [%q]\n", older.URL+"/simple", all.URL+"/simple")
		if tt.toml != "" {
			toml += fmt.Sprintf("strategy = %q\n", tt.toml)
		}
		os.WriteFile(filepath.Join(dir, FileBundleTOML), []byte(toml), 0o644)
		o := pinOpts(t, dir)
		o.FindLinks, o.NoIndex, o.Command, o.IndexStrategy = nil, false, "", tt.flag
		res, err := Pin(context.Background(), o)
		if err != nil {
			t.Fatalf("%+v: %v", tt, err)
		}
		if got := strings.Join(pinned(res), " "); got != tt.want {
			t.Errorf("toml %q, flag %q: got %s, want %s", tt.toml, tt.flag, got, tt.want)
		}
		if tt.header != "" && !bytes.Contains(res.Content, []byte("#    "+tt.header)) {
			t.Errorf("toml %q, flag %q: header\n%s", tt.toml, tt.flag, res.Content)
		}
	}
	dir := newPinBundle(t, "click\n")
	o := pinOpts(t, dir)
	o.IndexStrategy = "all"
	if _, err := Pin(context.Background(), o); !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), `--index-strategy "all" is not one of first-index and unsafe-best-match`) {
		t.Errorf("bad --index-strategy: %v", err)
	}
}

// wheelhouseIndex serves a directory of wheels as a PEP 503 index.
func wheelhouseIndex(t *testing.T, dir string) http.Handler {
	return wheelhouseIndexOf(t, dir, func(string) bool { return true })
}

// wheelhouseIndexOf serves the wheels of a directory that keep accepts.
func wheelhouseIndexOf(t *testing.T, dir string, keep func(filename string) bool) http.Handler {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]string{}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".whl") && keep(e.Name()) {
			n := spec.NormalizeName(strings.SplitN(e.Name(), "-", 2)[0])
			byName[n] = append(byName[n], e.Name())
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/simple/{name}/", func(w http.ResponseWriter, r *http.Request) {
		files, ok := byName[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		for _, f := range files {
			data, _ := os.ReadFile(filepath.Join(dir, f))
			h := sha256.Sum256(data)
			fmt.Fprintf(w, "<a href=\"/files/%s#sha256=%s\">%s</a>\n", f, hex.EncodeToString(h[:]), f)
		}
	})
	mux.HandleFunc("/simple/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for n := range byName {
			fmt.Fprintf(w, "<a href=\"/simple/%s/\">%s</a>\n", n, n)
		}
	})
	mux.Handle("/files/", http.StripPrefix("/files/", http.FileServer(http.Dir(dir))))
	return mux
}

// TestPinCacheComplete: what a pin fetched is in the cache when Pin
// returns (the cache is written at the end of the run, as one pack), so
// that an offline pin right after, with the index gone, gives the same
// file; find-links files are read again, not cached.
func TestPinCacheComplete(t *testing.T) {
	wh := pinWheelhouse(t)
	for _, tt := range []struct {
		name  string
		index bool
	}{{"index", true}, {"find-links", false}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := newPinBundle(t, "flask>=3\nrequests\n")
			o := pinOpts(t, dir)
			var srv *httptest.Server
			if tt.index {
				srv = httptest.NewServer(wheelhouseIndex(t, wh))
				o.FindLinks, o.NoIndex, o.IndexURL = nil, false, srv.URL+"/simple/"
			}
			first, err := Pin(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if srv != nil {
				srv.Close()
			}
			packs, _ := filepath.Glob(filepath.Join(o.CacheDir, "packs", "*.pack"))
			if len(packs) != 1 {
				t.Errorf("%d packs after a cold pin, want 1: %v", len(packs), packs)
			}
			os.Remove(first.Path)
			o.Offline = true
			second, err := Pin(context.Background(), o)
			if err != nil {
				t.Fatalf("offline pin right after: %v", err)
			}
			if !bytes.Equal(first.Content, second.Content) {
				t.Errorf("offline pin differs:\n%s\nwant\n%s", second.Content, first.Content)
			}
		})
	}
}
