package spec

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/Masterminds/semver/v3"
)

// SpecVersion is the version of the standard this package implements, the
// value of bundle.toml's spec key.
const SpecVersion = "1"

// DefaultIndexURL is the default of [index] url.
const DefaultIndexURL = "https://pypi.org/simple"

// Config is a parsed bundle.toml. ParseBundleTOML fills in every default,
// so a zero field means the file said zero (or the value was invalid).
type Config struct {
	// Spec is the version of the standard the bundle follows. Required;
	// "1" is the only version this package implements.
	Spec string

	// App describes the app. The [app] table is required.
	App App

	// Python says which interpreter runs the app.
	Python Python

	// Index says where `bundle pin` and `bundle sync` find distributions.
	Index Index

	// Run configures the server.
	Run Run

	// Package configures the rpm and deb packages `bundle build` makes.
	Package Package
}

// App is the [app] table.
type App struct {
	// Name is the app's name, key "name". Required. A PEP 508 project name
	// (^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$); it should be lower-case
	// ASCII letters, digits and "-", as it names the packages and the
	// service user (otherwise T006 is a warning).
	Name string

	// Version is the app's version, key "version". Required. Semantic
	// versioning 2.0 with all of MAJOR.MINOR.PATCH, such as "1.0.0"; it
	// becomes the package version.
	Version string

	// Description is a one-line summary, key "description". Default "".
	Description string

	// License is an SPDX license expression such as "MIT", key "license".
	// Default "".
	License string

	// Maintainer is "Name <email>", key "maintainer". Default "".
	Maintainer string

	// Homepage is an absolute http or https URL, key "homepage".
	// Default "".
	Homepage string
}

// Python is the [python] table.
type Python struct {
	// RequiresPython is a PEP 440 specifier set such as ">=3.9", key
	// "requires-python". Default "" (any version).
	RequiresPython string

	// RequiresPythonSet is RequiresPython parsed; empty (matching every
	// version) by default.
	RequiresPythonSet SpecifierSet

	// Interpreter is a command name or an absolute path, key
	// "interpreter". Default "": search PATH for a python3.X matching
	// RequiresPython, then python3.
	Interpreter string
}

// Index is the [index] table.
type Index struct {
	// URL is the base URL of a PEP 503/691 simple index (http, https or
	// file), key "url". Default DefaultIndexURL, "https://pypi.org/simple".
	URL string

	// ExtraURLs are more simple indexes, consulted after URL, key
	// "extra-urls". Default none (an empty, non-nil slice).
	ExtraURLs []string

	// FindLinks are directories (relative to the bundle) or URLs holding
	// wheels, key "find-links". Default none (an empty, non-nil slice).
	FindLinks []string

	// NoIndex, when true, uses only FindLinks, key "no-index".
	// Default false.
	NoIndex bool

	// Strategy says which indexes supply a project's files, key
	// "strategy": IndexFirst ("first-index", the default), the first
	// index that has the project, or IndexBestMatch
	// ("unsafe-best-match"), every index that has it, merged.
	Strategy string
}

// The values of [index] strategy.
const (
	// IndexFirst: for each project, the first index that has it (url,
	// then extra-urls in order) supplies all of its files.
	IndexFirst = "first-index"
	// IndexBestMatch: the files of every index that has a project are
	// merged, and the best version among them is chosen. Unsafe: see
	// SPEC.md 5.5 (dependency confusion).
	IndexBestMatch = "unsafe-best-match"
)

// Run is the [run] table.
type Run struct {
	// Listen are the addresses to serve on, key "listen": "HOST:PORT",
	// "[::1]:PORT", ":PORT", "unix:/path/to.sock" or "fd:N".
	// Default ["127.0.0.1:8000"].
	Listen []string

	// Workers is the number of processes, 0 meaning one per CPU, key
	// "workers". Default 1.
	Workers int

	// Threads is the number of Python threads per process (>= 1), key
	// "threads". Default 4.
	Threads int

	// MaxBodyBytes is the largest request body accepted; larger ones get
	// 413. Key "max-body-bytes". Default 10485760 (10 MiB).
	MaxBodyBytes int64

	// GracefulTimeout is how long a stopping server waits for requests in
	// flight, key "graceful-timeout". Default 30s.
	GracefulTimeout time.Duration

	// ReadHeaderTimeout, key "read-header-timeout". Default 10s.
	ReadHeaderTimeout time.Duration

	// ReadTimeout, key "read-timeout". Default 60s.
	ReadTimeout time.Duration

	// WriteTimeout, key "write-timeout". Default 60s.
	WriteTimeout time.Duration

	// IdleTimeout, key "idle-timeout". Default 120s.
	IdleTimeout time.Duration

	// AccessLog is "stdout", "syslog" or "off", key "access-log".
	// Default "stdout".
	AccessLog string

	// AccessLogFormat is "common", "combined" or "json", key
	// "access-log-format". Default "combined".
	AccessLogFormat string

	// TrustedProxies are IPs and CIDRs whose X-Forwarded-* headers are
	// believed, key "trusted-proxies". Default none (an empty, non-nil
	// slice: the headers are ignored).
	TrustedProxies []string

	// Environment is set for the app process, table [run.environment].
	// Keys match ^[A-Za-z_][A-Za-z0-9_]*$. Default empty.
	Environment map[string]string
}

// Package is the [package] table.
type Package struct {
	// Prefix is the absolute path where the packages install the app, key
	// "prefix". Default ("" in the file, too) "/opt/" + App.Name.
	Prefix string

	// User is the service user, key "user". Default ("" in the file, too)
	// App.Name.
	User string

	// Group is the service group, key "group". Default ("" in the file,
	// too) User.
	Group string

	// External maps external dependency names to distribution packages,
	// tables [package.external.deb] and [package.external.rpm].
	External PackageExternal
}

// PackageExternal holds the [package.external.*] tables: external
// dependency name (normalized with NormalizeExternalName) to a
// comma-separated list of package names ("" for none), overriding the
// built-in table (see DistroPackages). Both maps are non-nil, empty by
// default.
type PackageExternal struct {
	Deb map[string]string
	RPM map[string]string
}

// Defaults of the keys that have fixed ones.
var (
	defaultListen            = []string{"127.0.0.1:8000"}
	defaultWorkers           = 1
	defaultThreads           = 4
	defaultMaxBodyBytes      = int64(10 << 20)
	defaultGracefulTimeout   = 30 * time.Second
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = 60 * time.Second
	defaultWriteTimeout      = 60 * time.Second
	defaultIdleTimeout       = 120 * time.Second
)

// newDefaultConfig returns a Config with every default that does not
// depend on the app name.
func newDefaultConfig() *Config {
	return &Config{
		Index: Index{URL: DefaultIndexURL, ExtraURLs: []string{}, FindLinks: []string{}, Strategy: IndexFirst},
		Run: Run{
			Listen:            append([]string(nil), defaultListen...),
			Workers:           defaultWorkers,
			Threads:           defaultThreads,
			MaxBodyBytes:      defaultMaxBodyBytes,
			GracefulTimeout:   defaultGracefulTimeout,
			ReadHeaderTimeout: defaultReadHeaderTimeout,
			ReadTimeout:       defaultReadTimeout,
			WriteTimeout:      defaultWriteTimeout,
			IdleTimeout:       defaultIdleTimeout,
			AccessLog:         "stdout",
			AccessLogFormat:   "combined",
			TrustedProxies:    []string{},
			Environment:       map[string]string{},
		},
		Package: Package{External: PackageExternal{Deb: map[string]string{}, RPM: map[string]string{}}},
	}
}

const hintEmptyTOML = "run `bundle init` to write a fresh bundle.toml, or write spec = \"1\" and an [app] table"

// ParseBundleTOML parses a bundle.toml read from r; file names it in
// diagnostics. Defaults are applied while parsing, so the returned Config
// is complete. The Config is nil when the file cannot be read, is empty,
// is not TOML, or declares a spec version newer than SpecVersion (B005);
// otherwise it is returned even when there are errors, filled in as far as
// the valid values go.
func ParseBundleTOML(r io.Reader, file string) (*Config, Diagnostics) {
	cfg, ds := parseBundleTOML(r, file)
	return cfg, finish(ds)
}

func parseBundleTOML(r io.Reader, file string) (*Config, Diagnostics) {
	t, ds := readText(r, file, hintEmptyTOML)
	if t == nil {
		return nil, ds
	}
	if t.Blank() {
		return nil, Diagnostics{{File: file, Severity: SeverityError, Code: "B003",
			Message: "file is empty", Hint: hintEmptyTOML}}
	}
	m, err := decodeTOML(t.Content)
	if err != nil {
		return nil, Diagnostics{tomlSyntaxDiag(t, err)}
	}
	c := &tomlChecker{file: file, text: t, keys: scanTOMLKeys(t.Content)}
	cfg := c.config(m)
	return cfg, c.diags
}

// decodeTOML decodes s, turning a panic in the decoder into an error.
func decodeTOML(s string) (m map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("toml decoder failed: %v", r)
		}
	}()
	_, err = toml.Decode(s, &m)
	return m, err
}

// tomlSyntaxDiag turns a decode error into T001 at its position.
func tomlSyntaxDiag(t *Text, err error) Diagnostic {
	d := Diagnostic{File: t.File, Severity: SeverityError, Code: "T001",
		Hint: "fix the TOML syntax at this position (TOML is described at https://toml.io/en/v1.0.0)"}
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		d.Message = "toml syntax error: " + oneLine(lowerFirst(err.Error()))
		return d
	}
	d.Message = "toml syntax error: " + oneLine(lowerFirst(strings.TrimSuffix(strings.TrimSpace(pe.Message), ".")))
	line := pe.Position.Line
	if line < 1 || len(t.Lines) == 0 {
		return d
	}
	if line > len(t.Lines) {
		last := t.Lines[len(t.Lines)-1]
		d.Line, d.Column = last.Num, colAt(last.Text, len(last.Text))
		return d
	}
	// The byte offset of line's start in the content.
	start := 0
	for i := 0; i < line-1; i++ {
		j := strings.IndexByte(t.Content[start:], '\n')
		if j < 0 {
			break
		}
		start += j + 1
	}
	lt := t.Lines[line-1].Text
	d.Line = line
	switch {
	case pe.Position.Start >= start && pe.Position.Start <= start+len(lt):
		off := pe.Position.Start - start
		// The decoder often points at the blank before the offending
		// token: point at the token.
		if rest := strings.TrimLeft(lt[off:], " \t"); rest != "" {
			off = len(lt) - len(rest)
		}
		d.Column = colAt(lt, off)
	case pe.Position.Start > start+len(lt):
		d.Column = colAt(lt, len(lt))
	default:
		d.Column = 1
	}
	return d
}

// oneLine escapes control characters, so a message stays on one line.
func oneLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lowerFirst lower-cases the first letter of s unless the second one is
// upper-case too (an acronym such as "TOML").
func lowerFirst(s string) string {
	if len(s) >= 2 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z') {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// keyPos is the position of a key in the TOML text.
type keyPos struct{ line, col int }

// tomlChecker validates the decoded document against the bundle.toml
// schema, collecting diagnostics.
type tomlChecker struct {
	file  string
	text  *Text
	keys  map[string]keyPos
	diags Diagnostics
}

func pathKey(p []string) string { return strings.Join(p, "\x00") }

// at returns the position of the key at path, or of the nearest enclosing
// table that has one, or 0, 0.
func (c *tomlChecker) at(p []string) (int, int) {
	for n := len(p); n > 0; n-- {
		if kp, ok := c.keys[pathKey(p[:n])]; ok {
			return kp.line, kp.col
		}
	}
	return 0, 0
}

func (c *tomlChecker) report(sev Severity, code string, p []string, msg, hint string) {
	line, col := c.at(p)
	c.diags = append(c.diags, Diagnostic{File: c.file, Line: line, Column: col,
		Severity: sev, Code: code, Message: msg, Hint: hint})
}

func (c *tomlChecker) errorf(code string, p []string, hint, format string, args ...any) {
	c.report(SeverityError, code, p, fmt.Sprintf(format, args...), hint)
}

var reBareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// dotted formats a key path as TOML would write it.
func dotted(p []string) string {
	parts := make([]string, len(p))
	for i, k := range p {
		if reBareKey.MatchString(k) {
			parts[i] = k
		} else {
			parts[i] = tomlQuote(k)
		}
	}
	return strings.Join(parts, ".")
}

func child(p []string, k string) []string {
	q := make([]string, len(p)+1)
	copy(q, p)
	q[len(p)] = k
	return q
}

// typeName names the TOML type of a decoded value.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date-time"
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

// table checks that the value at p is a table.
func (c *tomlChecker) table(v any, p []string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		c.errorf("T003", p, fmt.Sprintf("write it as a table, [%s], with its keys below", dotted(p)),
			"%s must be a table, not %s", dotted(p), typeName(v))
	}
	return m, ok
}

// unknownKeys reports T002 for each key of tbl that is not in known.
func (c *tomlChecker) unknownKeys(tbl map[string]any, p []string, known []string, where string) {
	for _, k := range sortedKeys(tbl) {
		if contains(known, k) {
			continue
		}
		hint := fmt.Sprintf("remove it; %s accepts %s", where, joinWords(known))
		if s := closest(k, known); s != "" {
			hint = fmt.Sprintf("rename it to %q if that is what you meant, or remove it", s)
		}
		c.errorf("T002", child(p, k), hint, "unknown key %q", dotted(child(p, k)))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// joinWords joins words as "a, b and c".
func joinWords(w []string) string {
	switch len(w) {
	case 0:
		return "nothing"
	case 1:
		return w[0]
	}
	return strings.Join(w[:len(w)-1], ", ") + " and " + w[len(w)-1]
}

// closest returns the word of known nearest to s by edit distance, if it
// is near enough to be a likely misspelling.
func closest(s string, known []string) string {
	best, bestD := "", math.MaxInt
	for _, k := range known {
		if d := editDistance(strings.ToLower(s), k); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD <= 2 && bestD < len(best) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return math.MaxInt
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// str returns the string at tbl[k]; ok is false when absent or not a
// string (T003).
func (c *tomlChecker) str(tbl map[string]any, p []string, k, example string) (string, bool) {
	v, present := tbl[k]
	if !present {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		c.errorf("T003", child(p, k), fmt.Sprintf("write it as a quoted string, such as %s = %s", k, example),
			"%s must be a string, not %s", dotted(child(p, k)), typeName(v))
	}
	return s, ok
}

// integer returns the integer at tbl[k] if it is in [lo, hi].
func (c *tomlChecker) integer(tbl map[string]any, p []string, k string, lo, hi int64, example string) (int64, bool) {
	v, present := tbl[k]
	if !present {
		return 0, false
	}
	n, ok := v.(int64)
	if !ok {
		c.errorf("T003", child(p, k), fmt.Sprintf("write it as an integer without quotes, such as %s = %s", k, example),
			"%s must be an integer, not %s", dotted(child(p, k)), typeName(v))
		return 0, false
	}
	if n < lo || n > hi {
		c.errorf("T003", child(p, k), fmt.Sprintf("write an integer from %d to %d, such as %s = %s", lo, hi, k, example),
			"%s is %d, out of range", dotted(child(p, k)), n)
		return 0, false
	}
	return n, true
}

func (c *tomlChecker) boolean(tbl map[string]any, p []string, k string) (bool, bool) {
	v, present := tbl[k]
	if !present {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		c.errorf("T003", child(p, k), fmt.Sprintf("write true or false without quotes, such as %s = true", k),
			"%s must be a boolean, not %s", dotted(child(p, k)), typeName(v))
	}
	return b, ok
}

// strList returns the array of strings at tbl[k]; each element is checked
// with check (which returns a problem, or ""), reported with code.
func (c *tomlChecker) strList(tbl map[string]any, p []string, k, example, code string, check func(string) string, hint string) ([]string, bool) {
	v, present := tbl[k]
	if !present {
		return nil, false
	}
	arr, ok := v.([]any)
	if !ok {
		c.errorf("T003", child(p, k), fmt.Sprintf("write it as an array of strings, such as %s = %s", k, example),
			"%s must be an array of strings, not %s", dotted(child(p, k)), typeName(v))
		return nil, false
	}
	out := make([]string, 0, len(arr))
	good := true
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			c.errorf("T003", child(p, k), fmt.Sprintf("write it as an array of strings, such as %s = %s", k, example),
				"%s[%d] must be a string, not %s", dotted(child(p, k)), i, typeName(e))
			good = false
			continue
		}
		if check != nil {
			if problem := check(s); problem != "" {
				c.errorf(code, child(p, k), hint, "%s[%d] %q %s", dotted(child(p, k)), i, s, problem)
				good = false
				continue
			}
		}
		out = append(out, s)
	}
	return out, good
}

func (c *tomlChecker) config(m map[string]any) *Config {
	cfg := newDefaultConfig()
	root := []string{}
	c.unknownKeys(m, root, []string{"spec", "app", "python", "index", "run", "package"}, "the top level")

	// spec
	if v, present := m["spec"]; !present {
		c.report(SeverityError, "T004", nil, "missing required key spec",
			"add spec = \"1\" at the top of the file")
	} else if s, ok := v.(string); !ok {
		c.errorf("T003", []string{"spec"}, "write it as a string: spec = \"1\"",
			"spec must be a string, not %s", typeName(v))
	} else if !reSpec.MatchString(s) {
		c.errorf("T003", []string{"spec"}, "write spec = \"1\"",
			"spec %q is not a positive integer string", s)
	} else if s != SpecVersion {
		line, col := c.at([]string{"spec"})
		return nil2(c, Diagnostic{File: c.file, Line: line, Column: col, Severity: SeverityError,
			Code: "B005", Message: fmt.Sprintf("bundle.toml declares spec %s, this tool implements spec %s", s, SpecVersion),
			Hint: "upgrade bundle to a version that implements spec " + s})
	} else {
		cfg.Spec = s
	}

	c.app(m, cfg)
	c.python(m, cfg)
	c.index(m, cfg)
	c.run(m, cfg)
	c.pkg(m, cfg)
	return cfg
}

// nil2 replaces all diagnostics with d and returns a nil Config: a newer
// spec makes every other finding meaningless.
func nil2(c *tomlChecker, d Diagnostic) *Config {
	c.diags = Diagnostics{d}
	return nil
}

var (
	reSpec         = regexp.MustCompile(`^[1-9][0-9]*$`)
	reNameSeps     = regexp.MustCompile(`[._-]+`)
	reAppName      = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$`)
	reAppNameLower = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	reMaintainer   = regexp.MustCompile(`^[^<>\n]*[^<>\s] <[^<>\s@]+@[^<>\s@]+>$`)
	reEnvKey       = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reUnixUser     = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,30}\$?$`)
	rePackageName  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+_-]*$`)
	reSPDXID       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.:-]*\+?$`)
)

func (c *tomlChecker) app(m map[string]any, cfg *Config) {
	p := []string{"app"}
	v, present := m["app"]
	if !present {
		c.report(SeverityError, "T004", nil, "missing required table [app]",
			"add an [app] table with name and version, such as [app] name = \"hello\" version = \"1.0.0\"")
		return
	}
	tbl, ok := c.table(v, p)
	if !ok {
		return
	}
	c.unknownKeys(tbl, p, []string{"name", "version", "description", "license", "maintainer", "homepage"}, "[app]")

	if _, present := tbl["name"]; !present {
		c.report(SeverityError, "T004", p, "missing required key app.name",
			"add name = \"NAME\" to [app], in lower-case letters, digits and -")
	} else if s, ok := c.str(tbl, p, "name", `"hello"`); ok {
		switch {
		case !reAppName.MatchString(s):
			c.errorf("T006", child(p, "name"),
				"use letters, digits, and . _ - inside, starting and ending with a letter or digit, such as \"hello-api\"",
				"app.name %q is not a valid project name", s)
		case !reAppNameLower.MatchString(s):
			c.report(SeverityWarning, "T006", child(p, "name"),
				fmt.Sprintf("app.name %q should be lower-case letters, digits and -", s),
				fmt.Sprintf("rename the app to %q: the name is used for package names and the service user", suggestName(s)))
			cfg.App.Name = s
		default:
			cfg.App.Name = s
		}
	}
	if _, present := tbl["version"]; !present {
		c.report(SeverityError, "T004", p, "missing required key app.version",
			"add version = \"1.0.0\" to [app], in semantic versioning form MAJOR.MINOR.PATCH")
	} else if s, ok := c.str(tbl, p, "version", `"1.0.0"`); ok {
		if _, err := semver.StrictNewVersion(s); err != nil {
			why := ""
			if !errors.Is(err, semver.ErrInvalidSemVer) {
				why = ": " + lowerFirst(strings.TrimSuffix(err.Error(), "."))
			}
			c.errorf("T005", child(p, "version"),
				"write a semantic version with all three numbers, such as \"1.0.0\" or \"2.1.0-rc.1\"",
				"app.version %q is not a semantic version%s", s, why)
		} else {
			cfg.App.Version = s
		}
	}
	if s, ok := c.str(tbl, p, "description", `"A small web app"`); ok {
		if strings.ContainsAny(s, "\r\n") {
			c.errorf("T003", child(p, "description"), "write the description on one line",
				"app.description must be one line")
		} else {
			cfg.App.Description = s
		}
	}
	if s, ok := c.str(tbl, p, "license", `"MIT"`); ok {
		if s != "" && !validSPDX(s) {
			c.errorf("T003", child(p, "license"),
				"write an SPDX license expression, such as \"MIT\" or \"Apache-2.0 OR MIT\"",
				"app.license %q is not an SPDX license expression", s)
		} else {
			cfg.App.License = s
		}
	}
	if s, ok := c.str(tbl, p, "maintainer", `"Jane Doe <jane@example.com>"`); ok {
		if s != "" && !reMaintainer.MatchString(s) {
			c.errorf("T003", child(p, "maintainer"),
				"write the maintainer as \"Name <email>\", such as \"Jane Doe <jane@example.com>\"",
				"app.maintainer %q is not of the form \"Name <email>\"", s)
		} else {
			cfg.App.Maintainer = s
		}
	}
	if s, ok := c.str(tbl, p, "homepage", `"https://example.com/"`); ok {
		if problem := checkURL(s, "http", "https"); s != "" && problem != "" {
			c.errorf("T010", child(p, "homepage"), "write an absolute http or https URL, such as \"https://example.com/\"",
				"app.homepage %q %s", s, problem)
		} else {
			cfg.App.Homepage = s
		}
	}
}

// suggestName turns an app name into the recommended lower-case form.
func suggestName(s string) string {
	s = strings.ToLower(s)
	s = reNameSeps.ReplaceAllString(s, "-")
	return strings.Trim(s, "-")
}

// validSPDX is a light check of SPDX license expression syntax:
// identifiers joined by AND, OR and WITH, with parentheses.
func validSPDX(s string) bool {
	s = strings.NewReplacer("(", " ( ", ")", " ) ").Replace(s)
	depth, wantOperand := 0, true
	for _, tok := range strings.Fields(s) {
		switch {
		case tok == "(":
			if !wantOperand {
				return false
			}
			depth++
		case tok == ")":
			if wantOperand || depth == 0 {
				return false
			}
			depth--
		case tok == "AND" || tok == "OR" || tok == "WITH":
			if wantOperand {
				return false
			}
			wantOperand = true
		default:
			if !wantOperand || !reSPDXID.MatchString(tok) {
				return false
			}
			wantOperand = false
		}
	}
	return depth == 0 && !wantOperand
}

// checkURL returns what is wrong with s as an absolute URL with one of the
// schemes, or "".
func checkURL(s string, schemes ...string) string {
	if strings.TrimSpace(s) != s || strings.ContainsAny(s, " \t\r\n") {
		return "contains white space"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "is not a valid URL"
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "" {
		return "is not an absolute URL"
	}
	if !contains(schemes, scheme) {
		return fmt.Sprintf("has scheme %q, want %s", u.Scheme, joinOr(schemes))
	}
	if scheme == "file" {
		if u.Path == "" {
			return "has no path"
		}
		return ""
	}
	if u.Host == "" {
		return "has no host"
	}
	return ""
}

func joinOr(w []string) string {
	if len(w) < 2 {
		return strings.Join(w, "")
	}
	return strings.Join(w[:len(w)-1], ", ") + " or " + w[len(w)-1]
}

func (c *tomlChecker) python(m map[string]any, cfg *Config) {
	p := []string{"python"}
	v, present := m["python"]
	if !present {
		return
	}
	tbl, ok := c.table(v, p)
	if !ok {
		return
	}
	c.unknownKeys(tbl, p, []string{"requires-python", "interpreter"}, "[python]")
	if s, ok := c.str(tbl, p, "requires-python", `">=3.9"`); ok {
		set, err := ParseSpecifierSet(s)
		if err != nil {
			_, msg, hint := syntaxErrorAt(err, len(s))
			if hint == "" {
				hint = "write a PEP 440 specifier set, such as \">=3.9\" or \">=3.9,<4\""
			}
			c.errorf("T007", child(p, "requires-python"), hint,
				"python.requires-python %q is not a specifier set: %s", s, msg)
		} else {
			cfg.Python.RequiresPython = s
			cfg.Python.RequiresPythonSet = set
		}
	}
	if s, ok := c.str(tbl, p, "interpreter", `"python3.12"`); ok {
		switch {
		case strings.ContainsAny(s, "\x00\r\n"):
			c.errorf("T003", child(p, "interpreter"), "write a command name such as \"python3.12\" or an absolute path",
				"python.interpreter must be one line")
		case strings.Contains(s, "/") && !strings.HasPrefix(s, "/"):
			c.errorf("T003", child(p, "interpreter"),
				"write a command name found on PATH, such as \"python3.12\", or an absolute path, such as \"/usr/bin/python3\"",
				"python.interpreter %q is a relative path", s)
		default:
			cfg.Python.Interpreter = s
		}
	}
}

func (c *tomlChecker) index(m map[string]any, cfg *Config) {
	p := []string{"index"}
	v, present := m["index"]
	if !present {
		return
	}
	tbl, ok := c.table(v, p)
	if !ok {
		return
	}
	c.unknownKeys(tbl, p, []string{"url", "extra-urls", "find-links", "no-index", "strategy"}, "[index]")
	indexURL := func(s string) string { return checkURL(s, "http", "https", "file") }
	if s, ok := c.str(tbl, p, "url", `"https://pypi.org/simple"`); ok {
		if problem := indexURL(s); problem != "" {
			c.errorf("T010", child(p, "url"), "write the base URL of a simple index, such as \"https://pypi.org/simple\"",
				"index.url %q %s", s, problem)
		} else {
			cfg.Index.URL = s
		}
	}
	if l, ok := c.strList(tbl, p, "extra-urls", `["https://example.com/simple"]`, "T010", indexURL,
		"write the base URL of a simple index, such as \"https://example.com/simple\""); ok {
		cfg.Index.ExtraURLs = l
	}
	findLink := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "is empty"
		}
		if strings.Contains(s, "://") {
			return checkURL(s, "http", "https", "file")
		}
		return ""
	}
	if l, ok := c.strList(tbl, p, "find-links", `["wheels"]`, "T010", findLink,
		"write a directory (relative to the bundle) or an http, https or file URL"); ok {
		cfg.Index.FindLinks = l
	}
	if b, ok := c.boolean(tbl, p, "no-index"); ok {
		cfg.Index.NoIndex = b
	}
	if s, ok := c.str(tbl, p, "strategy", `"first-index"`); ok {
		if s != IndexFirst && s != IndexBestMatch {
			c.errorf("T003", child(p, "strategy"),
				"write \"first-index\" (the default: the first index that has a project supplies it) or \"unsafe-best-match\" (merge every index's files)",
				"index.strategy %q is not one of first-index and unsafe-best-match", s)
		} else {
			cfg.Index.Strategy = s
		}
	}
}

// checkListen returns what is wrong with a listen address, or "".
func checkListen(s string) string {
	switch {
	case strings.HasPrefix(s, "unix:"):
		if !strings.HasPrefix(s[len("unix:"):], "/") {
			return "needs an absolute socket path after unix:"
		}
		return ""
	case strings.HasPrefix(s, "fd:"):
		n := s[len("fd:"):]
		if _, err := strconv.ParseUint(n, 10, 31); err != nil || n == "" || n[0] == '+' {
			return "needs a file descriptor number after fd:"
		}
		return ""
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "has no port"
	}
	host, port := s[:i], s[i+1:]
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 || port[0] == '+' {
		return fmt.Sprintf("has port %q, want 1 to 65535", port)
	}
	if strings.HasPrefix(host, "[") {
		if !strings.HasSuffix(host, "]") {
			return "has an unclosed [ around its IPv6 address"
		}
		a, err := netip.ParseAddr(host[1 : len(host)-1])
		if err != nil || !a.Is6() {
			return "has an invalid IPv6 address in brackets"
		}
		return ""
	}
	if host == "" {
		return ""
	}
	if strings.Contains(host, ":") {
		return "has an IPv6 address without brackets"
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	if !validHostname(host) {
		return fmt.Sprintf("has invalid host %q", host)
	}
	return ""
}

// validHostname checks DNS name syntax (letters, digits, -, dots).
func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			ch := label[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
				return false
			}
		}
	}
	return true
}

func (c *tomlChecker) run(m map[string]any, cfg *Config) {
	p := []string{"run"}
	v, present := m["run"]
	if !present {
		return
	}
	tbl, ok := c.table(v, p)
	if !ok {
		return
	}
	c.unknownKeys(tbl, p, []string{"listen", "workers", "threads", "max-body-bytes", "graceful-timeout",
		"read-header-timeout", "read-timeout", "write-timeout", "idle-timeout", "access-log",
		"access-log-format", "trusted-proxies", "environment"}, "[run]")

	if l, ok := c.strList(tbl, p, "listen", `["127.0.0.1:8000"]`, "T008", checkListen,
		"write HOST:PORT, [IPv6]:PORT, :PORT, unix:/path/to.sock or fd:N, such as \"127.0.0.1:8000\""); ok {
		if len(l) == 0 {
			c.errorf("T008", child(p, "listen"), "give at least one address, such as listen = [\"127.0.0.1:8000\"]",
				"run.listen is empty")
		} else {
			cfg.Run.Listen = l
		}
	}
	if n, ok := c.integer(tbl, p, "workers", 0, math.MaxInt32, "1"); ok {
		cfg.Run.Workers = int(n)
	}
	if n, ok := c.integer(tbl, p, "threads", 1, math.MaxInt32, "4"); ok {
		cfg.Run.Threads = int(n)
	}
	if n, ok := c.integer(tbl, p, "max-body-bytes", 0, math.MaxInt64, "10485760"); ok {
		cfg.Run.MaxBodyBytes = n
	}
	for _, d := range []struct {
		key string
		dst *time.Duration
	}{
		{"graceful-timeout", &cfg.Run.GracefulTimeout},
		{"read-header-timeout", &cfg.Run.ReadHeaderTimeout},
		{"read-timeout", &cfg.Run.ReadTimeout},
		{"write-timeout", &cfg.Run.WriteTimeout},
		{"idle-timeout", &cfg.Run.IdleTimeout},
	} {
		s, ok := c.str(tbl, p, d.key, `"30s"`)
		if !ok {
			continue
		}
		dur, err := time.ParseDuration(s)
		switch {
		case err != nil:
			c.errorf("T009", child(p, d.key), "write a duration such as \"30s\", \"1m30s\" or \"500ms\"",
				"run.%s %q is not a duration", d.key, s)
		case dur <= 0:
			c.errorf("T009", child(p, d.key), "write a duration greater than zero, such as \"30s\"",
				"run.%s %q must be greater than zero", d.key, s)
		default:
			*d.dst = dur
		}
	}
	if s, ok := c.str(tbl, p, "access-log", `"stdout"`); ok {
		if !contains([]string{"stdout", "syslog", "off"}, s) {
			c.errorf("T003", child(p, "access-log"), "write \"stdout\", \"syslog\" or \"off\"",
				"run.access-log %q is not one of stdout, syslog and off", s)
		} else {
			cfg.Run.AccessLog = s
		}
	}
	if s, ok := c.str(tbl, p, "access-log-format", `"combined"`); ok {
		if !contains([]string{"common", "combined", "json"}, s) {
			c.errorf("T003", child(p, "access-log-format"), "write \"common\", \"combined\" or \"json\"",
				"run.access-log-format %q is not one of common, combined and json", s)
		} else {
			cfg.Run.AccessLogFormat = s
		}
	}
	proxy := func(s string) string {
		if _, err := netip.ParsePrefix(s); err == nil {
			return ""
		}
		if _, err := netip.ParseAddr(s); err == nil {
			return ""
		}
		return "is not an IP address or CIDR"
	}
	if l, ok := c.strList(tbl, p, "trusted-proxies", `["10.0.0.0/8"]`, "T003", proxy,
		"write IP addresses or CIDRs, such as \"10.0.0.1\" or \"10.0.0.0/8\""); ok {
		cfg.Run.TrustedProxies = l
	}
	if v, present := tbl["environment"]; present {
		ep := child(p, "environment")
		if env, ok := c.table(v, ep); ok {
			for _, k := range sortedKeys(env) {
				val := env[k]
				if !reEnvKey.MatchString(k) {
					c.errorf("T003", child(ep, k), "name variables with letters, digits and _, not starting with a digit",
						"environment variable name %q is invalid", k)
					continue
				}
				s, ok := val.(string)
				if !ok {
					c.errorf("T003", child(ep, k), fmt.Sprintf("write the value in quotes, such as %s = \"1\"", k),
						"%s must be a string, not %s", dotted(child(ep, k)), typeName(val))
					continue
				}
				cfg.Run.Environment[k] = s
			}
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (c *tomlChecker) pkg(m map[string]any, cfg *Config) {
	defer func() {
		if cfg.Package.Prefix == "" && cfg.App.Name != "" {
			cfg.Package.Prefix = "/opt/" + cfg.App.Name
		}
		if cfg.Package.User == "" {
			cfg.Package.User = cfg.App.Name
		}
		if cfg.Package.Group == "" {
			cfg.Package.Group = cfg.Package.User
		}
	}()
	p := []string{"package"}
	v, present := m["package"]
	if !present {
		return
	}
	tbl, ok := c.table(v, p)
	if !ok {
		return
	}
	c.unknownKeys(tbl, p, []string{"prefix", "user", "group", "external"}, "[package]")
	if s, ok := c.str(tbl, p, "prefix", `"/opt/hello"`); ok {
		switch {
		case s == "":
			// "" means the default, /opt/<app.name>.
		case !strings.HasPrefix(s, "/") || path.Clean(s) == "/":
			c.errorf("T003", child(p, "prefix"), "write an absolute directory below /, such as \"/opt/hello\"",
				"package.prefix %q is not an absolute directory below /", s)
		case strings.ContainsAny(s, "\x00\r\n"):
			c.errorf("T003", child(p, "prefix"), "write an absolute directory, such as \"/opt/hello\"",
				"package.prefix must be one line")
		default:
			cfg.Package.Prefix = path.Clean(s)
		}
	}
	for _, k := range []string{"user", "group"} {
		if s, ok := c.str(tbl, p, k, `"hello"`); ok && s != "" { // "" means the default
			if !reUnixUser.MatchString(s) {
				c.errorf("T003", child(p, k),
					"use at most 32 lower-case letters, digits, _ and -, starting with a letter or _",
					"package.%s %q is not a valid %s name", k, s, k)
				continue
			}
			if k == "user" {
				cfg.Package.User = s
			} else {
				cfg.Package.Group = s
			}
		}
	}
	ev, present := tbl["external"]
	if !present {
		return
	}
	ep := child(p, "external")
	ext, ok := c.table(ev, ep)
	if !ok {
		return
	}
	c.unknownKeys(ext, ep, []string{"deb", "rpm"}, "[package.external]")
	for _, distro := range []string{"deb", "rpm"} {
		dv, present := ext[distro]
		if !present {
			continue
		}
		dp := child(ep, distro)
		dt, ok := c.table(dv, dp)
		if !ok {
			continue
		}
		dst := cfg.Package.External.Deb
		if distro == "rpm" {
			dst = cfg.Package.External.RPM
		}
		first := map[string]string{}
		for _, k := range sortedKeys(dt) {
			kp := child(dp, k)
			if !validExternalName(k) {
				c.errorf("T003", kp, "use the name as written in external-dependencies.txt, such as libpq",
					"%q is not a valid external dependency name", k)
				continue
			}
			s, ok := dt[k].(string)
			if !ok {
				c.errorf("T003", kp, fmt.Sprintf("write the package names as one string, such as %s = \"libfoo1, libbar2\"", k),
					"%s must be a string, not %s", dotted(kp), typeName(dt[k]))
				continue
			}
			bad := ""
			for _, pkg := range strings.Split(s, ",") {
				if pkg = strings.TrimSpace(pkg); pkg != "" && !rePackageName.MatchString(pkg) {
					bad = pkg
					break
				}
			}
			if bad != "" {
				c.errorf("T003", kp, "write comma-separated package names, such as \"libfoo1, libbar2\", or \"\" for none",
					"%s: %q is not a package name", dotted(kp), bad)
				continue
			}
			norm := NormalizeExternalName(k)
			if prev, dup := first[norm]; dup {
				c.errorf("T003", kp, "keep one of the two keys",
					"%s names the same dependency as %q", dotted(kp), prev)
				continue
			}
			first[norm] = k
			dst[norm] = s
		}
	}
}

// NewBundleTOML returns a fresh, commented bundle.toml for `bundle init`:
// spec = "1" and an [app] table with name, version and description, and
// every other section commented out, showing its defaults. The values are
// written as given (escaped as TOML strings; runs of white space in the
// description become one space); the caller validates them, for example by
// parsing the result with ParseBundleTOML.
func NewBundleTOML(name, version, description string) []byte {
	description = strings.Join(strings.Fields(description), " ")
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# bundle.toml: the manifest of this app bundle (see SPEC.md).\n")
	w("# Settings commented out show their defaults; uncomment a line to change it.\n")
	w("\n")
	w("spec = %s # version of the bundle standard\n", tomlQuote(SpecVersion))
	w("\n")
	w("[app]\n")
	w("name = %s # lower-case letters, digits and -; names the packages and the service user\n", tomlQuote(name))
	w("version = %s # semantic version, MAJOR.MINOR.PATCH\n", tomlQuote(version))
	w("description = %s # one line\n", tomlQuote(description))
	w("# license = \"\" # SPDX license expression, such as \"MIT\"\n")
	w("# maintainer = \"\" # \"Name <email>\"\n")
	w("# homepage = \"\" # absolute http(s) URL\n")
	w("\n")
	w("# [python]\n")
	w("# requires-python = \"\" # PEP 440 specifier set, such as \">=3.9\"; \"\" accepts any version\n")
	w("# interpreter = \"\" # command name or absolute path; \"\" searches PATH for a python3.X matching requires-python, then python3\n")
	w("\n")
	w("# [index] # where `bundle pin` and `bundle sync` find distributions\n")
	w("# url = %s # PEP 503 simple index (http, https or file URL)\n", tomlQuote(DefaultIndexURL))
	w("# extra-urls = [] # more simple indexes, consulted after url\n")
	w("# find-links = [] # directories (relative to the bundle) or URLs of wheels\n")
	w("# no-index = false # true: use only find-links\n")
	w("# strategy = \"first-index\" # the first index that has a project supplies it; \"unsafe-best-match\" merges them (see SPEC.md 5.5)\n")
	w("\n")
	w("# [run]\n")
	w("# listen = [%s] # \"HOST:PORT\", \"[::1]:PORT\", \":PORT\", \"unix:/path/to.sock\" or \"fd:N\"\n", tomlQuote(defaultListen[0]))
	w("# workers = %d # processes; 0 means one per CPU\n", defaultWorkers)
	w("# threads = %d # Python threads per process\n", defaultThreads)
	w("# max-body-bytes = %d # larger request bodies get 413\n", defaultMaxBodyBytes)
	w("# graceful-timeout = %s # how long stopping waits for requests in flight (Go duration syntax)\n", tomlQuote(durationString(defaultGracefulTimeout)))
	w("# read-header-timeout = %s # time to read request headers\n", tomlQuote(durationString(defaultReadHeaderTimeout)))
	w("# read-timeout = %s # time to read a whole request\n", tomlQuote(durationString(defaultReadTimeout)))
	w("# write-timeout = %s # time to write a response\n", tomlQuote(durationString(defaultWriteTimeout)))
	w("# idle-timeout = %s # how long an idle keep-alive connection stays open\n", tomlQuote(durationString(defaultIdleTimeout)))
	w("# access-log = \"stdout\" # \"stdout\", \"syslog\" or \"off\"\n")
	w("# access-log-format = \"combined\" # \"common\", \"combined\" or \"json\"\n")
	w("# trusted-proxies = [] # IPs or CIDRs whose X-Forwarded-* headers are believed\n")
	w("\n")
	w("# [run.environment] # variables set for the app process\n")
	w("# EXAMPLE_SETTING = \"value\"\n")
	w("\n")
	w("# [package] # the rpm and deb packages made by `bundle build`\n")
	w("# prefix = %s # where the packages install the app; defaults to /opt/<app.name>\n", tomlQuote("/opt/"+name))
	w("# user = %s # service user; defaults to app.name\n", tomlQuote(name))
	w("# group = %s # service group; defaults to the user\n", tomlQuote(name))
	w("\n")
	w("# [package.external.deb] # external-dependencies.txt names -> Debian packages, overriding the built-in table\n")
	w("# libexample = \"libexample1\"\n")
	w("\n")
	w("# [package.external.rpm] # the same for RPM packages\n")
	w("# libexample = \"libexample\"\n")
	return []byte(b.String())
}

// durationString formats d as design.md writes the defaults: whole
// seconds as "60s", anything else as time.Duration.String does.
func durationString(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// tomlQuote writes s as a TOML basic string.
func tomlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// scanTOMLKeys finds where each key of a TOML document is defined: it maps
// the key's path (segments joined by "\x00", as pathKey does) to the line
// and code-point column of the key's first occurrence, whether as a table
// header ([a.b]), a dotted key (a.b = 1) or a key inside an inline table.
// BurntSushi/toml does not report key positions, so this scanner reads the
// text again. It expects text the decoder accepted but never fails or
// loops on any input.
func scanTOMLKeys(text string) map[string]keyPos {
	s := &keyScanner{s: text, out: map[string]keyPos{}}
	s.lineStarts = []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	s.document()
	return s.out
}

type keyScanner struct {
	s          string
	i          int
	lineStarts []int
	out        map[string]keyPos
}

func (s *keyScanner) pos(off int) keyPos {
	line := sort.Search(len(s.lineStarts), func(k int) bool { return s.lineStarts[k] > off }) - 1
	if line < 0 {
		line = 0
	}
	start := s.lineStarts[line]
	end := len(s.s)
	if line+1 < len(s.lineStarts) {
		end = s.lineStarts[line+1]
	}
	return keyPos{line: line + 1, col: colAt(s.s[start:end], off-start)}
}

func (s *keyScanner) record(path []string, off int) {
	k := pathKey(path)
	if _, ok := s.out[k]; !ok {
		s.out[k] = s.pos(off)
	}
}

func (s *keyScanner) peek(prefix string) bool { return strings.HasPrefix(s.s[s.i:], prefix) }

// skipSpace skips blanks, and also newlines and comments when nl is true.
func (s *keyScanner) skipSpace(nl bool) {
	for s.i < len(s.s) {
		switch c := s.s[s.i]; {
		case c == ' ' || c == '\t':
			s.i++
		case nl && (c == '\n' || c == '\r'):
			s.i++
		case nl && c == '#':
			s.skipLine()
		default:
			return
		}
	}
}

// skipLine moves to the start of the next line.
func (s *keyScanner) skipLine() {
	if j := strings.IndexByte(s.s[s.i:], '\n'); j >= 0 {
		s.i += j + 1
	} else {
		s.i = len(s.s)
	}
}

func (s *keyScanner) document() {
	var table []string
	for s.i < len(s.s) {
		s.skipSpace(true)
		if s.i >= len(s.s) {
			return
		}
		start := s.i
		if s.s[s.i] == '[' {
			s.i++
			if s.peek("[") {
				s.i++
			}
			parts, offs := s.key()
			for k := range parts {
				s.record(parts[:k+1], offs[k])
			}
			table = parts
			s.skipLine()
		} else {
			parts, offs := s.key()
			full := append(append([]string(nil), table...), parts...)
			for k := range parts {
				s.record(full[:len(table)+k+1], offs[k])
			}
			s.skipSpace(false)
			if s.peek("=") {
				s.i++
				s.value(full, 0)
			}
			s.skipSpace(false)
			if s.i < len(s.s) && s.s[s.i] != '\n' && s.s[s.i] != '\r' && s.s[s.i] != '#' {
				s.skipLine() // not TOML the decoder accepted; resynchronize
			}
		}
		if s.i == start {
			s.i++ // always make progress
		}
	}
}

// key reads a dotted key and returns its segments and their offsets.
func (s *keyScanner) key() (parts []string, offs []int) {
	for s.i < len(s.s) {
		s.skipSpace(false)
		if s.i >= len(s.s) {
			break
		}
		off := s.i
		var part string
		switch c := s.s[s.i]; {
		case c == '"':
			part = s.basicString()
		case c == '\'':
			s.i++
			j := strings.IndexAny(s.s[s.i:], "'\n")
			if j < 0 {
				j = len(s.s) - s.i
			}
			part = s.s[s.i : s.i+j]
			s.i += j
			if s.peek("'") {
				s.i++
			}
		default:
			j := s.i
			for j < len(s.s) && isBareKeyByte(s.s[j]) {
				j++
			}
			if j == s.i {
				return parts, offs
			}
			part = s.s[s.i:j]
			s.i = j
		}
		parts = append(parts, part)
		offs = append(offs, off)
		s.skipSpace(false)
		if !s.peek(".") {
			break
		}
		s.i++
	}
	return parts, offs
}

func isBareKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// basicString reads a "..." string at s.i and returns its value.
func (s *keyScanner) basicString() string {
	s.i++ // opening quote
	var b strings.Builder
	for s.i < len(s.s) {
		c := s.s[s.i]
		switch {
		case c == '"':
			s.i++
			return b.String()
		case c == '\n':
			return b.String()
		case c == '\\' && s.i+1 < len(s.s):
			s.i++
			e := s.s[s.i]
			s.i++
			switch e {
			case 'b':
				b.WriteByte('\b')
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'f':
				b.WriteByte('\f')
			case 'r':
				b.WriteByte('\r')
			case 'e':
				b.WriteByte(0x1b)
			case 'u', 'U', 'x':
				n := map[byte]int{'u': 4, 'U': 8, 'x': 2}[e]
				if s.i+n <= len(s.s) {
					if v, err := strconv.ParseUint(s.s[s.i:s.i+n], 16, 32); err == nil {
						b.WriteRune(rune(v))
						s.i += n
						continue
					}
				}
				b.WriteByte('\\')
				b.WriteByte(e)
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			s.i++
		}
	}
	return b.String()
}

// value skips a value, recording the keys of inline tables under path.
func (s *keyScanner) value(path []string, depth int) {
	s.skipSpace(false)
	if s.i >= len(s.s) || depth > 100 {
		return
	}
	switch {
	case s.peek(`"""`), s.peek(`'''`):
		q := s.s[s.i : s.i+3]
		s.i += 3
		for s.i < len(s.s) {
			if q == `"""` && s.s[s.i] == '\\' {
				s.i += 2
				continue
			}
			if s.peek(q) {
				s.i += 3
				for k := 0; k < 2 && s.peek(q[:1]); k++ {
					s.i++
				}
				break
			}
			s.i++
		}
		if s.i > len(s.s) {
			s.i = len(s.s)
		}
	case s.peek(`"`):
		s.basicString()
	case s.peek(`'`):
		s.i++
		j := strings.IndexAny(s.s[s.i:], "'\n")
		if j < 0 {
			s.i = len(s.s)
		} else {
			s.i += j + 1
		}
	case s.peek("["):
		s.i++
		for s.i < len(s.s) {
			s.skipSpace(true)
			if s.i >= len(s.s) {
				return
			}
			switch s.s[s.i] {
			case ']':
				s.i++
				return
			case ',':
				s.i++
			default:
				start := s.i
				s.value(path, depth+1)
				if s.i == start {
					s.i++
				}
			}
		}
	case s.peek("{"):
		s.i++
		for s.i < len(s.s) {
			s.skipSpace(true)
			if s.i >= len(s.s) {
				return
			}
			switch s.s[s.i] {
			case '}':
				s.i++
				return
			case ',':
				s.i++
			default:
				start := s.i
				parts, offs := s.key()
				full := append(append([]string(nil), path...), parts...)
				for k := range parts {
					s.record(full[:len(path)+k+1], offs[k])
				}
				s.skipSpace(false)
				if s.peek("=") {
					s.i++
					s.value(full, depth+1)
				}
				if s.i == start {
					s.i++
				}
			}
		}
	default:
		for s.i < len(s.s) && !strings.ContainsRune(",]}#\n", rune(s.s[s.i])) {
			s.i++
		}
	}
}
