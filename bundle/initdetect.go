package bundle

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// AppRef names a WSGI application the way gunicorn and Flask accept it:
// "module:attr" (an object) or "module:factory()" (a function called with
// no arguments that returns the application).
type AppRef struct {
	Module  string // dotted module path, e.g. "mysite.wsgi"
	Attr    string // attribute of the module, e.g. "application"
	Factory bool   // Attr is to be called with no arguments
}

// String returns "module:attr" or "module:attr()".
func (a AppRef) String() string {
	s := a.Module + ":" + a.Attr
	if a.Factory {
		s += "()"
	}
	return s
}

var (
	identRe       = regexp.MustCompile(`^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$`)
	pythonKeyword = map[string]bool{
		"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
		"async": true, "await": true, "break": true, "class": true, "continue": true, "def": true,
		"del": true, "elif": true, "else": true, "except": true, "finally": true, "for": true,
		"from": true, "global": true, "if": true, "import": true, "in": true, "is": true,
		"lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true, "raise": true,
		"return": true, "try": true, "while": true, "with": true, "yield": true,
	}
)

// isIdentifier reports whether s is a Python identifier (and no keyword).
func isIdentifier(s string) bool { return identRe.MatchString(s) && !pythonKeyword[s] }

// ParseAppRef parses an --app value: "module:attr", "module:factory()" or
// "module" alone (meaning "module:application", as gunicorn does). The
// module is a dotted path of Python identifiers, the attribute one
// identifier, and a factory takes no arguments. Errors wrap ErrBadAppRef.
func ParseAppRef(s string) (AppRef, error) {
	bad := func(why string) (AppRef, error) {
		return AppRef{}, &HintError{
			Err:  fmt.Errorf("%w %q: %s", ErrBadAppRef, s, why),
			Hint: "Write it as module:attribute (e.g. hello:app) or module:factory() (e.g. myapp:create_app()).",
		}
	}
	v := strings.TrimSpace(s)
	if v == "" {
		return bad("it is empty")
	}
	mod, attr, hasColon := strings.Cut(v, ":")
	if !hasColon {
		attr = "application"
	} else if attr == "" {
		return bad("nothing after the colon")
	}
	if mod == "" {
		return bad("no module before the colon")
	}
	if strings.HasSuffix(mod, ".py") || strings.ContainsAny(mod, `/\`) {
		return bad("the module must be a dotted module path such as mysite.wsgi, not a file name")
	}
	for _, part := range strings.Split(mod, ".") {
		if part == "" {
			return bad("empty component in module path " + mod)
		}
		if !isIdentifier(part) {
			return bad(fmt.Sprintf("%q in the module path is not a python identifier", part))
		}
	}
	ref := AppRef{Module: mod}
	if i := strings.IndexByte(attr, '('); i >= 0 {
		args := attr[i:]
		attr = attr[:i]
		if !strings.HasSuffix(args, ")") {
			return bad("unbalanced parenthesis after " + attr)
		}
		inner := args[1 : len(args)-1]
		if strings.ContainsAny(inner, "()") {
			return bad("write the factory call as " + attr + "()")
		}
		if strings.TrimSpace(inner) != "" {
			return bad("factory arguments are not supported: the factory is called with none, as " + attr + "()")
		}
		ref.Factory = true
	}
	if strings.Contains(attr, ".") {
		return bad("the attribute must be one name, not a dotted path")
	}
	if !isIdentifier(attr) {
		return bad(fmt.Sprintf("%q is not a python identifier", attr))
	}
	ref.Attr = attr
	return ref, nil
}

// AppKind says how DetectApps found a candidate. Lower values win.
type AppKind int

const (
	// KindDjango is a Django project's wsgi.py (it calls get_wsgi_application).
	KindDjango AppKind = iota + 1
	// KindWSGIModule is a module named wsgi that binds application (or app)
	// at module level: the conventional WSGI entry point of any framework.
	KindWSGIModule
	// KindFlaskApp is a module-level `NAME = Flask(...)`.
	KindFlaskApp
	// KindFlaskFactory is a module-level `def create_app(...)` or
	// `def make_app(...)` callable with no arguments (the Flask application
	// factory pattern).
	KindFlaskFactory
	// KindExplicit is an app given with --app.
	KindExplicit
)

func (k AppKind) String() string {
	switch k {
	case KindDjango:
		return "Django wsgi module"
	case KindWSGIModule:
		return "wsgi module"
	case KindFlaskApp:
		return "Flask app object"
	case KindFlaskFactory:
		return "Flask app factory"
	case KindExplicit:
		return "--app"
	}
	return "unknown"
}

// AppCandidate is one WSGI application found by DetectApps.
type AppCandidate struct {
	Ref  AppRef
	Kind AppKind
	// File is the module's file, relative to the directory searched and
	// slash-separated, e.g. "mysite/wsgi.py".
	File string
	// Root is the directory, relative and slash-separated, that must be on
	// sys.path for Ref.Module to import: "" for the directory itself, "src"
	// for a src layout, or the directory holding a Django manage.py.
	Root string
	// Unusable, when not empty, says why the candidate cannot be used
	// (a factory that requires arguments). Such candidates are never chosen.
	Unusable string
}

// String returns e.g. "mysite.wsgi:application (Django wsgi module in mysite/wsgi.py)".
func (c AppCandidate) String() string {
	s := fmt.Sprintf("%s (%s in %s)", c.Ref, c.Kind, c.File)
	if c.Unusable != "" {
		s += ": " + c.Unusable
	}
	return s
}

// skipDirs are directory names never searched for the app.
var skipDirs = map[string]bool{
	"venv": true, "node_modules": true, "tests": true, "test": true,
	"build": true, "dist": true, "site-packages": true, "__pycache__": true,
	"migrations": true, "docs": true,
}

// skipFile reports whether a .py file is never an app's home.
func skipFile(name string) bool {
	switch name {
	case "setup.py", "conftest.py", "noxfile.py", "fabfile.py", "manage.py":
		return true
	}
	return strings.HasPrefix(name, "test_") || strings.HasSuffix(name, "_test.py")
}

const (
	maxScanDepth    = 8       // package nesting searched
	maxScanFileSize = 1 << 20 // larger .py files are not read
)

var (
	flaskAppRe      = regexp.MustCompile(`(?m)^([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\n]*)?=[ \t]*(?:flask\.)?Flask[ \t]*\(`)
	factoryRe       = regexp.MustCompile(`(?m)^def[ \t]+(create_app|make_app)[ \t]*\(`)
	djangoWSGIRe    = regexp.MustCompile(`(?m)^([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\n]*)?=[ \t]*(?:[A-Za-z_][A-Za-z0-9_.]*\.)?get_wsgi_application[ \t]*\(`)
	assignNameRe    = regexp.MustCompile(`(?m)^(application|app)[ \t]*(?::[^=\n]*)?=[^=]`)
	defNameRe       = regexp.MustCompile(`(?m)^(?:async[ \t]+def|def|class)[ \t]+(application|app)\b`)
	fromImportRe    = regexp.MustCompile(`(?m)^from[ \t]+[A-Za-z0-9_.]+[ \t]+import[ \t]+(\([^)]*\)|[^#\n]*)`)
	importAsRe      = regexp.MustCompile(`(?m)^import[ \t]+[A-Za-z0-9_.]+[ \t]+as[ \t]+(application|app)\b`)
	importFlaskRe   = regexp.MustCompile(`(?m)^[ \t]*(?:from[ \t]+flask[ \t.]|import[ \t]+flask\b)`)
	importDjangoRe  = regexp.MustCompile(`(?m)^[ \t]*(?:from[ \t]+django[ \t.]|import[ \t]+django\b)`)
	rootComponentRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
)

// DetectApps searches dir for WSGI applications without running Python:
// it reads the top-level *.py modules and the packages (directories with
// __init__.py, recursively) of dir, of dir/src, and of any directory up to
// two levels down holding a Django manage.py. Hidden directories, virtual
// environments (any directory with pyvenv.cfg) and venv, node_modules,
// tests, test, build, dist, site-packages, __pycache__, migrations and docs
// are skipped, as are setup.py, conftest.py, manage.py and test files.
//
// The candidates come sorted by Kind (KindDjango first), then File.
func DetectApps(dir string) ([]AppCandidate, error) {
	roots := []string{}
	for _, pat := range []string{"*/manage.py", "*/*/manage.py"} {
		ms, _ := filepath.Glob(filepath.Join(dir, pat))
		sort.Strings(ms)
		for _, m := range ms {
			rel, err := filepath.Rel(dir, filepath.Dir(m))
			if err != nil {
				continue
			}
			rel = filepath.ToSlash(rel)
			if validRoot(rel) {
				roots = append(roots, rel)
			}
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "src")); err == nil && fi.IsDir() {
		roots = append(roots, "src")
	}
	roots = append(roots, "")

	seenFile := map[string]bool{}
	var cands []AppCandidate
	for _, root := range roots {
		err := scanRoot(dir, root, func(file, module string, src string) {
			if seenFile[file] {
				return
			}
			seenFile[file] = true
			cands = append(cands, fileCandidates(file, module, root, src)...)
		})
		if err != nil {
			return nil, err
		}
	}
	// One candidate per reference, the best kind.
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Kind != cands[j].Kind {
			return cands[i].Kind < cands[j].Kind
		}
		return cands[i].File < cands[j].File
	})
	seen := map[string]bool{}
	out := cands[:0]
	for _, c := range cands {
		key := c.Root + "\x00" + c.Ref.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, c)
	}
	return out, nil
}

func validRoot(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if !rootComponentRe.MatchString(part) || strings.HasPrefix(part, ".") || skipDirs[part] {
			return false
		}
	}
	return true
}

// scanRoot calls fn for each module file under dir/root: the top-level .py
// files and, recursively, packages.
func scanRoot(dir, root string, fn func(file, module, src string)) error {
	base := filepath.Join(dir, filepath.FromSlash(root))
	var walk func(rel string, modPrefix []string, depth int) error
	walk = func(rel string, modPrefix []string, depth int) error {
		ents, err := os.ReadDir(filepath.Join(base, filepath.FromSlash(rel)))
		if err != nil {
			if depth == 0 && rel == "" && root != "" {
				return nil
			}
			return fmt.Errorf("reading %s: %w", filepath.Join(base, rel), err)
		}
		for _, e := range ents {
			name := e.Name()
			p := path.Join(rel, name)
			if strings.HasPrefix(name, ".") {
				continue
			}
			if e.IsDir() {
				if skipDirs[name] || depth >= maxScanDepth || !isIdentifier(name) {
					continue
				}
				d := filepath.Join(base, filepath.FromSlash(p))
				if _, err := os.Stat(filepath.Join(d, "pyvenv.cfg")); err == nil {
					continue
				}
				if fi, err := os.Stat(filepath.Join(d, "__init__.py")); err != nil || !fi.Mode().IsRegular() {
					continue // not a package
				}
				if err := walk(p, append(append([]string{}, modPrefix...), name), depth+1); err != nil {
					return err
				}
				continue
			}
			if !e.Type().IsRegular() || !strings.HasSuffix(name, ".py") || skipFile(name) {
				continue
			}
			stem := strings.TrimSuffix(name, ".py")
			mod := append(append([]string{}, modPrefix...), stem)
			if stem == "__init__" {
				mod = modPrefix
				if len(mod) == 0 {
					continue
				}
			} else if !isIdentifier(stem) {
				continue
			}
			full := filepath.Join(base, filepath.FromSlash(p))
			fi, err := e.Info()
			if err != nil || fi.Size() > maxScanFileSize {
				continue
			}
			data, err := os.ReadFile(full)
			if err != nil {
				continue
			}
			fn(path.Join(root, p), strings.Join(mod, "."), string(data))
		}
		return nil
	}
	return walk("", nil, 0)
}

// fileCandidates returns the candidates found in one module's source.
func fileCandidates(file, module, root, src string) []AppCandidate {
	var out []AppCandidate
	add := func(kind AppKind, attr string, factory bool, unusable string) {
		out = append(out, AppCandidate{Ref: AppRef{Module: module, Attr: attr, Factory: factory},
			Kind: kind, File: file, Root: root, Unusable: unusable})
	}
	isWSGI := path.Base(file) == "wsgi.py"
	if isWSGI && strings.Contains(src, "get_wsgi_application") {
		attr := "application"
		if m := djangoWSGIRe.FindStringSubmatch(src); m != nil {
			attr = m[1]
		}
		add(KindDjango, attr, false, "")
	}
	if isWSGI {
		bound := moduleBinds(src)
		for _, name := range []string{"application", "app"} {
			if bound[name] {
				add(KindWSGIModule, name, false, "")
				break
			}
		}
	}
	for _, m := range flaskAppRe.FindAllStringSubmatch(src, -1) {
		add(KindFlaskApp, m[1], false, "")
	}
	for _, loc := range factoryRe.FindAllStringSubmatchIndex(src, -1) {
		name := src[loc[2]:loc[3]]
		why := ""
		if params, ok := paramList(src[loc[1]:]); ok && requiresArgs(params) {
			why = "it requires arguments (" + strings.Join(strings.Fields(params), " ") + ")"
		}
		add(KindFlaskFactory, name, true, why)
	}
	return out
}

// moduleBinds finds, textually, which of "application" and "app" a module
// binds at its top level (assignment, def, class, import).
func moduleBinds(src string) map[string]bool {
	b := map[string]bool{}
	for _, m := range assignNameRe.FindAllStringSubmatch(src, -1) {
		b[m[1]] = true
	}
	for _, m := range defNameRe.FindAllStringSubmatch(src, -1) {
		b[m[1]] = true
	}
	for _, m := range importAsRe.FindAllStringSubmatch(src, -1) {
		b[m[1]] = true
	}
	for _, m := range fromImportRe.FindAllStringSubmatch(src, -1) {
		names := strings.Trim(stripPyComments(m[1]), "()\n")
		for _, item := range strings.Split(names, ",") {
			f := strings.Fields(item)
			switch {
			case len(f) == 1:
				b[f[0]] = true
			case len(f) == 3 && f[1] == "as":
				b[f[2]] = true
			}
		}
	}
	return b
}

// paramList returns the text between the parentheses of a def whose
// opening "(" has just been consumed.
func paramList(s string) (string, bool) {
	depth := 1
	for i, c := range s {
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return s[:i], true
			}
		}
	}
	return "", false
}

// requiresArgs reports whether a parameter list has a parameter without a
// default (ignoring *args, **kwargs, bare * and /).
func requiresArgs(params string) bool {
	depth := 0
	start := 0
	var parts []string
	for i, c := range params {
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, params[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, params[start:])
	for _, p := range parts {
		p = strings.TrimSpace(stripPyComments(p))
		if p == "" || p == "/" || strings.HasPrefix(p, "*") {
			continue // bare *, *args, **kwargs, positional-only marker
		}
		if !strings.Contains(p, "=") {
			return true
		}
	}
	return false
}

func stripPyComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// moduleFile returns the file, relative to dir and slash-separated, that
// defines module (m/n.py or m/n/__init__.py) under one of the roots "",
// "src", or "" if none is found, with the root it was found under.
func moduleFile(dir, module string) (file, root string) {
	rel := strings.ReplaceAll(module, ".", "/")
	for _, root := range []string{"", "src"} {
		for _, cand := range []string{rel + ".py", rel + "/__init__.py"} {
			p := path.Join(root, cand)
			if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err == nil && fi.Mode().IsRegular() {
				return p, root
			}
		}
	}
	return "", ""
}

// frameworkOf guesses the framework a module uses from its imports:
// "flask", "django" or "".
func frameworkOf(src string) string {
	switch {
	case importFlaskRe.MatchString(src):
		return "flask"
	case importDjangoRe.MatchString(src):
		return "django"
	}
	return ""
}
