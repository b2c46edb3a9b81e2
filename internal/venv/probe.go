// Package venv creates and inspects Python virtual environments without
// running pip: the layout `python -m venv --without-pip` makes (pyvenv.cfg,
// the interpreter symlinks, the scheme's directories and the activate
// scripts), written directly, which saves starting an interpreter. What a
// venv needs to know about its base interpreter (version, install scheme,
// platform, marker values) comes from one Probe, which callers cache.
package venv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Interpreter is what a Python interpreter says about itself.
type Interpreter struct {
	// Executable is sys.executable; RealExecutable its real path (symlinks
	// resolved), which pyvenv.cfg records.
	Executable     string `json:"executable"`
	RealExecutable string `json:"real_executable"`
	// BaseExecutable is sys._base_executable: for the python of a
	// virtualenv, the interpreter it was made from. A virtualenv links to
	// it.
	BaseExecutable string `json:"base_executable"`
	// Prefix and BasePrefix are sys.prefix and sys.base_prefix.
	Prefix     string `json:"prefix"`
	BasePrefix string `json:"base_prefix"`
	// Version is the version in PEP 440 form ("3.11.7", "3.13.0rc1") and
	// VersionInfo its major, minor and micro.
	Version     string `json:"version"`
	VersionInfo [3]int `json:"version_info"`
	// Implementation is sys.implementation.name ("cpython") and CacheTag
	// its cache_tag ("cpython-311").
	Implementation string `json:"implementation"`
	CacheTag       string `json:"cache_tag"`
	// Platform is sysconfig.get_platform() ("linux-x86_64") and Libc
	// platform.libc_ver() (["glibc", "2.36"]).
	Platform string    `json:"platform"`
	Libc     [2]string `json:"libc"`
	// Env holds the PEP 508 marker values.
	Env map[string]string `json:"env"`
	// OSName and SysPlatform are os.name and sys.platform; Is64Bit is
	// sys.maxsize > 2**32.
	OSName      string `json:"os_name"`
	SysPlatform string `json:"sys_platform"`
	Is64Bit     bool   `json:"is_64bit"`
	// Stdlib is the standard library directory (for the venv module's
	// activate script templates).
	Stdlib string `json:"stdlib"`
	// Scheme is the virtualenv install scheme, relative to the venv's
	// directory, "/"-separated.
	Scheme Scheme `json:"scheme"`
	// Files are files whose change means the answers above may be stale:
	// the executable and the shared library, with size and mtime when
	// probed (see Fresh).
	Files []FileStamp `json:"files"`
}

// Scheme holds the install directories of a virtualenv, relative to it.
type Scheme struct {
	Purelib string `json:"purelib"`
	Platlib string `json:"platlib"`
	Scripts string `json:"scripts"`
	Include string `json:"include"`
	Data    string `json:"data"`
}

// FileStamp is a file's size and modification time.
type FileStamp struct {
	Path  string `json:"path"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"`
}

// Stamp returns the FileStamp of p, ok false when it cannot be read.
func Stamp(p string) (FileStamp, bool) {
	fi, err := os.Stat(p)
	if err != nil {
		return FileStamp{Path: p}, false
	}
	return FileStamp{Path: p, Size: fi.Size(), MTime: fi.ModTime().UnixNano()}, true
}

// Fresh reports whether every file in Files still has the stamp it had
// when probed: the probe's answers still hold without running Python.
func (in *Interpreter) Fresh() bool {
	if len(in.Files) == 0 {
		return false
	}
	for _, f := range in.Files {
		now, ok := Stamp(f.Path)
		if !ok || now != f {
			return false
		}
	}
	return true
}

// MinorVersion returns "3.11".
func (in *Interpreter) MinorVersion() string {
	return fmt.Sprintf("%d.%d", in.VersionInfo[0], in.VersionInfo[1])
}

// String returns "CPython 3.11.7 (/path/to/python3.11)".
func (in *Interpreter) String() string {
	impl := in.Implementation
	if impl == "cpython" {
		impl = "CPython"
	}
	return fmt.Sprintf("%s %s (%s)", impl, in.Version, in.BaseExecutable)
}

// probeBase stands for the virtualenv directory in the scheme paths.
const probeBase = "/@BUNDLE_VENV@"

// probeScript prints the Interpreter as JSON. It runs on Python 3.6 and
// later.
const probeScript = `import json, os, platform, sys, sysconfig
i = sys.implementation
vi = sys.version_info
v = "%d.%d.%d" % tuple(vi[:3])
if vi.releaselevel != "final":
    v += {"alpha": "a", "beta": "b", "candidate": "rc"}.get(vi.releaselevel, "") + str(vi.serial)
iv = "%d.%d.%d" % tuple(i.version[:3])
if i.version.releaselevel != "final":
    iv += i.version.releaselevel[0] + str(i.version.serial)
names = sysconfig.get_scheme_names()
if "venv" in names:
    scheme = "venv"
elif os.name == "nt":
    scheme = "nt"
else:
    scheme = "posix_prefix"
B = "` + probeBase + `"
paths = sysconfig.get_paths(scheme, vars={"base": B, "platbase": B, "installed_base": B, "installed_platbase": B})
if scheme != "venv" and os.name != "nt":
    paths["include"] = B + "/include"
base = getattr(sys, "_base_executable", None) or sys.executable
libdir = sysconfig.get_config_var("LIBDIR") or ""
ldlib = sysconfig.get_config_var("LDLIBRARY") or ""
files = [os.path.realpath(sys.executable)]
if libdir and ldlib and sysconfig.get_config_var("Py_ENABLE_SHARED"):
    files.append(os.path.realpath(os.path.join(libdir, ldlib)))
print(json.dumps({
 "executable": sys.executable, "real_executable": os.path.realpath(sys.executable), "base_executable": base,
 "prefix": sys.prefix, "base_prefix": getattr(sys, "base_prefix", sys.prefix),
 "version": v, "version_info": list(vi[:3]), "implementation": i.name, "cache_tag": i.cache_tag or "",
 "platform": sysconfig.get_platform(), "libc": list(platform.libc_ver()),
 "os_name": os.name, "sys_platform": sys.platform, "is_64bit": sys.maxsize > 2**32,
 "stdlib": sysconfig.get_path("stdlib"),
 "scheme": {k: paths[k] for k in ("purelib", "platlib", "scripts", "include", "data")},
 "files": [{"path": f} for f in files],
 "env": {"implementation_name": i.name, "implementation_version": iv, "os_name": os.name,
  "platform_machine": platform.machine(), "platform_release": platform.release(), "platform_system": platform.system(),
  "platform_version": platform.version(), "python_full_version": platform.python_version(),
  "platform_python_implementation": platform.python_implementation(),
  "python_version": ".".join(platform.python_version_tuple()[:2]), "sys_platform": sys.platform}}))
`

// Probe runs python (a path or a command on PATH) once and returns what
// it says about itself, within timeout (0 means 20 seconds).
func Probe(ctx context.Context, python string, timeout time.Duration) (*Interpreter, error) {
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-I", "-c", probeScript)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("running %s: %s", python, msg)
	}
	var in Interpreter
	if err := json.Unmarshal(stdout.Bytes(), &in); err != nil {
		return nil, fmt.Errorf("running %s: unexpected output: %v", python, err)
	}
	for _, p := range []*string{&in.Scheme.Purelib, &in.Scheme.Platlib, &in.Scheme.Scripts, &in.Scheme.Include, &in.Scheme.Data} {
		s := filepath.ToSlash(*p)
		switch {
		case s == probeBase:
			*p = "."
		case strings.HasPrefix(s, probeBase+"/"):
			*p = strings.TrimPrefix(s, probeBase+"/")
		default:
			return nil, fmt.Errorf("running %s: the virtualenv scheme path %q is not inside the virtualenv", python, *p)
		}
	}
	for i := range in.Files {
		st, ok := Stamp(in.Files[i].Path)
		if !ok {
			return nil, fmt.Errorf("running %s: cannot stat %s", python, in.Files[i].Path)
		}
		in.Files[i] = st
	}
	return &in, nil
}
