package spec

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

const minimalBundleTOML = "spec = \"1\"\n[app]\nname = \"hello\"\nversion = \"1.0.0\"\n"

func parseTOMLForTest(t *testing.T, in string) (*Config, Diagnostics) {
	t.Helper()
	cfg, ds := ParseBundleTOML(strings.NewReader(in), "bundle.toml")
	checkDiagStyle(t, "bundle.toml", ds)
	return cfg, ds
}

func TestParseBundleTOMLDefaults(t *testing.T) {
	cfg, ds := parseTOMLForTest(t, minimalBundleTOML)
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	want := &Config{
		Spec:  "1",
		App:   App{Name: "hello", Version: "1.0.0"},
		Index: Index{URL: "https://pypi.org/simple", ExtraURLs: []string{}, FindLinks: []string{}, Strategy: "first-index"},
		Run: Run{
			Listen:            []string{"127.0.0.1:8000"},
			Workers:           1,
			Threads:           4,
			MaxBodyBytes:      10485760,
			GracefulTimeout:   30 * time.Second,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			AccessLog:         "stdout",
			AccessLogFormat:   "combined",
			TrustedProxies:    []string{},
			Environment:       map[string]string{},
		},
		Package: Package{Prefix: "/opt/hello", User: "hello", Group: "hello",
			External: PackageExternal{Deb: map[string]string{}, RPM: map[string]string{}}},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
}

func TestParseBundleTOMLFull(t *testing.T) {
	in := `spec = "1"
[app]
name = "hello-api"
version = "2.1.0-rc.1+build.5"
description = "Says hello"
license = "Apache-2.0 OR (MIT AND BSD-3-Clause)"
maintainer = "Jane Doe <jane@example.com>"
homepage = "https://example.com/hello"

[python]
requires-python = ">=3.9"
interpreter = "/usr/bin/python3.11"

[index]
url = "file:///srv/simple"
extra-urls = ["https://example.com/simple"]
find-links = ["wheels", "https://example.com/wheels/"]
no-index = true
strategy = "unsafe-best-match"

[run]
listen = ["0.0.0.0:80", "[::1]:8080", ":9000", "unix:/run/hello.sock", "fd:3", "localhost:8000"]
workers = 0
threads = 8
max-body-bytes = 0
graceful-timeout = "1m30s"
read-header-timeout = "500ms"
read-timeout = "1s"
write-timeout = "2s"
idle-timeout = "3s"
access-log = "syslog"
access-log-format = "json"
trusted-proxies = ["10.0.0.0/8", "::1", "192.168.1.1"]
[run.environment]
DJANGO_SETTINGS_MODULE = "hello.settings"
_X1 = ""

[package]
prefix = "/srv/hello/"
user = "www-hello"
[package.external.deb]
LibPQ = "libpq5, libpq-extra"
[package.external.rpm]
libfoo = ""
`
	cfg, ds := parseTOMLForTest(t, in)
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	if cfg.App.Version != "2.1.0-rc.1+build.5" || cfg.App.License == "" || cfg.App.Homepage == "" {
		t.Errorf("app: %+v", cfg.App)
	}
	if cfg.Python.RequiresPython != ">=3.9" || cfg.Python.Interpreter != "/usr/bin/python3.11" {
		t.Errorf("python: %+v", cfg.Python)
	}
	if !reflect.DeepEqual(cfg.Index, Index{URL: "file:///srv/simple", ExtraURLs: []string{"https://example.com/simple"},
		FindLinks: []string{"wheels", "https://example.com/wheels/"}, NoIndex: true, Strategy: IndexBestMatch}) {
		t.Errorf("index: %+v", cfg.Index)
	}
	r := cfg.Run
	if len(r.Listen) != 6 || r.Workers != 0 || r.Threads != 8 || r.MaxBodyBytes != 0 ||
		r.GracefulTimeout != 90*time.Second || r.ReadHeaderTimeout != 500*time.Millisecond ||
		r.IdleTimeout != 3*time.Second || r.AccessLog != "syslog" || r.AccessLogFormat != "json" ||
		len(r.TrustedProxies) != 3 || r.Environment["DJANGO_SETTINGS_MODULE"] != "hello.settings" {
		t.Errorf("run: %+v", r)
	}
	p := cfg.Package
	if p.Prefix != "/srv/hello" || p.User != "www-hello" || p.Group != "www-hello" {
		t.Errorf("package: %+v", p)
	}
	if !reflect.DeepEqual(p.External.Deb, map[string]string{"libpq": "libpq5, libpq-extra"}) ||
		!reflect.DeepEqual(p.External.RPM, map[string]string{"libfoo": ""}) {
		t.Errorf("external: %+v", p.External)
	}
}

func TestParseBundleTOMLErrors(t *testing.T) {
	app := "[app]\nname = \"hello\"\nversion = \"1.0.0\"\n"
	base := "spec = \"1\"\n" + app // lines 1-4; the next line is 5
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{"0:0 error B003"}},
		{"blank", "  \n\t\n", []string{"0:0 error B003"}},
		{"not utf8", "spec = \"1\"\n#\xff\n", []string{"2:2 error B004"}},
		{"syntax", "spec = \"1\"\n[app\n", []string{"2:5 error T001"}},
		{"syntax value", "spec = \n", []string{"1:8 error T001"}},
		{"syntax duplicate key", base + "name = \"x\"\n", []string{"5:1 error T001"}},
		{"syntax after multibyte", "a = 'é' x\n", []string{"1:9 error T001"}},
		{"syntax eof", "a = [1,\n 2", []string{"2:2 error T001"}},
		{"unknown top", base + "colour = 1\n", []string{"5:1 error T002"}},
		{"unknown app key", base + "verison = \"2\"\n", []string{"5:1 error T002"}},
		{"unknown table", base + "[runn]\nworkers = 1\n", []string{"5:2 error T002"}},
		{"unknown nested", base + "[run]\nlisten = [\"127.0.0.1:1\"]\n  foo.bar = 1\n", []string{"7:3 error T002"}},
		{"unknown quoted", base + "[run]\n\"a b\" = 1\n", []string{"6:1 error T002"}},
		{"unknown inline", "spec = \"1\"\npython = { interpreter = \"python3\", bogus = 1 }\n" + app, []string{"2:37 error T002"}},
		{"unknown after multiline string", base + "description = '''\nx = 1\n'''\nzzz = 1\n", []string{"5:1 error T003", "8:1 error T002"}},
		{"unknown external distro", base + "[package.external.apk]\nlibpq = \"x\"\n", []string{"5:19 error T002"}},
		{"unknown dotted", "spec = \"1\"\napp.name = \"hello\"\napp.version = \"1.0.0\"\napp.nmae = \"x\"\n", []string{"4:5 error T002"}},
		{"spec missing", app, []string{"0:0 error T004"}},
		{"spec int", "spec = 1\n" + app, []string{"1:1 error T003"}},
		{"spec bad", "spec = \"1.0\"\n" + app, []string{"1:1 error T003"}},
		{"spec zero", "spec = \"0\"\n" + app, []string{"1:1 error T003"}},
		{"spec newer", "spec = \"2\"\n" + app + "new = 1\n", []string{"1:1 error B005"}},
		{"spec much newer", "spec = \"10\"\n", []string{"1:1 error B005"}},
		{"app missing", "spec = \"1\"\n", []string{"0:0 error T004"}},
		{"app not table", "spec = \"1\"\napp = \"hello\"\n", []string{"2:1 error T003"}},
		{"app array of tables", "spec = \"1\"\n[[app]]\nname = \"x\"\n", []string{"2:3 error T003"}},
		{"name missing", "spec = \"1\"\n[app]\nversion = \"1.0.0\"\n", []string{"2:2 error T004"}},
		{"version missing", "spec = \"1\"\n[app]\nname = \"x\"\n", []string{"2:2 error T004"}},
		{"name invalid", "spec = \"1\"\n[app]\nname = \"-x\"\nversion = \"1.0.0\"\n", []string{"3:1 error T006"}},
		{"name spaces", "spec = \"1\"\n[app]\nname = \"a b\"\nversion = \"1.0.0\"\n", []string{"3:1 error T006"}},
		{"name upper", "spec = \"1\"\n[app]\nname = \"Hello_World\"\nversion = \"1.0.0\"\n", []string{"3:1 warning T006"}},
		{"name int", "spec = \"1\"\n[app]\nname = 5\nversion = \"1.0.0\"\n", []string{"3:1 error T003"}},
		{"version short", "spec = \"1\"\n[app]\nname = \"x\"\n  version = \"1.0\"\n", []string{"4:3 error T005"}},
		{"version v", "spec = \"1\"\n[app]\nname = \"x\"\nversion = \"v1.0.0\"\n", []string{"4:1 error T005"}},
		{"version leading zero", "spec = \"1\"\n[app]\nname = \"x\"\nversion = \"01.0.0\"\n", []string{"4:1 error T005"}},
		{"version float", "spec = \"1\"\n[app]\nname = \"x\"\nversion = 1.0\n", []string{"4:1 error T003"}},
		{"description multiline", base + "description = \"\"\"a\nb\"\"\"\n", []string{"5:1 error T003"}},
		{"license", base + "license = \"MIT OR\"\n", []string{"5:1 error T003"}},
		{"maintainer", base + "maintainer = \"jane@example.com\"\n", []string{"5:1 error T003"}},
		{"homepage", base + "homepage = \"example.com\"\n", []string{"5:1 error T010"}},
		{"homepage ftp", base + "homepage = \"ftp://example.com\"\n", []string{"5:1 error T010"}},
		{"requires-python type", base + "[python]\nrequires-python = 3.9\n", []string{"6:1 error T003"}},
		{"interpreter relative", base + "[python]\ninterpreter = \"bin/python\"\n", []string{"6:1 error T003"}},
		{"python not table", "spec = \"1\"\npython = \"3\"\n" + app, []string{"2:1 error T003"}},
		{"index url", base + "[index]\nurl = \"pypi.org/simple\"\n", []string{"6:1 error T010"}},
		{"index url scheme", base + "[index]\nurl = \"ftp://x/simple\"\n", []string{"6:1 error T010"}},
		{"extra-urls element", base + "[index]\nextra-urls = [\"https://ok/simple\", \"bad\"]\n", []string{"6:1 error T010"}},
		{"extra-urls type", base + "[index]\nextra-urls = \"https://x/simple\"\n", []string{"6:1 error T003"}},
		{"extra-urls element type", base + "[index]\nextra-urls = [1]\n", []string{"6:1 error T003"}},
		{"find-links bad url", base + "[index]\nfind-links = [\"http://\"]\n", []string{"6:1 error T010"}},
		{"no-index string", base + "[index]\nno-index = \"true\"\n", []string{"6:1 error T003"}},
		{"strategy value", base + "[index]\nstrategy = \"all\"\n", []string{"6:1 error T003"}},
		{"strategy type", base + "[index]\nstrategy = true\n", []string{"6:1 error T003"}},
		{"listen port", base + "[run]\nlisten = [\"127.0.0.1:99999\"]\n", []string{"6:1 error T008"}},
		{"listen no port", base + "[run]\nlisten = [\"localhost\"]\n", []string{"6:1 error T008"}},
		{"listen ipv6 bare", base + "[run]\nlisten = [\"::1:80\"]\n", []string{"6:1 error T008"}},
		{"listen unix relative", base + "[run]\nlisten = [\"unix:app.sock\"]\n", []string{"6:1 error T008"}},
		{"listen fd", base + "[run]\nlisten = [\"fd:x\"]\n", []string{"6:1 error T008"}},
		{"listen empty", base + "[run]\nlisten = []\n", []string{"6:1 error T008"}},
		{"listen host", base + "[run]\nlisten = [\"a_b:80\"]\n", []string{"6:1 error T008"}},
		{"workers negative", base + "[run]\nworkers = -1\n", []string{"6:1 error T003"}},
		{"threads zero", base + "[run]\nthreads = 0\n", []string{"6:1 error T003"}},
		{"threads string", base + "[run]\nthreads = \"4\"\n", []string{"6:1 error T003"}},
		{"max-body negative", base + "[run]\nmax-body-bytes = -5\n", []string{"6:1 error T003"}},
		{"duration bad", base + "[run]\ngraceful-timeout = \"30\"\n", []string{"6:1 error T009"}},
		{"duration zero", base + "[run]\nidle-timeout = \"0s\"\n", []string{"6:1 error T009"}},
		{"duration negative", base + "[run]\nread-timeout = \"-1s\"\n", []string{"6:1 error T009"}},
		{"duration int", base + "[run]\nwrite-timeout = 30\n", []string{"6:1 error T003"}},
		{"access-log", base + "[run]\naccess-log = \"stderr\"\n", []string{"6:1 error T003"}},
		{"access-log-format", base + "[run]\naccess-log-format = \"apache\"\n", []string{"6:1 error T003"}},
		{"trusted-proxies", base + "[run]\ntrusted-proxies = [\"10.0.0.0/33\"]\n", []string{"6:1 error T003"}},
		{"environment key", base + "[run.environment]\n1X = \"a\"\n", []string{"6:1 error T003"}},
		{"environment value", base + "[run.environment]\nX = 1\n", []string{"6:1 error T003"}},
		{"environment not table", base + "[run]\nenvironment = [\"X=1\"]\n", []string{"6:1 error T003"}},
		{"prefix relative", base + "[package]\nprefix = \"opt/hello\"\n", []string{"6:1 error T003"}},
		{"prefix root", base + "[package]\nprefix = \"/\"\n", []string{"6:1 error T003"}},
		{"user", base + "[package]\nuser = \"Hello\"\n", []string{"6:1 error T003"}},
		{"group", base + "[package]\ngroup = \"a b\"\n", []string{"6:1 error T003"}},
		{"external value type", base + "[package.external.deb]\nlibpq = [\"libpq5\"]\n", []string{"6:1 error T003"}},
		{"external bad package", base + "[package.external.rpm]\nlibpq = \"lib pq\"\n", []string{"6:1 error T003"}},
		{"external bad name", base + "[package.external.rpm]\n\"-x\" = \"a\"\n", []string{"6:1 error T003"}},
		{"external duplicate", base + "[package.external.rpm]\nlibpq = \"a\"\nLIBPQ = \"b\"\n", []string{"6:1 error T003"}},
		{"several sorted", "spec = \"1\"\n[app]\nname = \"x\"\nversion = \"1\"\n[run]\nworkers = -1\nthreads = 0\n",
			[]string{"4:1 error T005", "6:1 error T003", "7:1 error T003"}},
		{"crlf positions", "spec = \"1\"\r\n[app]\r\nname = \"x\"\r\nversion = \"x\"\r\n", []string{"4:1 error T005"}},
		{"bom positions", "\xef\xbb\xbfspec = 1\n" + app, []string{"1:1 error T003"}},
		{"tab and unicode positions", "spec = \"1\"\n[app]\nname = \"x\"\nversion = \"1.0.0\"\ndescription = \"é\"\t\tbad = 1\n", []string{"5:20 error T001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := parseTOMLForTest(t, tt.in)
			if got := diagSummary(ds); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v\n%s", got, tt.want, formatDiagList(ds))
			}
		})
	}
}

func TestParseBundleTOMLRequiresPython(t *testing.T) {
	// Needs the PEP 440 specifier parser.
	_, ds := parseTOMLForTest(t, minimalBundleTOML+"[python]\nrequires-python = \">=3.9,<4\"\n")
	if len(ds) != 0 {
		t.Errorf("valid requires-python: %v", ds)
	}
	for _, bad := range []string{"3.9", ">=3.9.*", ">=", "~=3"} {
		_, ds := parseTOMLForTest(t, minimalBundleTOML+"[python]\nrequires-python = \""+bad+"\"\n")
		if got := diagSummary(ds); !reflect.DeepEqual(got, []string{"6:1 error T007"}) {
			t.Errorf("requires-python %q: got %v", bad, got)
		}
	}
}

func TestParseBundleTOMLUnknownKeyHint(t *testing.T) {
	_, ds := parseTOMLForTest(t, minimalBundleTOML+"verison = \"1\"\n")
	if len(ds) != 1 || !strings.Contains(ds[0].Hint, `"version"`) || ds[0].Message != `unknown key "app.verison"` {
		t.Errorf("got %v", formatDiagList(ds))
	}
	_, ds = parseTOMLForTest(t, minimalBundleTOML+"zzzzzz = \"1\"\n")
	if len(ds) != 1 || !strings.Contains(ds[0].Hint, "name, version, description") {
		t.Errorf("got %v", formatDiagList(ds))
	}
}

func TestParseBundleTOMLPartialConfig(t *testing.T) {
	cfg, ds := parseTOMLForTest(t, "spec = \"1\"\n[app]\nname = \"x\"\nversion = \"1\"\n[run]\nthreads = 9\n")
	if !ds.HasErrors() || cfg == nil || cfg.App.Name != "x" || cfg.App.Version != "" || cfg.Run.Threads != 9 {
		t.Errorf("cfg = %+v, ds = %v", cfg, ds)
	}
	for _, in := range []string{"", "x = ", "spec = \"2\"\n"} {
		if cfg, _ := parseTOMLForTest(t, in); cfg != nil {
			t.Errorf("%q: want nil config", in)
		}
	}
}

func TestNewBundleTOML(t *testing.T) {
	out := NewBundleTOML("hello", "0.1.0", "Says\nhello \"world\"")
	cfg, ds := parseTOMLForTest(t, string(out))
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v\n%s", ds, out)
	}
	if cfg.App.Name != "hello" || cfg.App.Version != "0.1.0" || cfg.App.Description != `Says hello "world"` {
		t.Errorf("app: %+v", cfg.App)
	}
	def, _ := parseTOMLForTest(t, minimalBundleTOML)
	fresh := *cfg
	fresh.App = def.App
	if !reflect.DeepEqual(&fresh, def) {
		t.Errorf("fresh file does not give the defaults:\n%+v\n%+v", fresh, def)
	}

	// Uncommenting every setting must give a valid file with the same
	// values: the commented-out settings show the real defaults.
	setting := regexp.MustCompile(`^# (\[[a-z.]+\]|[A-Za-z_-]+ = )`)
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if setting.MatchString(l) {
			l = strings.TrimPrefix(l, "# ")
		}
		lines = append(lines, l)
	}
	uncommented := strings.Join(lines, "\n")
	if !strings.Contains(uncommented, "\n[package.external.rpm]") || !strings.Contains(uncommented, "\nidle-timeout = ") {
		t.Fatalf("uncommenting failed:\n%s", uncommented)
	}
	cfg2, ds := parseTOMLForTest(t, uncommented)
	if len(ds) != 0 {
		t.Fatalf("uncommented: %v\n%s", ds, uncommented)
	}
	if cfg2.Run.Environment["EXAMPLE_SETTING"] != "value" || cfg2.Package.External.Deb["libexample"] != "libexample1" {
		t.Errorf("examples not parsed: %+v", cfg2)
	}
	cfg2.Run.Environment = cfg.Run.Environment
	cfg2.Package.External = cfg.Package.External
	if !reflect.DeepEqual(cfg2, cfg) {
		t.Errorf("uncommented defaults differ:\n%+v\n%+v", cfg2, cfg)
	}

	// Odd values are escaped, so the file is still TOML.
	out = NewBundleTOML(`a"b\c`, "1.0.0\x01", "")
	_, ds = parseTOMLForTest(t, string(out))
	if got := diagSummary(ds); !reflect.DeepEqual(got, []string{"7:1 error T006", "8:1 error T005"}) {
		t.Errorf("odd values: %v\n%s", got, out)
	}
}

func TestScanTOMLKeys(t *testing.T) {
	in := "a = 1 # c\n[ t . \"q.k\" ]\n  x.y = { z = [1, {w = 2}], 'lit' = \"\"\"\n\"\"\" }\n[[arr]]\né = 1\nb = \"\\\"x = 1\"\nc = 2\n"
	got := scanTOMLKeys(in)
	want := map[string]keyPos{
		"a":                            {1, 1},
		"t":                            {2, 3},
		"t\x00q.k":                     {2, 7},
		"t\x00q.k\x00x":                {3, 3},
		"t\x00q.k\x00x\x00y":           {3, 5},
		"t\x00q.k\x00x\x00y\x00z":      {3, 11},
		"t\x00q.k\x00x\x00y\x00z\x00w": {3, 20},
		"t\x00q.k\x00x\x00y\x00lit":    {3, 29},
		"arr":                          {5, 3},
		"arr\x00b":                     {7, 1},
		"arr\x00c":                     {8, 1},
	}
	delete(got, "arr\x00é") // not a bare key: the decoder rejects it
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	// Never fails or loops on garbage.
	for _, s := range []string{"", "[", "[[", "\"", "'''", "a = [", "a = {", "= = =", "\"\\u12", "a = \"\"\"\\"} {
		scanTOMLKeys(s)
	}
}

func TestCheckListen(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:8000", "[::1]:80", ":9000", "unix:/a.sock", "fd:0", "example.com:443", "localhost:1"} {
		if p := checkListen(ok); p != "" {
			t.Errorf("%q: %s", ok, p)
		}
	}
	for _, bad := range []string{"", ":", ":0", ":+80", "x:-1", "[::1:80", "[1.2.3.4]:80", "::1:80", "unix:", "fd:", "fd:-1", "a..b:80", "-a:80"} {
		if checkListen(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestValidSPDX(t *testing.T) {
	for s, want := range map[string]bool{
		"MIT": true, "Apache-2.0 OR MIT": true, "(MIT OR Apache-2.0) AND BSD-3-Clause": true,
		"GPL-2.0-or-later WITH Classpath-exception-2.0": true, "LicenseRef-Proprietary": true, "GPL-2.0+": true,
		"MIT OR": false, "OR MIT": false, "(MIT": false, "MIT)": false, "MIT BSD": false, "M/T": false, "()": false,
	} {
		if validSPDX(s) != want {
			t.Errorf("validSPDX(%q) = %v", s, !want)
		}
	}
}

// designExample is the annotated bundle.toml of design.md, every key with
// its default (or an example value), verbatim.
const designExample = `spec = "1"                 # REQUIRED. string. spec version of the standard. Current: "1".

[app]                      # REQUIRED table
name = "hello"             # REQUIRED. PEP 508 project name; SHOULD be lower-case ASCII [a-z0-9-] (used for
                           #   package names and the service user). Regex: ^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$
version = "1.0.0"          # REQUIRED. semver 2.0, full MAJOR.MINOR.PATCH (semver.StrictNewVersion); used for package versions
description = ""           # default "". one line.
license = ""               # default "". SPDX expression, e.g. "MIT".
maintainer = ""            # default "". "Name <email>".
homepage = ""              # default "". absolute http(s) URL.

[python]
requires-python = ""       # default "" (any). PEP 440 specifier set, e.g. ">=3.9".
interpreter = ""           # default "" (search: python3.X on PATH matching requires-python, then python3).
                           #   A command name or an absolute path.

[index]                    # where pin/sync find distributions. Defaults when the table is absent:
url = "https://pypi.org/simple"   # default that. PEP 503/691 simple index base URL (http, https or file).
extra-urls = []            # default []. more simple indexes, consulted after url.
find-links = []            # default []. directories or URLs of wheels (relative paths are relative to the bundle).
no-index = false           # default false. true: use only find-links.
strategy = "first-index"   # default "first-index". or "unsafe-best-match" (merges every index's files).

[run]
listen = ["127.0.0.1:8000"]  # default that. each: "HOST:PORT", "[::1]:PORT", ":PORT", "unix:/path/to.sock", "fd:N"
workers = 1                # default 1. processes; 0 means one per CPU. integer >= 0.
threads = 4                # default 4. Python threads per process. integer >= 1.
max-body-bytes = 10485760  # default 10485760 (10 MiB). integer >= 0; request bodies above it get 413.
graceful-timeout = "30s"   # default "30s". Go duration string (time.ParseDuration syntax), > 0 for all timeouts.
read-header-timeout = "10s"# default "10s".
read-timeout = "60s"       # default "60s".
write-timeout = "60s"      # default "60s".
idle-timeout = "120s"      # default "120s".
access-log = "stdout"      # default "stdout". "stdout", "syslog" or "off".
access-log-format = "combined" # default "combined". "common", "combined" or "json".
trusted-proxies = []       # default [] (X-Forwarded-* ignored). CIDRs or IPs.
[run.environment]          # default {}. string -> string, set for the app process. Keys: ^[A-Za-z_][A-Za-z0-9_]*$

[package]
prefix = ""                # default "/opt/<app.name>". absolute path where rpm/deb install the app.
user = ""                  # default <app.name>. service user.
group = ""                 # default same as user.
[package.external.deb]     # default {}. external dependency name (as in external-dependencies.txt, normalized)
libfoo = "libfoo1"         #   -> Debian package name(s), comma-separated string. Overrides the built-in table.
[package.external.rpm]     # same for RPM.
`

func TestParseBundleTOMLDesignExample(t *testing.T) {
	cfg, ds := parseTOMLForTest(t, designExample)
	if len(ds) != 0 {
		t.Fatalf("diagnostics:\n%s", formatDiagList(ds))
	}
	def, _ := parseTOMLForTest(t, minimalBundleTOML)
	def.Package.External.Deb["libfoo"] = "libfoo1"
	if !reflect.DeepEqual(cfg, def) {
		t.Errorf("the design's example does not give the defaults:\n%+v\n%+v", cfg, def)
	}
}
