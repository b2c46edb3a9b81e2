package bundle

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/bundle-wsgi/bundle/spec"
)

// pyproject is the part of pyproject.toml that init reads.
type pyproject struct {
	Project *struct {
		Name           string   `toml:"name"`
		Version        string   `toml:"version"`
		Description    string   `toml:"description"`
		Dependencies   []string `toml:"dependencies"`
		RequiresPython string   `toml:"requires-python"`
		Dynamic        []string `toml:"dynamic"`
	} `toml:"project"`
	Tool struct {
		Poetry *struct {
			Dependencies map[string]any `toml:"dependencies"`
		} `toml:"poetry"`
	} `toml:"tool"`
}

// readPyproject reads dir/pyproject.toml. A missing file gives nil, nil.
func readPyproject(dir string) (*pyproject, error) {
	data, err := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("pyproject.toml: %s", errText(err))
	}
	var pp pyproject
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&pp); err != nil {
		return nil, fmt.Errorf("pyproject.toml: %v", err)
	}
	return &pp, nil
}

// importedReq is one requirement imported into dependencies.in.
type importedReq struct {
	Text   string   // the requirement as written, without options and comment
	Hashes []string // its --hash values, "sha256:..."
	Key    string   // normalized name and marker, to find duplicates
	Name   string   // normalized name
	Pinned bool     // name==VERSION (or ===)
}

// reqImport is what init imports from requirements.txt or pyproject.toml.
type reqImport struct {
	Source   string   // "requirements.txt", "pyproject.toml" or "" (nothing found)
	Options  []string // global option lines kept, e.g. "--index-url URL"
	Reqs     []importedReq
	Warnings []string // "requirements.txt:3: skipped ..."
	Notes    []string
}

// allPinned reports whether there are requirements and each is pinned.
func (ri *reqImport) allPinned() bool {
	if len(ri.Reqs) == 0 {
		return false
	}
	for _, r := range ri.Reqs {
		if !r.Pinned {
			return false
		}
	}
	return true
}

// importRequirements reads the app's direct requirements: requirements.txt
// when it exists (following -r includes), else pyproject.toml
// [project].dependencies.
func importRequirements(dir string, pp *pyproject) *reqImport {
	ri := &reqImport{}
	seen := map[string]string{}
	if _, err := os.Stat(filepath.Join(dir, "requirements.txt")); err == nil {
		ri.Source = "requirements.txt"
		ri.readReqFile(dir, "requirements.txt", map[string]bool{}, seen, 0)
		if pp != nil && pp.Project != nil && len(pp.Project.Dependencies) > 0 {
			ri.Notes = append(ri.Notes, "requirements were imported from requirements.txt; pyproject.toml [project].dependencies was not read")
		}
		return ri
	}
	if pp == nil {
		return ri
	}
	if pp.Project != nil && len(pp.Project.Dependencies) > 0 {
		ri.Source = "pyproject.toml"
		for i, d := range pp.Project.Dependencies {
			ri.addReq(fmt.Sprintf("pyproject.toml: [project].dependencies[%d]", i), d, nil, seen)
		}
		return ri
	}
	if pp.Project != nil {
		for _, d := range pp.Project.Dynamic {
			if d == "dependencies" {
				ri.Warnings = append(ri.Warnings, "pyproject.toml declares its dependencies dynamic: none imported; list the app's requirements in dependencies.in")
			}
		}
	}
	if pp.Tool.Poetry != nil && len(pp.Tool.Poetry.Dependencies) > 0 {
		ri.Warnings = append(ri.Warnings, "pyproject.toml has [tool.poetry.dependencies], which bundle init does not import: list the app's requirements in dependencies.in")
	}
	return ri
}

var (
	vcsPrefixRe  = regexp.MustCompile(`^(?i)(git|hg|svn|bzr)\+`)
	directRefRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@`)
	archiveExtRe = regexp.MustCompile(`(?i)\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip|tar)$`)
	reqOptions   = map[string]string{ // pip option -> canonical long form kept in dependencies.in
		"-i": "--index-url", "--index-url": "--index-url",
		"--extra-index-url": "--extra-index-url",
		"-f":                "--find-links", "--find-links": "--find-links",
	}
)

const maxIncludeDepth = 10

// maxReqFileSize bounds a requirements file that bundle init reads.
const maxReqFileSize = 4 << 20

// readReqFile imports one requirements file, rel being its name relative to dir.
func (ri *reqImport) readReqFile(dir, rel string, visiting map[string]bool, seen map[string]string, depth int) {
	full := filepath.Join(dir, filepath.FromSlash(rel))
	abs, _ := filepath.Abs(full)
	if visiting[abs] {
		ri.Warnings = append(ri.Warnings, rel+": included again (a -r cycle): skipped")
		return
	}
	visiting[abs] = true
	defer delete(visiting, abs)
	// Only regular files of a sane size: an include of /dev/zero, a FIFO
	// or a directory must not hang or exhaust memory (found by fuzzing).
	if fi, err := os.Stat(full); err == nil && (!fi.Mode().IsRegular() || fi.Size() > maxReqFileSize) {
		ri.Warnings = append(ri.Warnings, fmt.Sprintf("%s: not a regular requirements file of at most %d bytes: not imported", rel, maxReqFileSize))
		return
	}
	f, err := os.Open(full)
	if err != nil {
		ri.Warnings = append(ri.Warnings, fmt.Sprintf("%s: cannot read: %s", rel, errText(err)))
		return
	}
	text, ds := spec.ReadText(io.LimitReader(f, maxReqFileSize), rel)
	f.Close()
	if len(ds) > 0 {
		if ds[0].Code != "B003" { // an empty file imports nothing, silently
			ri.Warnings = append(ri.Warnings, ds[0].String()+": not imported")
		}
		return
	}
	for _, ll := range logicalLines(text.Lines) {
		where := fmt.Sprintf("%s:%d", rel, ll.num)
		line := strings.TrimSpace(stripReqComment(ll.text))
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		if strings.HasPrefix(fields[0], "-") {
			ri.option(dir, rel, where, line, fields, visiting, seen, depth)
			continue
		}
		// The requirement runs up to the first option (" -..." / " --...").
		reqText, opts := line, ""
		if i := optionStart(line); i >= 0 {
			reqText, opts = strings.TrimSpace(line[:i]), line[i:]
		}
		var hashes []string
		of := strings.Fields(opts)
		for i := 0; i < len(of); i++ {
			o := of[i]
			switch {
			case strings.HasPrefix(o, "--hash="):
				hashes = append(hashes, strings.TrimPrefix(o, "--hash="))
			case o == "--hash" && i+1 < len(of):
				hashes = append(hashes, of[i+1])
				i++
			default:
				ri.Warnings = append(ri.Warnings, fmt.Sprintf("%s: option %s of %q dropped: only --hash is supported per requirement", where, o, reqText))
			}
		}
		ri.addReq(where, reqText, hashes, seen)
	}
}

// option handles a requirements line that starts with an option.
func (ri *reqImport) option(dir, rel, where, line string, fields []string, visiting map[string]bool, seen map[string]string, depth int) {
	name, value := fields[0], ""
	if n, v, ok := strings.Cut(name, "="); ok && strings.HasPrefix(name, "--") {
		name, value = n, v
	} else if len(fields) > 1 {
		value = strings.Join(fields[1:], " ")
	} else if len(name) > 2 && name[1] != '-' { // -rfile, -ifile
		name, value = name[:2], name[2:]
	}
	switch name {
	case "-r", "--requirement":
		if value == "" {
			ri.Warnings = append(ri.Warnings, where+": "+name+" without a file: skipped")
			return
		}
		if depth >= maxIncludeDepth {
			ri.Warnings = append(ri.Warnings, where+": -r "+value+": includes nested too deep: skipped")
			return
		}
		if strings.Contains(value, "://") {
			ri.Warnings = append(ri.Warnings, fmt.Sprintf("%s: skipped %q: including requirements from a URL is not supported", where, line))
			return
		}
		inc := filepath.ToSlash(filepath.Join(filepath.Dir(filepath.FromSlash(rel)), filepath.FromSlash(value)))
		if filepath.IsAbs(value) {
			inc = value
		}
		ri.readReqFile(dir, inc, visiting, seen, depth+1)
	case "-c", "--constraint":
		ri.Warnings = append(ri.Warnings, fmt.Sprintf("%s: skipped %q: constraints files are not imported (`bundle pin` computes the versions)", where, line))
	case "-e", "--editable":
		ri.Warnings = append(ri.Warnings, fmt.Sprintf("%s: skipped %q: editable requirements cannot be deployed; add the package to dependencies.in by name, or keep its code in the bundle", where, line))
	case "--no-index":
		ri.addOption(where, "--no-index")
	default:
		long, ok := reqOptions[name]
		if !ok {
			ri.Warnings = append(ri.Warnings, fmt.Sprintf("%s: skipped %q: pip option %s is not supported in dependencies.in", where, line, name))
			return
		}
		if value == "" {
			ri.Warnings = append(ri.Warnings, where+": "+name+" without a value: skipped")
			return
		}
		ri.addOption(where, long+" "+value)
	}
}

func (ri *reqImport) addOption(where, opt string) {
	for _, o := range ri.Options {
		if o == opt {
			return
		}
		if strings.HasPrefix(opt, "--index-url ") && strings.HasPrefix(o, "--index-url ") {
			ri.Warnings = append(ri.Warnings, fmt.Sprintf("%s: second %s ignored (the first, %s, is kept)", where, opt, o))
			return
		}
	}
	ri.Options = append(ri.Options, opt)
}

// addReq imports one requirement string, or warns why it cannot.
func (ri *reqImport) addReq(where, text string, hashes []string, seen map[string]string) {
	text = strings.TrimSpace(text)
	skip := func(why string) {
		ri.Warnings = append(ri.Warnings, fmt.Sprintf("%s: skipped %q: %s", where, text, why))
	}
	directRef := "direct references (name @ url) cannot be imported; add the package to dependencies.in by name and version"
	switch {
	case vcsPrefixRe.MatchString(text):
		skip("VCS requirements cannot be imported; add the package to dependencies.in by name and version")
		return
	case directRefRe.MatchString(text):
		skip(directRef)
		return
	case strings.Contains(text, "://"):
		skip("URL requirements cannot be imported; add the package to dependencies.in by name and version")
		return
	case strings.HasPrefix(text, ".") || strings.HasPrefix(text, "/") || strings.HasPrefix(text, "~") ||
		archiveExtRe.MatchString(text):
		skip("local paths and archives cannot be imported; add the package to dependencies.in by name and version")
		return
	}
	r, err := spec.ParseRequirement(text)
	if err != nil {
		skip("not a PEP 508 requirement: " + err.Error())
		return
	}
	if r.URL != "" {
		skip(directRef)
		return
	}
	name := spec.NormalizeName(r.Name)
	key := name
	if r.Marker != nil {
		key += ";" + r.Marker.String()
	}
	if first, dup := seen[key]; dup {
		skip("duplicate of " + first)
		return
	}
	seen[key] = where
	pinned := false
	if len(r.Specifier) == 1 {
		s := r.Specifier[0]
		pinned = s.Op == "===" || (s.Op == "==" && !strings.HasSuffix(s.Version, ".*"))
	}
	ri.Reqs = append(ri.Reqs, importedReq{Text: text, Hashes: hashes, Key: key, Name: name, Pinned: pinned})
}

// logicalLine is a line after joining "\" continuations; num is the line
// it starts on.
type logicalLine struct {
	num  int
	text string
}

func logicalLines(lines []spec.Line) []logicalLine {
	var out []logicalLine
	var cur strings.Builder
	start := 0
	for _, l := range lines {
		if cur.Len() == 0 {
			start = l.Num
		}
		t := l.Text
		if strings.HasSuffix(t, `\`) {
			cur.WriteString(strings.TrimSuffix(t, `\`))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(t)
		out = append(out, logicalLine{start, cur.String()})
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, logicalLine{start, cur.String()})
	}
	return out
}

// stripReqComment removes a "#" comment: "#" at the start of the line or
// after white space.
func stripReqComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// optionStart returns the byte offset of the first " -" option in a
// requirement line, or -1.
func optionStart(line string) int {
	for i := 1; i < len(line); i++ {
		if line[i] == '-' && (line[i-1] == ' ' || line[i-1] == '\t') {
			return i
		}
	}
	return -1
}

// reqNamesIn returns the normalized names of the requirements in a
// dependencies.in-style text (used on an existing file that init keeps).
func reqNamesIn(content string) map[string]bool {
	names := map[string]bool{}
	for _, l := range strings.Split(content, "\n") {
		l = strings.TrimSpace(stripReqComment(l))
		if l == "" || strings.HasPrefix(l, "-") {
			continue
		}
		if m := leadingNameRe.FindString(l); m != "" {
			names[normalizeReqName(m)] = true
		}
	}
	return names
}

var (
	leadingNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*`)
	nameRunRe     = regexp.MustCompile(`[-_.]+`)
)

// normalizeReqName is PEP 503 normalization (spec.NormalizeName without
// depending on its validation).
func normalizeReqName(s string) string { return strings.ToLower(nameRunRe.ReplaceAllString(s, "-")) }
