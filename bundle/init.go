package bundle

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/semver/v3"
	"github.com/bundle-wsgi/bundle/spec"
)

// HintError is an error with a hint: a sentence telling the user what to
// do. Error returns the message only; print Hint after it.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// ErrorHint returns the hint of the first *HintError in err's chain, or "".
func ErrorHint(err error) string {
	var he *HintError
	if errors.As(err, &he) {
		return he.Hint
	}
	return ""
}

// InitOptions are the inputs of Init (the flags of `bundle init`).
type InitOptions struct {
	// Dir is the app's directory, which becomes the bundle; "" means ".".
	Dir string
	// App is --app: "module:attr", "module:factory()" or "module"
	// (meaning module:application). Empty: detect (see DetectApps).
	App string
	// Name is --name; empty: pyproject.toml [project].name, else the
	// directory's name, normalized to [a-z0-9-].
	Name string
	// Version is --version (semver MAJOR.MINOR.PATCH); empty: the
	// pyproject.toml version when it is one, else "0.1.0".
	Version string
	// Force overwrites existing files whose content differs.
	Force bool
	// Python, when not nil, is used to check with ast (without importing
	// it) that the app's module binds the app's attribute.
	Python *Python
	// Out receives the report, one line per file and the next commands;
	// nil discards it.
	Out io.Writer
}

// FileAction is what Init did with one file.
type FileAction string

const (
	// ActionWrote: the file did not exist and was written.
	ActionWrote FileAction = "wrote"
	// ActionOverwrote: the file existed with other content; Force replaced it.
	ActionOverwrote FileAction = "overwrote"
	// ActionKept: the file exists with other content and was kept (no Force).
	ActionKept FileAction = "kept"
	// ActionUpToDate: the file exists with the very content Init would write.
	ActionUpToDate FileAction = "up to date"
)

// InitFile is one file of the bundle and what Init did with it.
type InitFile struct {
	Path   string // relative to Dir, slash-separated, e.g. "bin/wsgiapp"
	Action FileAction
}

// InitResult says what Init found and did.
type InitResult struct {
	// Dir is the bundle directory as given ("." when empty).
	Dir string
	// App is the application bin/wsgiapp loads; nil when it was not
	// determined (detection failed but an existing bin/wsgiapp was kept).
	App *AppCandidate
	// Ignored are the other candidates found by detection.
	Ignored []AppCandidate
	// Name, Version and Description are the [app] values for bundle.toml.
	Name, Version, Description string
	// RequirementsFrom is "requirements.txt", "pyproject.toml" or "".
	RequirementsFrom string
	// Requirements are the requirement lines imported into dependencies.in.
	Requirements []string
	// Files lists the bundle's files in the order handled.
	Files []InitFile
	// Warnings and Notes were also printed to Out ("warning: ", "note: ").
	Warnings []string
	Notes    []string
}

// Wrote reports whether Init wrote any file.
func (r *InitResult) Wrote() bool {
	for _, f := range r.Files {
		if f.Action == ActionWrote || f.Action == ActionOverwrote {
			return true
		}
	}
	return false
}

//go:embed pyscripts/wsgiapp.py.tmpl
var wsgiappTemplateText string

var wsgiappTemplate = template.Must(template.New("wsgiapp").Parse(wsgiappTemplateText))

var appNameRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$`)

// Init turns the app in opts.Dir into a bundle: it writes bundle.toml,
// dependencies.in, dependencies.txt, external-dependencies.txt and
// bin/wsgiapp, each unless it exists (Force overwrites a file whose content
// differs). A second run with the same inputs writes nothing.
//
// The application is opts.App or is found by DetectApps: the candidates of
// the best AppKind win (KindDjango, then KindWSGIModule, KindFlaskApp,
// KindFlaskFactory); when that kind has several, Init fails with
// ErrAmbiguousApp listing them; with none, ErrNoApp. Requirements are
// imported from requirements.txt (following -r includes) or else from
// pyproject.toml [project].dependencies; lines that cannot be imported
// (editable, VCS, URLs, paths, unsupported options) are skipped with a
// warning naming the line.
//
// Every check happens before the first write, so an error leaves the
// directory as it was. Each file is written atomically (a temporary file
// in the same directory, then a rename or link).
func Init(ctx context.Context, opts InitOptions) (*InitResult, error) {
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	res := &InitResult{Dir: dir}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		why := "is not a directory"
		if err != nil {
			why = errText(err)
		}
		return nil, &HintError{Err: fmt.Errorf("%w: %s: %s", ErrNotDir, dir, why),
			Hint: "Give the directory of the app: bundle init DIR."}
	}

	// bundle.toml values, checked before anything is written.
	if opts.Name != "" && !appNameRe.MatchString(opts.Name) {
		return nil, &HintError{Err: fmt.Errorf("%w %q: use letters, digits, '.', '_' and '-', starting and ending with a letter or digit", ErrBadName, opts.Name),
			Hint: "Pass a name such as --name hello-app."}
	}
	if opts.Name != "" && normalizeAppName(opts.Name) != opts.Name {
		res.Notes = append(res.Notes, fmt.Sprintf("name %q is valid, but lower-case [a-z0-9-] (such as %q) is safer for package and user names", opts.Name, normalizeAppName(opts.Name)))
	}
	if opts.Version != "" {
		if _, err := semver.StrictNewVersion(opts.Version); err != nil {
			return nil, &HintError{Err: fmt.Errorf("%w %q: not a semver version MAJOR.MINOR.PATCH", ErrBadVersion, opts.Version),
				Hint: "Pass a version such as --version 1.0.0."}
		}
	}
	pp, err := readPyproject(dir)
	if err != nil {
		res.Warnings = append(res.Warnings, err.Error()+": ignored")
		pp = nil
	}
	res.Name, res.Version, res.Description = initMetadata(dir, opts, pp, res)

	// The application.
	wsgiappPath := filepath.Join(dir, "bin", "wsgiapp")
	_, wsgiappErr := os.Lstat(wsgiappPath)
	wsgiappExists := wsgiappErr == nil
	if opts.App != "" {
		ref, err := ParseAppRef(opts.App)
		if err != nil {
			return nil, err
		}
		c := AppCandidate{Ref: ref, Kind: KindExplicit}
		c.File, c.Root = moduleFile(dir, ref.Module)
		if c.File == "" {
			res.Warnings = append(res.Warnings, fmt.Sprintf("module %s not found in %s (no %s.py or %s/__init__.py): it must come from an installed distribution listed in dependencies.in",
				ref.Module, dir, strings.ReplaceAll(ref.Module, ".", "/"), strings.ReplaceAll(ref.Module, ".", "/")))
		}
		res.App = &c
	} else {
		cands, err := DetectApps(dir)
		if err != nil {
			return nil, err
		}
		chosen, ignored, err := chooseApp(dir, cands)
		if err != nil {
			if !wsgiappExists || opts.Force {
				return nil, err
			}
			res.Notes = append(res.Notes, err.Error()+"; bin/wsgiapp exists and is kept")
		} else {
			res.App, res.Ignored = chosen, ignored
		}
	}
	framework := ""
	if res.App != nil && res.App.File != "" {
		src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(res.App.File)))
		if err == nil {
			framework = frameworkOf(string(src))
			if opts.Python != nil {
				res.Warnings = append(res.Warnings, checkAppBinding(ctx, opts.Python, res.App, src)...)
			}
		}
		switch res.App.Kind {
		case KindDjango:
			framework = "django"
		case KindFlaskApp, KindFlaskFactory:
			framework = "flask"
		}
	}

	// Requirements.
	ri := importRequirements(dir, pp)
	res.RequirementsFrom = ri.Source
	for _, r := range ri.Reqs {
		res.Requirements = append(res.Requirements, r.Text)
	}
	res.Warnings = append(res.Warnings, ri.Warnings...)
	res.Notes = append(res.Notes, ri.Notes...)

	// The files.
	type file struct {
		rel     string
		content []byte
		perm    fs.FileMode
	}
	depsIn := dependenciesIn(ri)
	files := []file{
		{"bundle.toml", spec.NewBundleTOML(res.Name, res.Version, res.Description), 0o644},
		{"dependencies.in", depsIn, 0o644},
		{"dependencies.txt", dependenciesTxt(ri), 0o644},
		{"external-dependencies.txt", []byte(externalDepsTxt), 0o644},
	}
	if res.App != nil {
		w, err := wsgiappScript(res.Name, res.App)
		if err != nil {
			return nil, err
		}
		files = append(files, file{"bin/wsgiapp", w, 0o755})
	}
	// Refuse to write through a directory that is in the way, before writing.
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.rel))
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return nil, fmt.Errorf("%s exists and is a directory, not a file", p)
		}
	}
	var depsInFinal []byte
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.rel))
		action, final, err := writeBundleFile(p, f.content, f.perm, opts.Force)
		if err != nil {
			printFiles(out, res.Files) // what was done before the failure
			return res, err
		}
		if f.rel == "dependencies.in" {
			depsInFinal = final
		}
		res.Files = append(res.Files, InitFile{Path: f.rel, Action: action})
	}
	if res.App == nil {
		res.Files = append(res.Files, InitFile{Path: "bin/wsgiapp", Action: ActionKept})
	}

	// Is the framework a requirement?
	if framework != "" && depsInFinal != nil {
		if !reqNamesIn(string(depsInFinal))[framework] {
			title := map[string]string{"flask": "Flask", "django": "Django"}[framework]
			res.Warnings = append(res.Warnings, fmt.Sprintf("the app uses %s but dependencies.in does not list %s: add a line `%s` to it before `bundle pin`",
				title, framework, framework))
		}
	}

	report(out, res, ri)
	return res, nil
}

// initMetadata computes the bundle.toml [app] name, version and description.
func initMetadata(dir string, opts InitOptions, pp *pyproject, res *InitResult) (name, version, description string) {
	var proj struct{ name, version, description string }
	if pp != nil && pp.Project != nil {
		proj.name, proj.version, proj.description = pp.Project.Name, pp.Project.Version, pp.Project.Description
	}
	switch {
	case opts.Name != "":
		name = opts.Name
	case proj.name != "":
		name = normalizeAppName(proj.name)
	default:
		base := filepath.Base(dir)
		if abs, err := filepath.Abs(dir); err == nil {
			base = filepath.Base(abs)
		}
		name = normalizeAppName(base)
	}
	switch {
	case opts.Version != "":
		version = opts.Version
	case proj.version != "":
		if _, err := semver.StrictNewVersion(proj.version); err == nil {
			version = proj.version
		} else {
			version = "0.1.0"
			res.Notes = append(res.Notes, fmt.Sprintf("pyproject.toml version %q is not semver MAJOR.MINOR.PATCH: bundle.toml gets 0.1.0 (--version sets it)", proj.version))
		}
	default:
		version = "0.1.0"
	}
	description = strings.TrimSpace(firstLine(proj.description))
	return name, version, description
}

var nonNameRunRe = regexp.MustCompile(`[^a-z0-9]+`)

// normalizeAppName lower-cases s and turns every run of characters other
// than [a-z0-9] into one "-"; "app" when nothing is left.
func normalizeAppName(s string) string {
	n := strings.Trim(nonNameRunRe.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if n == "" {
		return "app"
	}
	return n
}

// chooseApp picks the candidate to use; see Init.
func chooseApp(dir string, cands []AppCandidate) (*AppCandidate, []AppCandidate, error) {
	var usable, unusable []AppCandidate
	for _, c := range cands {
		if c.Unusable != "" {
			unusable = append(unusable, c)
		} else {
			usable = append(usable, c)
		}
	}
	if len(usable) == 0 {
		msg := fmt.Sprintf("%s in %s (looked for a Django wsgi.py, a wsgi.py binding application or app, `app = Flask(...)` and a create_app() factory)", ErrNoApp.Error(), dir)
		if len(unusable) > 0 {
			msg += "; found but cannot use: " + candidateList(unusable)
		}
		return nil, nil, &HintError{Err: wrapMsg(ErrNoApp, msg),
			Hint: "Pass --app module:attribute (e.g. --app hello:app) or --app module:factory()."}
	}
	best := usable[0].Kind
	var top []AppCandidate
	for _, c := range usable {
		if c.Kind == best {
			top = append(top, c)
		}
	}
	if len(top) > 1 {
		return nil, nil, &HintError{
			Err:  wrapMsg(ErrAmbiguousApp, fmt.Sprintf("%s in %s: %s", ErrAmbiguousApp.Error(), dir, candidateList(usable))),
			Hint: "Choose one with --app, e.g. --app " + top[0].Ref.String() + ".",
		}
	}
	chosen := top[0]
	var ignored []AppCandidate
	for _, c := range cands {
		if c.Ref != chosen.Ref || c.Root != chosen.Root {
			ignored = append(ignored, c)
		}
	}
	return &chosen, ignored, nil
}

// wrapMsg returns an error with text msg that unwraps to sentinel.
func wrapMsg(sentinel error, msg string) error { return &msgError{msg, sentinel} }

type msgError struct {
	msg string
	err error
}

func (e *msgError) Error() string { return e.msg }
func (e *msgError) Unwrap() error { return e.err }

func candidateList(cs []AppCandidate) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.String()
	}
	return strings.Join(s, ", ")
}

// checkAppBinding checks with py's ast that the app's module binds the
// attribute, returning warnings.
func checkAppBinding(ctx context.Context, py *Python, c *AppCandidate, src []byte) []string {
	res, err := runBindCheck(ctx, py, src, c.Ref.Attr)
	if err != nil {
		return []string{"could not check " + c.File + ": " + err.Error()}
	}
	switch {
	case res.SyntaxError != nil:
		return []string{fmt.Sprintf("%s:%d:%d: syntax error: %s", c.File, res.SyntaxError.Line, res.SyntaxError.Col, res.SyntaxError.Msg)}
	case res.Error != "":
		return []string{c.File + ": " + res.Error}
	case !res.HasApplication && len(res.StarImports) == 0:
		return []string{fmt.Sprintf("%s does not define %s at module level: bin/wsgiapp will fail to import it", c.File, c.Ref.Attr)}
	}
	return nil
}

const depsInHeader = "# The app's direct requirements, loose: one PEP 508 requirement a line (e.g. flask>=3).\n" +
	"# `bundle pin` resolves and pins them, with their dependencies, into dependencies.txt.\n"

func dependenciesIn(ri *reqImport) []byte {
	var b bytes.Buffer
	b.WriteString(depsInHeader)
	if ri.Source != "" {
		fmt.Fprintf(&b, "# Imported by `bundle init` from %s.\n", ri.Source)
	}
	if len(ri.Reqs) == 0 {
		b.WriteString("# no dependencies\n")
	}
	for _, o := range ri.Options {
		b.WriteString(o + "\n")
	}
	for _, r := range ri.Reqs {
		b.WriteString(r.Text + "\n")
	}
	return b.Bytes()
}

const depsTxtHeader = "# NOT PINNED YET: written by `bundle init`.\n" +
	"# Run `bundle pin` to pin every requirement of dependencies.in, and what they need, with sha256 hashes.\n"

func dependenciesTxt(ri *reqImport) []byte {
	var b bytes.Buffer
	b.WriteString(depsTxtHeader)
	switch {
	case len(ri.Reqs) == 0:
		b.WriteString("# no dependencies\n")
	case ri.allPinned():
		fmt.Fprintf(&b, "# Copied from %s, where every requirement is pinned (name==version).\n", ri.Source)
		for _, o := range ri.Options {
			b.WriteString(o + "\n")
		}
		for _, r := range ri.Reqs {
			b.WriteString(r.Text)
			for _, h := range r.Hashes {
				b.WriteString(" \\\n    --hash=" + h)
			}
			b.WriteString("\n")
		}
	default:
		fmt.Fprintf(&b, "# Empty until then: %s has requirements that are not pinned.\n", "dependencies.in")
	}
	return b.Bytes()
}

const externalDepsTxt = `# External (non-Python) libraries the app needs at run time, one a line:
#   NAME                a library, e.g. libpq
#   NAME (SPECIFIERS)   with a version range (PEP 440), e.g. libpq (>=12)
#   ... ; MARKER        only where a PEP 508 marker holds, e.g. libmagic; sys_platform == "linux"
# Packages (deb, rpm) map each NAME to the distribution's package name.
#
# libpq (>=12)
`

// wsgiappScript renders bin/wsgiapp for app c.
func wsgiappScript(name string, c *AppCandidate) ([]byte, error) {
	sysPath := "_BUNDLE_DIR"
	if c.Root != "" {
		parts := strings.Split(c.Root, "/")
		q := make([]string, len(parts))
		for i, p := range parts {
			if !rootComponentRe.MatchString(p) {
				return nil, fmt.Errorf("directory %q cannot be named in bin/wsgiapp", c.Root)
			}
			q[i] = `"` + p + `"`
		}
		sysPath += ", os.path.join(_BUNDLE_DIR, " + strings.Join(q, ", ") + ")"
	}
	ref := c.Ref
	var imp, describe string
	switch {
	case ref.Factory:
		factory := ref.Attr
		if factory == "application" {
			imp = fmt.Sprintf("from %s import application as _factory  # noqa: E402\n\napplication = _factory()", ref.Module)
		} else {
			imp = fmt.Sprintf("from %s import %s  # noqa: E402\n\napplication = %s()", ref.Module, factory, factory)
		}
		describe = fmt.Sprintf("the app returned by the factory %s() of module %s", ref.Attr, ref.Module)
	case c.Kind == KindDjango:
		imp = "# Importing the Django project's wsgi module sets DJANGO_SETTINGS_MODULE\n" +
			"# (unless the environment does) and builds the application.\n" +
			importAs(ref)
		describe = fmt.Sprintf("the %s of the Django project's module %s", ref.Attr, ref.Module)
	default:
		imp = importAs(ref)
		describe = fmt.Sprintf("%s from module %s", ref.Attr, ref.Module)
	}
	if c.Kind == KindExplicit {
		describe += " (from `bundle init --app " + ref.String() + "`)"
	}
	var b bytes.Buffer
	err := wsgiappTemplate.Execute(&b, map[string]string{
		"Name": name, "Describe": describe, "SysPath": sysPath, "Import": imp,
	})
	return b.Bytes(), err
}

func importAs(ref AppRef) string {
	if ref.Attr == "application" {
		return fmt.Sprintf("from %s import application  # noqa: E402", ref.Module)
	}
	return fmt.Sprintf("from %s import %s as application  # noqa: E402", ref.Module, ref.Attr)
}

// writeBundleFile writes content to p unless p exists (then it is kept,
// or with force replaced when its content differs). It returns what it did
// and the content p has afterwards.
func writeBundleFile(p string, content []byte, perm fs.FileMode, force bool) (FileAction, []byte, error) {
	old, err := os.ReadFile(p)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(p); lerr == nil {
			return "", nil, fmt.Errorf("reading %s: %w", p, err)
		}
	}
	if !exists {
		if _, err := os.Lstat(p); err == nil {
			return "", nil, fmt.Errorf("%s exists but cannot be read (a dangling symlink?)", p)
		}
	}
	switch {
	case exists && bytes.Equal(old, content):
		return ActionUpToDate, old, nil
	case exists && !force:
		return ActionKept, old, nil
	}
	if err := writeAtomic(p, content, perm, exists); err != nil {
		if errors.Is(err, fs.ErrExist) { // created meanwhile by someone else
			return ActionKept, old, nil
		}
		return "", nil, err
	}
	if exists {
		return ActionOverwrote, content, nil
	}
	return ActionWrote, content, nil
}

// writeAtomic writes data to p through a temporary file in p's directory.
// Without overwrite it never replaces an existing p (a hard link, which
// fails if p exists); the error then wraps fs.ErrExist.
func writeAtomic(p string, data []byte, perm fs.FileMode, overwrite bool) error {
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(p)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a rename or link: a no-op or drops the extra name
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if !overwrite {
		err := os.Link(tmp, p)
		if err == nil {
			return nil
		}
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		// No hard links here (some file systems): check, then rename.
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("writing %s: %w", p, fs.ErrExist)
		}
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}

// report prints what Init found and did.
func report(w io.Writer, res *InitResult, ri *reqImport) {
	if res.App != nil {
		switch {
		case res.App.Kind == KindExplicit:
			fmt.Fprintf(w, "app: %s (--app)\n", res.App.Ref)
		default:
			fmt.Fprintf(w, "app: %s (%s in %s)\n", res.App.Ref, res.App.Kind, res.App.File)
		}
		if len(res.Ignored) > 0 {
			fmt.Fprintf(w, "note: also found, not used (--app chooses): %s\n", candidateList(res.Ignored))
		}
	}
	switch {
	case ri.Source != "":
		fmt.Fprintf(w, "requirements: %d imported from %s\n", len(ri.Reqs), ri.Source)
	default:
		fmt.Fprintf(w, "requirements: none found (no requirements.txt, no pyproject.toml [project].dependencies)\n")
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	for _, wn := range res.Warnings {
		fmt.Fprintf(w, "warning: %s\n", wn)
	}
	printFiles(w, res.Files)
	if !res.Wrote() {
		allUpToDate := true
		for _, f := range res.Files {
			allUpToDate = allUpToDate && f.Action == ActionUpToDate
		}
		if allUpToDate {
			fmt.Fprintln(w, "everything is up to date")
		} else {
			fmt.Fprintln(w, "nothing written")
		}
	}
	d := shellQuote(res.Dir)
	fmt.Fprintf(w, "next: bundle validate %s\n", d)
	fmt.Fprintf(w, "then: bundle pin %s\n", d)
}

// printFiles prints one line per file: "wrote bundle.toml", "kept
// dependencies.txt (exists; --force to overwrite)".
func printFiles(w io.Writer, files []InitFile) {
	for _, f := range files {
		switch f.Action {
		case ActionKept:
			fmt.Fprintf(w, "kept %s (exists; --force to overwrite)\n", f.Path)
		case ActionUpToDate:
			fmt.Fprintf(w, "kept %s (up to date)\n", f.Path)
		default:
			fmt.Fprintf(w, "%s %s\n", f.Action, f.Path)
		}
	}
}

var shellSafeRe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote quotes s for a POSIX shell when needed.
func shellQuote(s string) string {
	if shellSafeRe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
