package bundle

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/bundle-wsgi/bundle/spec"
)

// bindCheckScript parses Python source from stdin with ast and reports
// whether it binds a module-level name; see the file for its output.
//
//go:embed pyscripts/bindcheck.py
var bindCheckScript string

// bindCheckTimeout bounds one run of bindCheckScript when ctx has no
// earlier deadline.
const bindCheckTimeout = 30 * time.Second

// bindResult is the JSON printed by bindCheckScript.
type bindResult struct {
	OK          bool `json:"ok"`
	SyntaxError *struct {
		Line int    `json:"line"`
		Col  int    `json:"col"`
		Msg  string `json:"msg"`
	} `json:"syntax_error"`
	HasApplication bool     `json:"has_application"`
	StarImports    []string `json:"star_imports"`
	Error          string   `json:"error"`
}

// CheckWSGIApp checks the bin/wsgiapp file at path against the contract:
// executable (W004, warning), starts with a #! line (W005, warning), UTF-8
// (B004) and not empty (B003), and, using py, that it parses (W002, with the
// line and column of the SyntaxError) and binds `application` at module
// level (W001). The file is parsed with Python's ast module by py: it is never
// imported or executed. With py nil the parse check is skipped with W003
// (info). If py fails to run, the check is skipped with W003 too, saying why.
//
// A missing file gives B001 and an unreadable one B006. Diagnostics name
// the file as path; callers wanting "bin/wsgiapp" may rewrite File.
// A module that does `from m import *` and binds application nowhere else
// is given the benefit of the doubt (no W001): the check cannot see through
// a star import without importing.
func CheckWSGIApp(ctx context.Context, py *Python, path string) spec.Diagnostics {
	var ds spec.Diagnostics
	add := func(sev spec.Severity, code string, line, col int, msg, hint string) {
		ds = append(ds, spec.Diagnostic{File: path, Line: line, Column: col, Severity: sev,
			Code: code, Message: msg, Hint: hint})
	}
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			add(spec.SeverityError, "B001", 0, 0, "required file missing", "Run `bundle init` to create it.")
		} else {
			add(spec.SeverityError, "B006", 0, 0, "cannot read the file: "+errText(err), "Check that the file is readable.")
		}
		return ds
	}
	if fi.IsDir() {
		add(spec.SeverityError, "B006", 0, 0, "is a directory, not a file", "Make bin/wsgiapp a Python script.")
		return ds
	}
	src, err := os.ReadFile(path)
	if err != nil {
		add(spec.SeverityError, "B006", 0, 0, "cannot read the file: "+errText(err), "Check that the file is readable.")
		return ds
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0 {
		add(spec.SeverityWarning, "W004", 0, 0, "bin/wsgiapp is not executable",
			"Run `chmod +x bin/wsgiapp` so that it can be run directly.")
	}
	if _, tds := spec.ReadText(bytes.NewReader(src), path); len(tds) > 0 {
		return append(ds, tds...) // B003 (0 bytes) or B004 (not UTF-8)
	}
	if len(bytes.TrimSpace(src)) == 0 {
		add(spec.SeverityError, "B003", 0, 0, "file is empty",
			"Write a Python script that defines `application`, or run `bundle init` to create one.")
		return ds
	}
	if !bytes.HasPrefix(src, []byte("#!")) {
		msg := "bin/wsgiapp has no #! line"
		if bytes.HasPrefix(src, []byte("\uFEFF#!")) {
			msg = "bin/wsgiapp starts with a byte order mark, so its #! line is not a shebang"
		}
		add(spec.SeverityWarning, "W005", 1, 1, msg,
			"Make the first line `#!/usr/bin/env python3` so that the script can be run directly.")
	}
	if py == nil {
		add(spec.SeverityInfo, "W003", 0, 0,
			"check that bin/wsgiapp defines application skipped: no python interpreter found",
			"Install python3, or pass --python PATH, to run this check.")
		return ds
	}
	res, err := runBindCheck(ctx, py, src, "application")
	if err != nil {
		add(spec.SeverityInfo, "W003", 0, 0,
			"check that bin/wsgiapp defines application skipped: "+err.Error(),
			"Pass --python PATH with a working Python 3 interpreter to run this check.")
		return ds
	}
	switch {
	case res.SyntaxError != nil:
		se := res.SyntaxError
		add(spec.SeverityError, "W002", se.Line, se.Col, "syntax error: "+se.Msg,
			"Fix the Python syntax at that position.")
	case res.Error != "":
		add(spec.SeverityError, "W002", 0, 0, res.Error, "Simplify the file: Python cannot parse it.")
	case !res.HasApplication && len(res.StarImports) == 0:
		add(spec.SeverityError, "W001", 0, 0, "bin/wsgiapp does not define application at module level",
			"Bind the WSGI callable to the module-level name `application`, e.g. `from myapp import app as application`.")
	}
	return ds
}

// runBindCheck runs bindCheckScript with py on src, looking for name.
func runBindCheck(ctx context.Context, py *Python, src []byte, name string) (*bindResult, error) {
	ctx, cancel := context.WithTimeout(ctx, bindCheckTimeout)
	defer cancel()
	// -I: ignore PYTHON* variables, user site and the current directory
	// (a local ast.py or json.py must not shadow the standard library);
	// -S: no site module, so no .pth file runs.
	cmd := exec.CommandContext(ctx, py.Path, "-I", "-S", "-c", bindCheckScript, name)
	cmd.Stdin = bytes.NewReader(src)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s did not finish: %v", py.Path, ctx.Err())
	}
	if err != nil {
		msg := lastLine(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s failed: %s", py.Path, msg)
	}
	var res bindResult
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &res); err != nil {
		return nil, fmt.Errorf("%s printed unexpected output: %q", py.Path, firstLine(stdout.String()))
	}
	if res.SyntaxError != nil && res.SyntaxError.Msg == "" {
		res.SyntaxError.Msg = "invalid syntax"
	}
	return &res, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	return s
}

// errText returns err's text without the path that *fs.PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
