package venv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Config is a parsed pyvenv.cfg.
type Config struct {
	// Keys maps each key, lower-cased and trimmed, to its trimmed value,
	// as site.py reads the file.
	Keys map[string]string
	// Order lists the keys in file order.
	Order []string
}

// Get returns the value of key ("" when absent).
func (c *Config) Get(key string) string { return c.Keys[strings.ToLower(key)] }

// ParseConfig reads pyvenv.cfg as CPython's site.py does: each line
// holding "=" is "key = value", split at the first "="; the key is
// trimmed and lower-cased, the value trimmed; other lines are ignored. A
// later key wins.
func ParseConfig(data []byte) *Config {
	c := &Config{Keys: map[string]string{}}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := c.Keys[k]; !dup {
			c.Order = append(c.Order, k)
		}
		c.Keys[k] = strings.TrimSpace(v)
	}
	return c
}

// Venv is an existing virtual environment.
type Venv struct {
	// Dir is its directory (absolute).
	Dir string
	// Config is its pyvenv.cfg.
	Config *Config
}

// ErrNotVenv: the directory is not a virtual environment (no pyvenv.cfg).
var ErrNotVenv = errors.New("not a virtual environment")

// Open reads the virtual environment in dir.
func Open(dir string) (*Venv, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(abs, "pyvenv.cfg"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w (no pyvenv.cfg)", dir, ErrNotVenv)
	}
	if err != nil {
		return nil, err
	}
	return &Venv{Dir: abs, Config: ParseConfig(data)}, nil
}

// Python returns the path of the venv's interpreter, DIR/bin/python.
func (v *Venv) Python() string {
	if runtime.GOOS == "windows" {
		return filepath.Join(v.Dir, "Scripts", "python.exe")
	}
	return filepath.Join(v.Dir, "bin", "python")
}

// Problem says, without running Python, why the venv cannot work as it
// is: its interpreter link is missing or dangling (the base interpreter
// vanished), or pyvenv.cfg lacks home or version. It returns "" when
// nothing is visibly wrong.
func (v *Venv) Problem() string {
	home, version := v.Config.Get("home"), v.Config.Get("version")
	if home == "" || version == "" {
		return "its pyvenv.cfg has no home or version"
	}
	py := v.Python()
	if _, err := os.Lstat(py); err != nil {
		return "it has no " + rel(v.Dir, py)
	}
	if _, err := os.Stat(py); err != nil {
		// Follow the links (bin/python -> python3.11 -> /base/python3.11)
		// to the one that is missing.
		p := py
		for range 40 {
			target, err := os.Readlink(p)
			if err != nil {
				break
			}
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(p), target)
			}
			if _, err := os.Lstat(target); err != nil {
				return fmt.Sprintf("its base interpreter %s is gone", target)
			}
			p = target
		}
		return fmt.Sprintf("its interpreter %s does not work: %v", rel(v.Dir, py), errText(err))
	}
	return ""
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func rel(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil {
		return r
	}
	return p
}

// CreateOptions are the choices of Create.
type CreateOptions struct {
	// Prompt is the activate scripts' prompt. Default: the directory's
	// name.
	Prompt string
	// Creator is written to pyvenv.cfg as "bundle = CREATOR" (uv and
	// virtualenv record themselves the same way). Default: not written.
	Creator string
	// Keep names entries of an existing directory that survive (such
	// as a lock file's directory); everything else is removed first.
	Keep []string
}

// Create makes dir a virtual environment of py, the layout `python -m
// venv --without-pip` gives on POSIX: pyvenv.cfg (home, version,
// executable), bin/ with the interpreter linked as venv links it
// (bin/NAME to the base executable, python, python3 and python3.X to
// NAME), the scheme's directories (include, lib/pythonX.Y/site-packages,
// lib64 -> lib on 64-bit Linux), the activate scripts of py's venv module
// filled in, and a .gitignore holding "*" (as Python 3.13's venv writes).
// An existing dir is emptied first, except for opts.Keep.
func Create(dir string, py *Interpreter, opts CreateOptions) (*Venv, error) {
	if runtime.GOOS == "windows" || py.OSName == "nt" {
		return nil, errors.New("creating virtual environments on Windows is not supported yet")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if strings.ContainsRune(abs, os.PathListSeparator) {
		return nil, fmt.Errorf("cannot create a virtualenv in %s: the path contains %q", abs, os.PathListSeparator)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	if err := clearDir(abs, opts.Keep); err != nil {
		return nil, err
	}
	base := py.BaseExecutable
	if base == "" {
		base = py.Executable
	}
	base, err = filepath.Abs(base)
	if err != nil {
		return nil, err
	}
	sch := py.Scheme
	join := func(p string) string { return filepath.Join(abs, filepath.FromSlash(p)) }
	for _, d := range []string{sch.Include, sch.Purelib, sch.Platlib, sch.Scripts} {
		if err := os.MkdirAll(join(d), 0o755); err != nil {
			return nil, err
		}
	}
	if py.Is64Bit && py.OSName == "posix" && py.SysPlatform != "darwin" {
		if _, err := os.Lstat(join("lib64")); errors.Is(err, fs.ErrNotExist) {
			if err := os.Symlink("lib", join("lib64")); err != nil {
				return nil, err
			}
		}
	}
	bin := join(sch.Scripts)
	exe := filepath.Base(base)
	if err := os.Symlink(base, filepath.Join(bin, exe)); err != nil {
		return nil, err
	}
	for _, name := range []string{"python", "python3", fmt.Sprintf("python3.%d", py.VersionInfo[1])} {
		if name == exe {
			continue
		}
		if err := os.Symlink(exe, filepath.Join(bin, name)); err != nil {
			return nil, err
		}
	}

	var cfg strings.Builder
	fmt.Fprintf(&cfg, "home = %s\n", filepath.Dir(base))
	cfg.WriteString("include-system-site-packages = false\n")
	fmt.Fprintf(&cfg, "version = %d.%d.%d\n", py.VersionInfo[0], py.VersionInfo[1], py.VersionInfo[2])
	if opts.Prompt != "" {
		fmt.Fprintf(&cfg, "prompt = %s\n", pyRepr(opts.Prompt))
	}
	fmt.Fprintf(&cfg, "executable = %s\n", py.RealExecutable)
	if opts.Creator != "" {
		fmt.Fprintf(&cfg, "bundle = %s\n", opts.Creator)
	}
	if err := os.WriteFile(filepath.Join(abs, "pyvenv.cfg"), []byte(cfg.String()), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(abs, ".gitignore"), []byte("# Created by bundle sync\n*\n"), 0o644); err != nil {
		return nil, err
	}
	if err := writeActivate(abs, bin, exe, py, opts.Prompt); err != nil {
		return nil, err
	}
	return Open(abs)
}

// clearDir removes the entries of dir except keep.
func clearDir(dir string, keep []string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	k := map[string]bool{}
	for _, n := range keep {
		k[n] = true
	}
	for _, e := range ents {
		if k[e.Name()] {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// writeActivate fills in the venv module's script templates
// (venv/scripts/common and venv/scripts/posix of py's standard library)
// as venv.EnvBuilder.replace_variables does. Without templates (a
// stripped Python), no activate scripts are written.
func writeActivate(dir, bin, exe string, py *Interpreter, prompt string) error {
	name := filepath.Base(dir)
	if prompt == "" {
		prompt = name
	}
	// Before 3.13 the templates take the prompt with its parentheses.
	if py.VersionInfo[0] == 3 && py.VersionInfo[1] < 13 {
		prompt = "(" + prompt + ") "
	}
	vars := [][2]string{
		{"__VENV_DIR__", dir},
		{"__VENV_NAME__", name},
		{"__VENV_PROMPT__", prompt},
		{"__VENV_BIN_NAME__", rel(dir, bin)},
		{"__VENV_PYTHON__", filepath.Join(bin, exe)},
	}
	// Since gh-124651 (3.13.1, 3.12.8, and backported by distributions)
	// venv quotes the values for each script's language.
	quoting := false
	if src, err := os.ReadFile(filepath.Join(py.Stdlib, "venv", "__init__.py")); err == nil {
		quoting = strings.Contains(string(src), "shlex.quote")
	}
	replacer := func(script string) *strings.Replacer {
		var pairs []string
		for _, kv := range vars {
			v := kv[1]
			if quoting {
				switch {
				case strings.HasSuffix(script, ".ps1"):
					v = "'" + strings.ReplaceAll(v, "'", "''") + "'"
				case strings.HasSuffix(script, ".bat"):
				default:
					v = shQuote(v)
				}
			}
			pairs = append(pairs, kv[0], v)
		}
		return strings.NewReplacer(pairs...)
	}
	for _, sub := range []string{"common", "posix"} {
		tdir := filepath.Join(py.Stdlib, "venv", "scripts", sub)
		ents, err := os.ReadDir(tdir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if !e.Type().IsRegular() {
				continue
			}
			data, err := os.ReadFile(filepath.Join(tdir, e.Name()))
			if err != nil {
				return err
			}
			out := []byte(replacer(e.Name()).Replace(string(data)))
			if err := os.WriteFile(filepath.Join(bin, e.Name()), out, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// shQuote quotes s as Python's shlex.quote does.
func shQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_@%+=:,./-", c)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// pyRepr quotes s as Python's repr of a str does for plain text.
func pyRepr(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + strings.ReplaceAll(s, `\`, `\\`) + "'"
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
