// Command pinuniverse prepares and serves the inputs of bench/pin.
//
//	pinuniverse universe -seed S -packages N [-unsolvable] [-max-versions M] [-metadata] -out DIR
//	pinuniverse wheelhouse -from WHEELDIR -out DIR [-metadata]
//	pinuniverse serve -root DIR
//	pinuniverse check -dir DIR -pins FILE
//	pinuniverse profile -app DIR [-index-url URL | -find-links DIR] [-cold] [-n N] [-cpuprofile FILE] [-python-version V -platform P]
//
// universe writes a synthetic universe of internal/resolve/universe
// (deterministic by seed) as
//   - DIR/wheels/: one py3-none-any wheel per release that is not yanked
//     (the --find-links directory; a directory cannot mark a file yanked);
//   - DIR/index/: a static PEP 503 simple index, simple/index.html and
//     simple/NAME/index.html, whose links point at every wheel in
//     index/files/ (yanked ones too, marked data-yanked) with a
//     #sha256= fragment and data-requires-python;
//   - DIR/dependencies.in: the universe's root requirements, one a line;
//   - DIR/universe.json: the options, counts and the planted solution.
//
// wheelhouse writes DIR/index/ the same way for an existing directory of
// wheels (files/ holds symbolic links to them), reading each wheel's
// Requires-Python from its METADATA.
//
// With -metadata the index also serves each wheel's METADATA as a PEP 658
// FILE.metadata and announces it (data-dist-info-metadata and
// data-core-metadata). bench/pin does not use it by default.
//
// serve serves DIR on a free port of 127.0.0.1 with net/http's file
// server (which answers range requests, If-Modified-Since and, with the
// ETag it is given here, If-None-Match), prints "http://127.0.0.1:PORT/"
// on its first line of output, and runs until it is killed. With
// -cache-control pypi (the default) it sends the headers PyPI sends:
// "max-age=600, public" for index pages and "max-age=365000000,
// immutable, public" for files; with -cache-control none, none. With
// -log FILE it appends a line per request to FILE.
//
// check regenerates the universe that DIR/universe.json describes and
// checks a solution against it: FILE holds one NAME==VERSION a line (the
// choice of bundle pin or of pip). Every root requirement and every
// requirement of every chosen release must be satisfied, for CPython
// 3.11 on Linux, and no chosen release may be yanked, a pre-release or
// excluded by Requires-Python. It prints "ok" or the first violation (and
// exits 1).
//
// profile runs bundle pin in this process N times (default 10) on the app
// directory DIR (its dependencies.txt is deleted before each run), with
// every PIP_* variable ignored, and writes a CPU profile of all of them.
// With -cold each run gets a new empty cache, otherwise the first run
// fills one cache for the others (its time is not counted). It prints the
// median and the spread of the wall time of a run.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bundle-wsgi/bundle/bundle"
	"github.com/bundle-wsgi/bundle/internal/resolve/universe"
	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "universe":
		err = cmdUniverse(os.Args[2:])
	case "wheelhouse":
		err = cmdWheelhouse(os.Args[2:])
	case "serve":
		err = cmdServe(os.Args[2:])
	case "check":
		err = cmdCheck(os.Args[2:])
	case "profile":
		err = cmdProfile(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pinuniverse:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: pinuniverse universe|wheelhouse|serve|check|profile [flags] (see the package documentation)")
	os.Exit(2)
}

// file is one distribution file of an index.
type file struct {
	project  string // normalized
	name     string // filename
	data     []byte // content; nil when link is set
	link     string // the file to link to (wheelhouse)
	sha256   string
	reqPy    string
	yanked   bool
	metadata []byte
}

func cmdUniverse(args []string) error {
	fs := flag.NewFlagSet("universe", flag.ExitOnError)
	seed := fs.Uint64("seed", 0, "universe seed")
	packages := fs.Int("packages", 50, "number of distributions")
	maxVersions := fs.Int("max-versions", 5, "most final versions of a distribution")
	unsolvable := fs.Bool("unsolvable", false, "make the universe unsolvable")
	meta := fs.Bool("metadata", false, "serve PEP 658 .metadata files")
	out := fs.String("out", "", "output directory (must not exist)")
	fs.Parse(args)
	if *out == "" {
		return fmt.Errorf("-out is required")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s exists", *out)
	}
	u := universe.Generate(universe.Options{Seed: *seed, Packages: *packages, MaxVersions: *maxVersions, Unsolvable: *unsolvable})
	nwheels, err := u.WriteWheels(filepath.Join(*out, "wheels"))
	if err != nil {
		return err
	}
	var files []file
	yanked := 0
	for _, r := range u.Releases {
		name, data, err := wheel.Build(r.Name, r.Version, wheel.BuildOptions{RequiresDist: r.Requires, RequiresPython: r.RequiresPython, ProvidesExtra: r.Extras})
		if err != nil {
			return err
		}
		f := file{project: spec.NormalizeName(r.Name), name: name, data: data, sha256: sum(data), reqPy: r.RequiresPython, yanked: r.Yanked}
		if *meta {
			if f.metadata, err = metadataOf(data, name); err != nil {
				return err
			}
		}
		if r.Yanked {
			yanked++
		}
		files = append(files, f)
	}
	projects, err := writeIndex(filepath.Join(*out, "index"), files)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "dependencies.in"), []byte(strings.Join(u.Root, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	info := map[string]any{
		"seed": *seed, "packages": *packages, "max_versions": *maxVersions, "unsolvable": *unsolvable,
		"metadata": *meta, "projects": projects, "releases": len(u.Releases), "yanked": yanked,
		"wheels": nwheels, "root": u.Root, "planted": u.Planted,
	}
	data, _ := json.MarshalIndent(info, "", "  ")
	return os.WriteFile(filepath.Join(*out, "universe.json"), append(data, '\n'), 0o644)
}

func cmdWheelhouse(args []string) error {
	fs := flag.NewFlagSet("wheelhouse", flag.ExitOnError)
	from := fs.String("from", "", "directory of wheels")
	meta := fs.Bool("metadata", false, "serve PEP 658 .metadata files")
	out := fs.String("out", "", "output directory (must not exist)")
	fs.Parse(args)
	if *from == "" || *out == "" {
		return fmt.Errorf("-from and -out are required")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s exists", *out)
	}
	abs, err := filepath.Abs(*from)
	if err != nil {
		return err
	}
	ents, err := os.ReadDir(abs)
	if err != nil {
		return err
	}
	var files []file
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".whl") {
			continue
		}
		p := filepath.Join(abs, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fn, err := wheel.ParseFilename(e.Name())
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name(), err)
		}
		md, err := metadataOf(data, e.Name())
		if err != nil {
			return err
		}
		m, err := wheel.ParseMetadata(md)
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name(), err)
		}
		f := file{project: fn.Name, name: e.Name(), link: p, sha256: sum(data), reqPy: m.RequiresPython}
		if *meta {
			f.metadata = md
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return fmt.Errorf("%s: no wheels", abs)
	}
	_, err = writeIndex(filepath.Join(*out, "index"), files)
	return err
}

func metadataOf(data []byte, name string) ([]byte, error) {
	fn, err := wheel.ParseFilename(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	md, err := wheel.ReadMetadata(bytes.NewReader(data), int64(len(data)), fn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return md, nil
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// writeIndex writes the PEP 503 tree under dir (simple/ and files/) and
// returns the number of projects.
func writeIndex(dir string, files []file) (int, error) {
	fdir := filepath.Join(dir, "files")
	if err := os.MkdirAll(fdir, 0o755); err != nil {
		return 0, err
	}
	byProject := map[string][]file{}
	for _, f := range files {
		p := filepath.Join(fdir, f.name)
		var err error
		if f.link != "" {
			err = os.Symlink(f.link, p)
		} else {
			err = os.WriteFile(p, f.data, 0o644)
		}
		if err != nil {
			return 0, err
		}
		if f.metadata != nil {
			if err := os.WriteFile(p+".metadata", f.metadata, 0o644); err != nil {
				return 0, err
			}
		}
		byProject[f.project] = append(byProject[f.project], f)
	}
	var names []string
	for n := range byProject {
		names = append(names, n)
	}
	sort.Strings(names)
	var root strings.Builder
	root.WriteString("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Simple index</title></head><body>\n")
	for _, n := range names {
		fmt.Fprintf(&root, "<a href=\"%s/\">%s</a>\n", n, n)
		fs := byProject[n]
		sort.Slice(fs, func(i, j int) bool { return fs[i].name < fs[j].name })
		var b strings.Builder
		fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Links for %s</title></head><body>\n<h1>Links for %s</h1>\n", n, n)
		for _, f := range fs {
			attrs := ""
			if f.reqPy != "" {
				attrs += fmt.Sprintf(" data-requires-python=\"%s\"", html.EscapeString(f.reqPy))
			}
			if f.metadata != nil {
				m := sum(f.metadata)
				attrs += fmt.Sprintf(" data-dist-info-metadata=\"sha256=%s\" data-core-metadata=\"sha256=%s\"", m, m)
			}
			if f.yanked {
				attrs += " data-yanked=\"\""
			}
			fmt.Fprintf(&b, "<a href=\"../../files/%s#sha256=%s\"%s>%s</a><br>\n", f.name, f.sha256, attrs, html.EscapeString(f.name))
		}
		b.WriteString("</body></html>\n")
		pdir := filepath.Join(dir, "simple", n)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(pdir, "index.html"), []byte(b.String()), 0o644); err != nil {
			return 0, err
		}
	}
	root.WriteString("</body></html>\n")
	return len(names), os.WriteFile(filepath.Join(dir, "simple", "index.html"), []byte(root.String()), 0o644)
}

func cmdServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	root := fs.String("root", ".", "directory to serve")
	cc := fs.String("cache-control", "pypi", "pypi: PyPI's Cache-Control headers; none: no Cache-Control")
	logPath := fs.String("log", "", "append one line per request to this file: status, bytes, method, path, Range")
	fs.Parse(args)
	var logf *os.File
	var mu sync.Mutex
	if *logPath != "" {
		var err error
		if logf, err = os.OpenFile(*logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err != nil {
			return err
		}
	}
	if *cc != "pypi" && *cc != "none" {
		return fmt.Errorf("-cache-control: %q is neither pypi nor none", *cc)
	}
	files := http.FileServer(http.Dir(*root))
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := filepath.Join(*root, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		if fi, err := os.Stat(p); err == nil {
			if fi.IsDir() {
				fi, err = os.Stat(filepath.Join(p, "index.html"))
			}
			if err == nil {
				w.Header().Set("ETag", fmt.Sprintf(`"%x-%x"`, fi.Size(), fi.ModTime().UnixNano()))
			}
		}
		if *cc == "pypi" {
			if strings.HasSuffix(r.URL.Path, "/") {
				w.Header().Set("Cache-Control", "max-age=600, public")
			} else {
				w.Header().Set("Cache-Control", "max-age=365000000, immutable, public")
			}
		}
		if logf == nil {
			files.ServeHTTP(w, r)
			return
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		files.ServeHTTP(rec, r)
		mu.Lock()
		fmt.Fprintf(logf, "%d %d %s %s %q\n", rec.status, rec.n, r.Method, r.URL.Path, r.Header.Get("Range"))
		mu.Unlock()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("http://%s/\n", ln.Addr())
	os.Stdout.Sync()
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second}
	return srv.Serve(ln)
}

func cmdCheck(args []string) error {
	fs := flag.NewFlagSet("check", flag.ExitOnError)
	dir := fs.String("dir", "", "a directory written by pinuniverse universe")
	pins := fs.String("pins", "", "a file of NAME==VERSION lines")
	fs.Parse(args)
	data, err := os.ReadFile(filepath.Join(*dir, "universe.json"))
	if err != nil {
		return err
	}
	var info struct {
		Seed        uint64 `json:"seed"`
		Packages    int    `json:"packages"`
		MaxVersions int    `json:"max_versions"`
		Unsolvable  bool   `json:"unsolvable"`
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return err
	}
	u := universe.Generate(universe.Options{Seed: info.Seed, Packages: info.Packages, MaxVersions: info.MaxVersions, Unsolvable: info.Unsolvable})
	data, err = os.ReadFile(*pins)
	if err != nil {
		return err
	}
	chosen := map[string]spec.Version{}
	for _, l := range strings.Fields(string(data)) {
		name, ver, ok := strings.Cut(l, "==")
		if !ok {
			return fmt.Errorf("%s: bad line %q", *pins, l)
		}
		v, err := spec.ParseVersion(ver)
		if err != nil {
			return fmt.Errorf("%s: %w", *pins, err)
		}
		chosen[spec.NormalizeName(name)] = v
	}
	env := wheel.Target{Python: [3]int{3, 11, 7}, Platform: "manylinux_2_28_x86_64"}.Environment()
	bad := u.Check(chosen, env)
	if bad != nil {
		fmt.Println(bad)
		os.Exit(1)
	}
	fmt.Println("ok")
	return nil
}

// recorder remembers the status and the number of body bytes of a response.
type recorder struct {
	http.ResponseWriter
	status int
	n      int64
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.n += int64(n)
	return n, err
}

func cmdProfile(args []string) error {
	fs := flag.NewFlagSet("profile", flag.ExitOnError)
	app := fs.String("app", "", "the app directory (bundle.toml and dependencies.in)")
	indexURL := fs.String("index-url", "", "--index-url")
	findLinks := fs.String("find-links", "", "--find-links (with --no-index)")
	cold := fs.Bool("cold", false, "a new empty cache for every run")
	n := fs.Int("n", 10, "runs")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the runs here")
	pyVersion := fs.String("python-version", "", "--python-version")
	plat := fs.String("platform", "", "--platform")
	fs.Parse(args)
	if *app == "" {
		return fmt.Errorf("-app is required")
	}
	tmp, err := os.MkdirTemp("", "pinprofile")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	opts := func(cache string) bundle.PinOptions {
		o := bundle.PinOptions{Dir: *app, CacheDir: cache, IndexURL: *indexURL, PythonVersion: *pyVersion, Platform: *plat,
			Getenv: func(k string) string {
				if strings.HasPrefix(k, "PIP_") {
					return ""
				}
				return os.Getenv(k)
			}}
		if *findLinks != "" {
			o.FindLinks = []string{*findLinks}
			o.NoIndex = true
		}
		return o
	}
	warmCache := filepath.Join(tmp, "warm")
	if !*cold {
		os.Remove(filepath.Join(*app, "dependencies.txt"))
		bundle.Pin(context.Background(), opts(warmCache))
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var times []time.Duration
	var lastErr error
	for i := range *n {
		cache := warmCache
		if *cold {
			cache = filepath.Join(tmp, fmt.Sprint("cold", i))
		}
		os.Remove(filepath.Join(*app, "dependencies.txt"))
		t0 := time.Now()
		_, lastErr = bundle.Pin(context.Background(), opts(cache))
		times = append(times, time.Since(t0))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	fmt.Printf("%d runs: median %v, min %v, max %v", *n, times[len(times)/2].Round(time.Microsecond),
		times[0].Round(time.Microsecond), times[len(times)-1].Round(time.Microsecond))
	if lastErr != nil {
		fmt.Printf(" (last run: %v)", strings.SplitN(lastErr.Error(), "\n", 2)[0])
	}
	fmt.Println()
	return nil
}
