package e2e

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func get(t *testing.T, method, url string, body io.Reader, hdr map[string]string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestWSGI(t *testing.T) {
	e := setup(t)
	closeDir := t.TempDir()
	p := e.serveApp(t, map[string]any{"threads": 4}, "CLOSE_DIR="+closeDir)
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	tests := []struct {
		name    string
		method  string
		path    string
		body    io.Reader
		hdr     map[string]string
		status  int
		check   func(t *testing.T, resp *http.Response, b []byte)
		envWant map[string]string
	}{
		{name: "get with query", method: "GET", path: "/echo?a=1&b=%C3%A9", status: 200, envWant: map[string]string{
			"REQUEST_METHOD": "GET", "QUERY_STRING": "a=1&b=%C3%A9", "PATH_INFO": "/echo", "SCRIPT_NAME": "",
			"wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
		}},
		{name: "unicode path", method: "GET", path: "/u/caf%C3%A9/%E2%9C%93", status: 200, envWant: map[string]string{
			"PATH_INFO": "/u/caf\u00c3\u00a9/\u00e2\u009c\u0093", "path_utf8": "/u/café/✓",
		}},
		{name: "post", method: "POST", path: "/echo", body: strings.NewReader("name=value"),
			hdr: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 200,
			envWant: map[string]string{"CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": "10", "body_head": "name=value"}},
		{name: "large post", method: "POST", path: "/echo", body: strings.NewReader(big), status: 200,
			check: func(t *testing.T, _ *http.Response, b []byte) {
				var env map[string]any
				_ = json.Unmarshal(b, &env)
				if env["body_len"] != float64(len(big)) {
					t.Errorf("body_len %v, want %d", env["body_len"], len(big))
				}
			}},
		{name: "chunked upload", method: "POST", path: "/echo", body: io.MultiReader(strings.NewReader(big)), status: 200,
			check: func(t *testing.T, resp *http.Response, b []byte) {
				var env map[string]any
				_ = json.Unmarshal(b, &env)
				if env["body_len"] != float64(len(big)) || env["CONTENT_LENGTH"] != nil {
					t.Errorf("body_len %v CONTENT_LENGTH %v", env["body_len"], env["CONTENT_LENGTH"])
				}
			}},
		{name: "readline and readlines", method: "POST", path: "/lines", body: io.MultiReader(strings.NewReader("one\ntwo\nthree")), status: 200,
			check: func(t *testing.T, _ *http.Response, b []byte) {
				if string(b) != `{"first": "one\n", "rest": ["two\n", "three"]}` {
					t.Errorf("got %s", b)
				}
			}},
		{name: "head", method: "HEAD", path: "/echo", status: 200, check: func(t *testing.T, resp *http.Response, b []byte) {
			if len(b) != 0 || resp.ContentLength <= 0 {
				t.Errorf("HEAD: body %q, Content-Length %d", b, resp.ContentLength)
			}
		}},
		{name: "streamed", method: "GET", path: "/stream", status: 200, check: func(t *testing.T, resp *http.Response, b []byte) {
			if string(b) != strings.Repeat("a", 10)+strings.Repeat("b", 10)+strings.Repeat("c", 10) || len(resp.TransferEncoding) == 0 {
				t.Errorf("got %q, chunked %v", b, resp.TransferEncoding)
			}
		}},
		{name: "write callable", method: "GET", path: "/write", status: 200, check: func(t *testing.T, _ *http.Response, b []byte) {
			if string(b) != "written;returned" {
				t.Errorf("got %q", b)
			}
		}},
		{name: "large response", method: "GET", path: "/large?5000001", status: 200, check: func(t *testing.T, _ *http.Response, b []byte) {
			if len(b) != 5000001 || b[0] != 'x' || b[len(b)-1] != 'y' {
				t.Errorf("got %d bytes", len(b))
			}
		}},
		{name: "app exception", method: "GET", path: "/error", status: 500, check: func(t *testing.T, resp *http.Response, _ []byte) {
			if !waitFor(5*time.Second, func() bool { return strings.Contains(p.Stderr(), "ValueError: deliberate failure in /error") }) {
				t.Errorf("no traceback in the error log:\n%s", p.Stderr())
			}
		}},
		{name: "exc_info replaces the response", method: "GET", path: "/exc-info", status: 500, check: func(t *testing.T, _ *http.Response, b []byte) {
			if string(b) != "custom error page" {
				t.Errorf("got %q", b)
			}
		}},
		{name: "file wrapper", method: "GET", path: "/file", status: 200, check: func(t *testing.T, resp *http.Response, b []byte) {
			want, _ := os.ReadFile("testdata/app.py")
			if string(b) != string(want) || resp.Header.Get("Content-Type") != "text/x-python" {
				t.Errorf("got %d bytes (%s), want %d", len(b), resp.Header.Get("Content-Type"), len(want))
			}
		}},
		{name: "wsgi.errors", method: "GET", path: "/errors", status: 200, check: func(t *testing.T, _ *http.Response, _ []byte) {
			if !waitFor(5*time.Second, func() bool { return strings.Contains(p.Stderr(), "note for the error log") }) {
				t.Errorf("wsgi.errors output not in the error log")
			}
		}},
		{name: "request id", method: "GET", path: "/echo", hdr: map[string]string{"X-Request-Id": "abc-123"}, status: 200,
			envWant: map[string]string{"bundle.request_id": "abc-123"},
			check: func(t *testing.T, resp *http.Response, _ []byte) {
				if resp.Header.Get("X-Request-Id") != "abc-123" {
					t.Errorf("X-Request-Id %q", resp.Header.Get("X-Request-Id"))
				}
			}},
		{name: "not found", method: "GET", path: "/nope", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b, err := get(t, tt.method, p.base+tt.path, tt.body, tt.hdr)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b)
			}
			if tt.envWant != nil {
				var env map[string]any
				if err := json.Unmarshal(b, &env); err != nil {
					t.Fatalf("%v: %s", err, b)
				}
				for k, v := range tt.envWant {
					if env[k] != v {
						t.Errorf("%s = %q, want %q", k, env[k], v)
					}
				}
			}
			if tt.check != nil {
				tt.check(t, resp, b)
			}
		})
	}

	t.Run("exception after data cuts the connection", func(t *testing.T) {
		if _, _, err := get(t, "GET", p.base+"/error-after", nil, nil); err == nil {
			t.Error("want a broken response")
		}
	})

	t.Run("client disconnect calls close", func(t *testing.T) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = conn.Write([]byte("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"))
		if _, err := bufio.NewReader(conn).ReadString('\n'); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		if !waitFor(10*time.Second, func() bool { _, err := os.Stat(filepath.Join(closeDir, "slow")); return err == nil }) {
			t.Errorf("close() not called after the client left\n%s", p.Stderr())
		}
	})

	t.Run("keep-alive", func(t *testing.T) {
		conns := 0
		c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, n, a string) (net.Conn, error) {
			conns++
			return (&net.Dialer{}).DialContext(ctx, n, a)
		}}}
		for i := 0; i < 5; i++ {
			resp, err := c.Get(p.base + "/echo")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if conns != 1 {
			t.Errorf("%d connections for 5 requests", conns)
		}
	})

	for _, name := range []string{"stream", "large"} {
		if _, err := os.Stat(filepath.Join(closeDir, name)); err != nil {
			t.Errorf("close() of /%s not called", name)
		}
	}
	if err := p.stop(syscall.SIGTERM, 20*time.Second); err != nil {
		t.Errorf("exit: %v", err)
	}
	if s := p.Stderr(); strings.Contains(s, "AssertionError") || strings.Contains(s, "without being closed") {
		t.Errorf("validator complaints:\n%s", s)
	}
}

func TestSIGTERMFinishesInFlight(t *testing.T) {
	e := setup(t)
	p := e.serveApp(t, map[string]any{"threads": 2, "graceful_timeout": "10s"})
	type result struct {
		code int
		body string
		err  error
	}
	res := make(chan result, 2)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, b, err := get(t, "GET", p.base+"/sleep?1.5", nil, nil)
			if err != nil {
				res <- result{err: err}
				return
			}
			res <- result{code: resp.StatusCode, body: string(b)}
		}()
	}
	time.Sleep(500 * time.Millisecond) // both are inside the app
	start := time.Now()
	if err := p.stop(syscall.SIGTERM, 20*time.Second); err != nil {
		t.Errorf("exit status: %v\n%s", err, p.Stderr())
	}
	wg.Wait()
	for i := 0; i < 2; i++ {
		r := <-res
		if r.err != nil || r.code != 200 || r.body != "slept" {
			t.Errorf("in-flight request: %+v", r)
		}
	}
	if d := time.Since(start); d < 500*time.Millisecond {
		t.Errorf("exited after %v, before the requests could finish", d)
	}
	if !strings.Contains(p.Stderr(), "serve returned") {
		t.Errorf("serve() did not return:\n%s", p.Stderr())
	}
}

// TestGraceExpired: past graceful_timeout, a request still computing gets
// bundle_runtime.GraceExpired (its finally block runs, its client gets a
// 500) and one blocked in a sleep has its connection closed; serve()
// returns within the timeout plus the documented 4 s.
func TestGraceExpired(t *testing.T) {
	e := setup(t)
	p := e.serveApp(t, map[string]any{"threads": 3, "graceful_timeout": "1s"})
	codes := make(chan string, 2)
	for _, path := range []string{"/spin?60", "/sleep?60"} {
		go func() {
			resp, _, err := get(t, "GET", p.base+path, nil, nil)
			if err != nil {
				codes <- path + " error"
				return
			}
			codes <- fmt.Sprintf("%s %d", path, resp.StatusCode)
		}()
	}
	time.Sleep(500 * time.Millisecond) // both are in the app
	start := time.Now()
	if err := p.stop(syscall.SIGTERM, 20*time.Second); err != nil {
		t.Errorf("exit status: %v\n%s", err, p.Stderr())
	}
	if d := time.Since(start); d > 1*time.Second+4*time.Second+time.Second {
		t.Errorf("serve() returned %v after SIGTERM, want at most graceful_timeout + 4s", d)
	}
	got := []string{<-codes, <-codes}
	sort.Strings(got)
	if got[1] != "/spin?60 500" || got[0] != "/sleep?60 error" {
		t.Errorf("responses: %q, want the spinning request to get a 500 and the sleeping one a closed connection", got)
	}
	for _, want := range []string{"raising bundle_runtime.GraceExpired in 2 request(s)", "spin finally ran", "bundle_runtime.GraceExpired", "serve returned"} {
		if !strings.Contains(p.Stderr(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, p.Stderr())
		}
	}
}

// TestLongRequestDoesNotBlockOthers: a short request queued behind a long
// CPU-bound one is served by another thread, not after the long one.
func TestLongRequestDoesNotBlockOthers(t *testing.T) {
	e := setup(t)
	p := e.serveApp(t, map[string]any{"threads": 2})
	long := make(chan time.Time, 1)
	go func() {
		_, _, _ = get(t, "GET", p.base+"/spin?2", nil, nil)
		long <- time.Now()
	}()
	time.Sleep(200 * time.Millisecond)
	if _, b, err := get(t, "GET", p.base+"/echo", nil, nil); err != nil {
		t.Fatalf("short request: %v", err)
	} else if len(b) == 0 {
		t.Errorf("short request: empty body")
	}
	select {
	case <-long:
		t.Errorf("the short request waited for the long one to end")
	default:
		<-long
	}
}

func TestSIGINT(t *testing.T) {
	e := setup(t)
	p := e.serveApp(t, nil)
	if _, _, err := get(t, "GET", p.base+"/echo", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.stop(syscall.SIGINT, 20*time.Second); err != nil {
		t.Errorf("exit status: %v\n%s", err, p.Stderr())
	}
	if !strings.Contains(p.Stderr(), "serve returned") {
		t.Errorf("serve() did not return:\n%s", p.Stderr())
	}
}

func TestOverload(t *testing.T) {
	e := setup(t)
	p := e.serveApp(t, map[string]any{"threads": 1, "queue_size": 1, "retry_after": 3})
	codes := make(chan int, 6)
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _, err := get(t, "GET", p.base+"/sleep?0.5", nil, nil)
			if err != nil {
				codes <- -1
				return
			}
			if resp.StatusCode == 503 && resp.Header.Get("Retry-After") != "3" {
				t.Errorf("503 without Retry-After: 3")
			}
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	n := map[int]int{}
	for c := range codes {
		n[c]++
	}
	if n[503] == 0 || n[200] == 0 || n[200]+n[503] != 6 {
		t.Errorf("codes %v: want both 200s and 503s", n)
	}
	// Still healthy.
	resp, b, err := get(t, "GET", p.base+"/stats", nil, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after overload: %v", err)
	}
	var st map[string]int
	_ = json.Unmarshal(b, &st)
	if st["rejected"] != n[503] || st["threads"] != 1 {
		t.Errorf("stats %v, codes %v", st, n)
	}
}

func TestBodyLimit(t *testing.T) {
	e := setup(t)
	p := e.serveApp(t, map[string]any{"max_body_bytes": 100000, "prefetch_bytes": 1000})
	for _, tc := range []struct {
		name string
		body io.Reader
	}{
		{"content-length", strings.NewReader(strings.Repeat("a", 100001))},
		{"chunked", io.MultiReader(strings.NewReader(strings.Repeat("a", 200000)))},
	} {
		resp, _, err := get(t, "POST", p.base+"/echo", tc.body, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if resp.StatusCode != 413 {
			t.Errorf("%s: status %d, want 413", tc.name, resp.StatusCode)
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and returns the files and
// a pool trusting it.
func selfSigned(t *testing.T) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalPKCS8PrivateKey(key)
	dir := t.TempDir()
	cf, kf := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cf, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(kf, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return cf, kf, pool
}

func TestHTTP2TLS(t *testing.T) {
	e := setup(t)
	cf, kf, pool := selfSigned(t)
	p := e.serveApp(t, map[string]any{"tls_cert": cf, "tls_key": kf})
	if !strings.HasPrefix(p.base, "https://") {
		t.Fatalf("base %s", p.base)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ { // concurrent streams on one connection
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Post(p.base+"/echo", "text/plain", strings.NewReader("h2 body"))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var env map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&env)
			if resp.ProtoMajor != 2 || env["SERVER_PROTOCOL"] != "HTTP/2.0" || env["wsgi.url_scheme"] != "https" || env["body_head"] != "h2 body" {
				t.Errorf("got %s %v %v %v", resp.Proto, env["SERVER_PROTOCOL"], env["wsgi.url_scheme"], env["body_head"])
			}
		}()
	}
	wg.Wait()
	resp, err := c.Get(p.base + "/large?3000000")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(b) != 3000000 {
		t.Errorf("large over h2: %d bytes", len(b))
	}
	// h2load is a real HTTP/2 client; CI installs it (Debian's nghttp2-client).
	h2load, err := exec.LookPath("h2load")
	if err != nil {
		t.Fatalf("h2load is needed for this test: apt-get install nghttp2-client (%v)", err)
	}
	out, err := exec.Command(h2load, "-n", "200", "-c", "4", "-m", "4", p.base+"/echo").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "200 succeeded") {
		t.Errorf("h2load: %v\n%s", err, out)
	}
}

func TestFlaskExample(t *testing.T) {
	e := setup(t)
	// bin/wsgiapp run as a script: its __main__ block calls bundle_runtime.main.
	p := e.serve(t, t.TempDir(), nil, filepath.Join(e.root, "examples", "flask", "bin", "wsgiapp"), "--listen", "127.0.0.1:0", "--threads", "2")
	resp, b, err := get(t, "GET", p.base+"/health", nil, nil)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(b), `"ok"`) {
		t.Fatalf("/health: %v %s", err, b)
	}
	resp, b, err = get(t, "GET", p.base+"/?name=Ada", nil, nil)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(b), "Ada") {
		t.Errorf("/: %v %s", err, b)
	}
	resp, b, err = get(t, "POST", p.base+"/echo", strings.NewReader(`{"k": [1, 2]}`), map[string]string{"Content-Type": "application/json"})
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(b), `"k"`) {
		t.Errorf("/echo: %v %s", err, b)
	}
	if err := p.stop(syscall.SIGTERM, 20*time.Second); err != nil {
		t.Errorf("exit: %v", err)
	}
}

func TestModuleForm(t *testing.T) {
	e := setup(t)
	// python -m bundle_runtime path/to/bin/wsgiapp, from another directory.
	p := e.serve(t, t.TempDir(), []string{"BUNDLE_THREADS=3"}, "-m", "bundle_runtime",
		filepath.Join(e.root, "examples", "hello", "bin", "wsgiapp"), "--listen", "127.0.0.1:0")
	resp, b, err := get(t, "GET", p.base+"/", nil, nil)
	if err != nil || resp.StatusCode != 200 || string(b) != "Hello, world!\n" {
		t.Fatalf("got %v %q", err, b)
	}
	if !strings.Contains(p.Stderr(), "threads=3") {
		t.Errorf("BUNDLE_THREADS not applied:\n%s", p.Stderr())
	}
	if err := p.stop(syscall.SIGINT, 20*time.Second); err != nil {
		t.Errorf("exit: %v", err)
	}
}

const djangoApp = `
import sys
from django.conf import settings
settings.configure(DEBUG=False, SECRET_KEY="test", ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"],
                   MIDDLEWARE=[], INSTALLED_APPS=[])
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.core.wsgi import get_wsgi_application

def hello(request):
    return HttpResponse("hello from django " + request.GET.get("who", ""))

def echo(request):
    return JsonResponse({"method": request.method, "len": len(request.body)})

urlpatterns = [path("hello", hello), path("echo", echo)]
application = get_wsgi_application()

if __name__ == "__main__":
    import bundle_runtime
    bundle_runtime.main(application)
`

func TestDjango(t *testing.T) {
	e := setup(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "djapp.py"), []byte(djangoApp), 0o644); err != nil {
		t.Fatal(err)
	}
	p := e.serve(t, dir, nil, "djapp.py", "--listen", "127.0.0.1:0")
	resp, b, err := get(t, "GET", p.base+"/hello?who=me", nil, nil)
	if err != nil || resp.StatusCode != 200 || string(b) != "hello from django me" {
		t.Fatalf("got %v %q", err, b)
	}
	resp, b, err = get(t, "POST", p.base+"/echo", strings.NewReader(strings.Repeat("z", 300000)), nil)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(b), `"len": 300000`) {
		t.Errorf("got %v %q", err, b)
	}
	if err := p.stop(syscall.SIGTERM, 20*time.Second); err != nil {
		t.Errorf("exit: %v", err)
	}
}

func TestForkFailsClearly(t *testing.T) {
	e := setup(t)
	script := `
import os, sys
import bundle_runtime
pid = os.fork()
if pid == 0:
    try:
        bundle_runtime.serve(lambda e, s: [], listen="127.0.0.1:0")
    except RuntimeError as exc:
        sys.stderr.write("child: %s\n" % exc)
        os._exit(3)
    os._exit(4)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`
	cmd := exec.Command(e.python, "-c", script)
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("forked child hung")
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 || !strings.Contains(string(out), "fork") {
		t.Errorf("exit %v, output:\n%s", err, out)
	}
}

func TestOtherPythons(t *testing.T) {
	e := setup(t)
	// The abi3 wheel installs and serves in every CPython >= 3.10 present.
	var pythons []string
	for _, v := range []string{"3.10", "3.12", "3.13"} {
		if p := findPython(v); p != "" {
			pythons = append(pythons, p)
		}
	}
	if len(pythons) == 0 {
		t.Log("no other CPython >= 3.10 on PATH")
	}
	for _, py := range pythons {
		t.Run(filepath.Base(py), func(t *testing.T) {
			venv := filepath.Join(t.TempDir(), "venv")
			if err := run(e.work, py, "-m", "venv", venv); err != nil {
				t.Fatal(err)
			}
			vpy := filepath.Join(venv, "bin", "python")
			if err := run(e.work, vpy, "-m", "pip", "install", "-q", "--no-index", e.whl); err != nil {
				t.Fatal(err)
			}
			other := *e
			other.python = vpy
			p := other.serve(t, t.TempDir(), nil, "-m", "bundle_runtime",
				filepath.Join(e.root, "examples", "hello", "bin", "wsgiapp"), "--listen", "127.0.0.1:0")
			resp, b, err := get(t, "GET", p.base+"/health", nil, nil)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%v %s", err, b)
			}
			if err := p.stop(syscall.SIGTERM, 20*time.Second); err != nil {
				t.Errorf("exit: %v", err)
			}
		})
	}
}

// findPython finds a working python<v>: in pyenv's versions, then /usr/bin,
// then PATH (where a pyenv shim may exist without working).
func findPython(v string) string {
	var cands []string
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, ".pyenv")
	}
	m, _ := filepath.Glob(filepath.Join(root, "versions", v+".*", "bin", "python"+v))
	cands = append(cands, m...)
	cands = append(cands, "/usr/bin/python"+v)
	if p, err := exec.LookPath("python" + v); err == nil {
		cands = append(cands, p)
	}
	for _, c := range cands {
		if exec.Command(c, "-c", "import venv").Run() == nil {
			return c
		}
	}
	return ""
}
