package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// env is what every test shares: the built wheel and a venv with it,
// Flask and Django installed from ../shared/wheelhouse.
type env struct {
	root   string // repository root
	work   string // temporary directory
	so     string // the built extension, as in the wheel
	whl    string // the wheel runtime/build.sh made
	python string // the venv's python
	err    error
}

var (
	shared     env
	sharedOnce sync.Once
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.work != "" {
		os.RemoveAll(shared.work)
	}
	os.Exit(code)
}

// setup builds once what the tests need; a failure fails every test (a
// missing wheelhouse too: the tests must not pass by skipping).
func setup(t *testing.T) *env {
	t.Helper()
	sharedOnce.Do(func() { shared.err = shared.build() })
	if shared.err != nil {
		t.Fatalf("setup: %v", shared.err)
	}
	return &shared
}

func run(dir string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_INPUT=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func (e *env) build() error {
	_, file, _, _ := runtime.Caller(0)
	e.root = filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	wheelhouse := filepath.Join(e.root, "..", "shared", "wheelhouse")
	if _, err := os.Stat(wheelhouse); err != nil {
		return fmt.Errorf("the shared wheelhouse (../shared/wheelhouse from the repository) is needed: %w", err)
	}
	var err error
	if e.work, err = os.MkdirTemp("", "bundle-runtime-e2e-"); err != nil {
		return err
	}
	// The wheel as make build makes it (runtime/build.sh: the extension
	// with its glibc pins, without -race, checked against its tag), and
	// the extension taken out of it.
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	cmd := exec.Command("sh", filepath.Join(e.root, "runtime", "build.sh"), filepath.Join(e.work, "dist"))
	cmd.Dir = e.root
	cmd.Env = append(os.Environ(), "GO="+gobin, "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		return fmt.Errorf("runtime/build.sh: %w\n%s%s", err, out, stderr)
	}
	e.whl = strings.TrimSpace(string(out))
	if e.so, err = extractSO(e.whl, e.work); err != nil {
		return err
	}
	venv := filepath.Join(e.work, "venv")
	if err := run(e.work, "python3", "-m", "venv", venv); err != nil {
		return err
	}
	e.python = filepath.Join(venv, "bin", "python")
	return run(e.work, e.python, "-m", "pip", "install", "-q", "--no-index", "--find-links", wheelhouse,
		"flask==3.1.3", "django==3.2.25", e.whl)
}

// proc is a served Python process.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	mu     sync.Mutex
	stderr bytes.Buffer
	stdout bytes.Buffer
	done   chan error
}

var listenRE = regexp.MustCompile(`listening on (https?://\S+)`)

// serve starts the venv's python with args (cwd dir) and waits for its
// "listening on" line.
func (e *env) serve(t *testing.T, dir string, extraEnv []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, cmd: exec.Command(e.python, args...), done: make(chan error, 1)}
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), extraEnv...)
	p.cmd.Stdout = &lockedWriter{mu: &p.mu, w: &p.stdout}
	errPipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(errPipe)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.stderr.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listenRE.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(p.kill)
	select {
	case p.base = <-found:
	case err := <-p.done:
		p.done <- err
		t.Fatalf("server exited before listening: %v\n%s", err, p.Stderr())
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not listen in 30s\n%s", p.Stderr())
	}
	return p
}

// serveApp serves testdata/app.py with serve() keyword arguments kw.
func (e *env) serveApp(t *testing.T, kw map[string]any, extraEnv ...string) *proc {
	t.Helper()
	if kw == nil {
		kw = map[string]any{}
	}
	if _, ok := kw["listen"]; !ok {
		kw["listen"] = "127.0.0.1:0"
	}
	if _, ok := kw["access_log"]; !ok {
		kw["access_log"] = "stderr"
	}
	b, _ := json.Marshal(kw)
	app, _ := filepath.Abs("testdata/app.py")
	return e.serve(t, t.TempDir(), extraEnv, app, string(b))
}

func (p *proc) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// signal sends sig and waits for the exit.
func (p *proc) stop(sig syscall.Signal, timeout time.Duration) error {
	p.t.Helper()
	_ = p.cmd.Process.Signal(sig)
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(timeout):
		p.kill()
		p.t.Fatalf("no exit %s after %v\n%s", timeout, sig, p.Stderr())
		return nil
	}
}

func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		select {
		case err := <-p.done:
			p.done <- err
		case <-time.After(5 * time.Second):
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// waitFor polls cond for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		if cond() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
}
