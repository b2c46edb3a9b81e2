package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeApp is a WSGI-less app: its workers answer by path.
//
//	/echo     JSON of the environ and the body
//	/stream   three streamed parts
//	/block    waits until release is closed (or the request's context ends)
//	/fail     fails before sending anything
//	/failmid  fails after streaming a part
//	/file     sends a file through Result.File
type fakeApp struct {
	release chan struct{}
	started chan string // gets the request id of each /block request when it starts
	file    string
	mu      sync.Mutex
	closed  int
}

type fakeWorker struct{ a *fakeApp }

func (a *fakeApp) NewWorker() (Worker, error) { return &fakeWorker{a}, nil }

func (w *fakeWorker) Close() {
	w.a.mu.Lock()
	w.a.closed++
	w.a.mu.Unlock()
}

func head(status string, kv ...string) []byte {
	b := AppendField(nil, status)
	for i := 0; i+1 < len(kv); i += 2 {
		b = AppendPair(b, kv[i], kv[i+1])
	}
	return b
}

func (w *fakeWorker) ServeWSGI(x *Exchange) {
	env := map[string]string{}
	for _, kv := range UnpackPairs(x.Environ()) {
		env[kv[0]] = kv[1]
	}
	switch env["PATH_INFO"] {
	case "/echo":
		pre, eof := x.Prefetched()
		body := append([]byte(nil), pre...)
		if !eof {
			rest, err := io.ReadAll(x)
			if err != nil {
				x.Finish(Result{Failed: true})
				return
			}
			body = append(body, rest...)
		}
		env["body"] = string(body)
		j, _ := json.Marshal(env)
		x.Finish(Result{Head: head("200 OK", "Content-Type", "application/json"), Body: j})
	case "/stream":
		h := head("200 OK", "Content-Type", "text/plain")
		for i := 0; i < 3; i++ {
			if err := x.Stream(h, []byte(fmt.Sprintf("part%d\n", i))); err != nil {
				x.Finish(Result{Failed: true})
				return
			}
		}
		x.Finish(Result{})
	case "/block":
		if w.a.started != nil {
			w.a.started <- x.RequestID()
		}
		select {
		case <-w.a.release:
		case <-x.Context().Done():
		}
		x.Finish(Result{Head: head("200 OK"), Body: []byte("released")})
	case "/fail":
		x.LogError("boom")
		x.Finish(Result{Failed: true})
	case "/failmid":
		_ = x.Stream(head("200 OK"), []byte("partial"))
		x.Finish(Result{Failed: true})
	case "/file":
		f, err := os.Open(w.a.file)
		if err != nil {
			x.Finish(Result{Failed: true})
			return
		}
		x.Finish(Result{Head: head("200 OK"), File: f, FileLen: -1})
	default:
		x.Finish(Result{Head: head("404 Not Found", "Content-Type", "text/plain"), Body: []byte("nope")})
	}
}

// start runs a server on 127.0.0.1:0 and returns its base URL.
func start(t *testing.T, cfg Config, app App) (*Server, string) {
	t.Helper()
	cfg.Listen = []string{"127.0.0.1:0"}
	cfg.AccessLog = "off"
	addrc := make(chan net.Addr, 1)
	var errlog bytes.Buffer
	s, err := New(cfg, app, Options{Stderr: &syncWriter{w: &errlog}, OnListen: func(a []net.Addr) { addrc <- a[0] }})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.ListenAndServe() }()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("ListenAndServe: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-errc; !errors.Is(err, ErrServerClosed) {
			t.Errorf("ListenAndServe returned %v, want ErrServerClosed", err)
		}
	})
	return s, "http://" + addr.String()
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func getEnv(t *testing.T, req *http.Request) map[string]string {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var env map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	return env
}

func TestEnviron(t *testing.T) {
	_, base := start(t, DefaultConfig(), &fakeApp{})
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		header map[string]string
		want   map[string]string
		absent []string
	}{
		{"get", "GET", "/echo?a=1&b=%20", "", nil, map[string]string{
			"REQUEST_METHOD": "GET", "PATH_INFO": "/echo", "QUERY_STRING": "a=1&b=%20", "SCRIPT_NAME": "",
			"SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1", "SERVER_NAME": "127.0.0.1",
		}, []string{"CONTENT_TYPE", "CONTENT_LENGTH"}},
		{"post", "POST", "/echo", "x=1", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			map[string]string{"CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": "3", "body": "x=1"}, nil},
		{"headers", "GET", "/echo", "", map[string]string{"X-Custom-Thing": "v", "X_Bad": "dropped", "X-Request-Id": "rid-123"},
			map[string]string{"HTTP_X_CUSTOM_THING": "v", "bundle.request_id": "rid-123", "HTTP_X_REQUEST_ID": "rid-123"},
			[]string{"HTTP_X_BAD"}},
		{"bad request id replaced", "GET", "/echo", "", map[string]string{"X-Request-Id": "has space"},
			map[string]string{"HTTP_X_REQUEST_ID": "has space"}, nil},
		{"forwarded ignored", "GET", "/echo", "", map[string]string{"X-Forwarded-For": "1.2.3.4", "X-Forwarded-Proto": "https"},
			map[string]string{"REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, base+tt.path, strings.NewReader(tt.body))
			for k, v := range tt.header {
				req.Header[k] = []string{v}
			}
			env := getEnv(t, req)
			for k, v := range tt.want {
				if env[k] != v {
					t.Errorf("%s = %q, want %q", k, env[k], v)
				}
			}
			for _, k := range tt.absent {
				if _, ok := env[k]; ok {
					t.Errorf("%s present, want absent", k)
				}
			}
			if !strings.HasPrefix(env["HTTP_HOST"], "127.0.0.1:") || env["SERVER_PORT"] == "" {
				t.Errorf("HTTP_HOST %q SERVER_PORT %q", env["HTTP_HOST"], env["SERVER_PORT"])
			}
			if tt.name == "bad request id replaced" && (env["bundle.request_id"] == "has space" || env["bundle.request_id"] == "") {
				t.Errorf("request id %q not generated", env["bundle.request_id"])
			}
		})
	}
}

func TestEnvironRawPath(t *testing.T) {
	// PATH_INFO carries the percent-decoded bytes; the bridge decodes them
	// as latin-1.
	r := httptest.NewRequest("GET", "/caf%C3%A9/a%2Fb?q=%C3%A9", nil)
	r.Header.Add("Cookie", "a=1")
	r.Header.Add("Cookie", "b=2")
	m := map[string]string{}
	for _, kv := range UnpackPairs(buildEnviron(nil, r, client{addr: "1.2.3.4", scheme: "http"}, "id")) {
		m[kv[0]] = kv[1]
	}
	if m["PATH_INFO"] != "/caf\xc3\xa9/a/b" || m["QUERY_STRING"] != "q=%C3%A9" || m["HTTP_COOKIE"] != "a=1; b=2" {
		t.Errorf("got %q %q %q", m["PATH_INFO"], m["QUERY_STRING"], m["HTTP_COOKIE"])
	}
}

func TestTrustedProxies(t *testing.T) {
	tests := []struct {
		name      string
		trusted   []string
		remote    string
		xff       string
		proto     string
		wantAddr  string
		wantProto string
	}{
		{"untrusted peer", nil, "10.0.0.1:5", "1.2.3.4", "https", "10.0.0.1", "http"},
		{"trusted peer", []string{"10.0.0.0/8"}, "10.0.0.1:5", "1.2.3.4", "https", "1.2.3.4", "https"},
		{"spoofed left part", []string{"10.0.0.1"}, "10.0.0.1:5", "6.6.6.6, 1.2.3.4", "", "1.2.3.4", "http"},
		{"chain of proxies", []string{"10.0.0.0/8"}, "10.0.0.1:5", "1.2.3.4, 10.0.0.9", "", "1.2.3.4", "http"},
		{"garbage", []string{"10.0.0.1"}, "10.0.0.1:5", "nonsense", "ftp", "10.0.0.1", "http"},
		{"unix peer", []string{"unix"}, "@", "1.2.3.4", "https", "1.2.3.4", "https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nets, unix, err := parseTrusted(tt.trusted)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			c := proxies{nets: nets, unix: unix}.clientOf(r)
			if c.addr != tt.wantAddr || c.scheme != tt.wantProto {
				t.Errorf("got %q %q, want %q %q", c.addr, c.scheme, tt.wantAddr, tt.wantProto)
			}
		})
	}
}

func TestResponses(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	content := strings.Repeat("0123456789", 10000)
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	_, base := start(t, DefaultConfig(), &fakeApp{file: file})
	tests := []struct {
		path, method string
		status       int
		body         string
		chunked      bool
		noCT         bool
	}{
		{"/stream", "GET", 200, "part0\npart1\npart2\n", true, false},
		{"/fail", "GET", 500, "500 Internal Server Error\n", false, false},
		{"/nothing", "GET", 404, "nope", false, false},
		{"/file", "GET", 200, content, false, true},
		{"/nothing", "HEAD", 404, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, base+tt.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || string(b) != tt.body {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, b, tt.status, tt.body)
			}
			if chunked := len(resp.TransferEncoding) > 0; chunked != tt.chunked {
				t.Errorf("chunked %v, want %v", chunked, tt.chunked)
			}
			if tt.noCT && resp.Header.Get("Content-Type") != "" {
				t.Errorf("Content-Type %q was sniffed", resp.Header.Get("Content-Type"))
			}
			if resp.Header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
		})
	}
	// A failure after the head went out cuts the connection.
	resp, err := http.Get(base + "/failmid")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("failmid: want a broken response")
	}
}

func TestBodyLimit(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxBodyBytes = 1000
	cfg.PrefetchBytes = 100
	_, base := start(t, cfg, &fakeApp{})
	tests := []struct {
		name    string
		n       int
		chunked bool
		status  int
	}{
		{"small", 500, false, 200},
		{"small chunked", 999, true, 200},
		{"large", 1001, false, 413},
		{"large chunked", 5000, true, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := strings.Repeat("a", tt.n)
			var r io.Reader = strings.NewReader(body)
			if tt.chunked {
				r = io.MultiReader(r) // hides the length: chunked
			}
			resp, err := http.Post(base+"/echo", "text/plain", r)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == 200 {
				var env map[string]string
				_ = json.NewDecoder(resp.Body).Decode(&env)
				if env["body"] != body {
					t.Errorf("body of %d bytes came back as %d", len(body), len(env["body"]))
				}
			}
		})
	}
}

func TestOverload(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Threads = 1
	cfg.QueueSize = 1
	cfg.RetryAfter = 7
	app := &fakeApp{release: make(chan struct{}), started: make(chan string, 10)}
	s, base := start(t, cfg, app)
	results := make(chan int, 2)
	get := func() {
		resp, err := http.Get(base + "/block")
		if err != nil {
			results <- -1
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		results <- resp.StatusCode
	}
	go get()
	<-app.started // the only thread is busy
	go get()
	deadline := time.Now().Add(5 * time.Second)
	for s.Stats().Queued != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if st := s.Stats(); st.Busy != 1 || st.Queued != 1 {
		t.Fatalf("stats %+v, want 1 busy and 1 queued", st)
	}
	resp, err := http.Get(base + "/echo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("got %d Retry-After %q, want 503 and 7", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	close(app.release)
	for i := 0; i < 2; i++ {
		if code := <-results; code != 200 {
			t.Errorf("blocked request got %d", code)
		}
	}
	if st := s.Stats(); st.Rejected != 1 || st.Requests != 2 {
		t.Errorf("stats %+v, want 1 rejected, 2 requests", st)
	}
}

func TestShutdownWaitsForInFlight(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Listen = []string{"127.0.0.1:0"}
	cfg.AccessLog = "off"
	app := &fakeApp{release: make(chan struct{}), started: make(chan string, 1)}
	addrc := make(chan net.Addr, 1)
	s, err := New(cfg, app, Options{Stderr: io.Discard, OnListen: func(a []net.Addr) { addrc <- a[0] }})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.ListenAndServe() }()
	base := "http://" + (<-addrc).String()
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/block")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-app.started
	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	if err := <-errc; !errors.Is(err, ErrServerClosed) {
		t.Fatalf("ListenAndServe = %v", err)
	}
	// New connections are refused while the request is still in flight.
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second); err == nil {
		t.Error("dial succeeded after Shutdown")
	}
	select {
	case <-shut:
		t.Fatal("Shutdown returned with a request in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(app.release)
	if b := <-got; b != "released" {
		t.Errorf("in-flight request got %q", b)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if app.closed != cfg.Threads {
		t.Errorf("%d workers closed, want %d", app.closed, cfg.Threads)
	}
}

func TestUnixAndFDListeners(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s.sock")
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := tl.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	tcpAddr := tl.Addr().String()
	tl.Close()
	defer f.Close()

	cfg := DefaultConfig()
	cfg.Listen = []string{"unix:" + sock, "fd:" + strconv.Itoa(int(f.Fd()))}
	cfg.AccessLog = "off"
	ready := make(chan []net.Addr, 1)
	s, err := New(cfg, &fakeApp{}, Options{Stderr: io.Discard, OnListen: func(a []net.Addr) { ready <- a }})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.ListenAndServe() }()
	select {
	case <-ready:
	case err := <-errc:
		t.Fatal(err)
	}
	uc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	for _, c := range []struct {
		client *http.Client
		url    string
	}{{uc, "http://unix/echo"}, {http.DefaultClient, "http://" + tcpAddr + "/echo"}} {
		resp, err := c.client.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", c.url, resp.StatusCode)
		}
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-errc
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}
}

func TestHTTP2TLS(t *testing.T) {
	srvTLS := httptest.NewUnstartedServer(nil)
	srvTLS.StartTLS() // only to borrow its certificate
	cert := srvTLS.TLS.Certificates[0]
	pool := srvTLS.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	srvTLS.Close()
	dir := t.TempDir()
	certFile, keyFile := writeCert(t, dir, cert)
	cfg := DefaultConfig()
	cfg.TLSCert, cfg.TLSKey = certFile, keyFile
	_, base := start(t, cfg, &fakeApp{})
	base = strings.Replace(base, "http://", "https://", 1)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(base + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || string(b) != "part0\npart1\npart2\n" {
		t.Errorf("got %s %q", resp.Proto, b)
	}
}

func TestH2C(t *testing.T) {
	cfg := DefaultConfig()
	cfg.H2C = true
	_, base := start(t, cfg, &fakeApp{})
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: p}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", base+"/echo", nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("proto %s, want HTTP/2", resp.Proto)
	}
}
