package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveRobust serves testdata/robust.py (apps that break the rules).
func (e *env) serveRobust(t *testing.T, kw map[string]any) *proc {
	t.Helper()
	if kw == nil {
		kw = map[string]any{}
	}
	kw["listen"] = "127.0.0.1:0"
	kw["access_log"] = "off"
	b, _ := json.Marshal(kw)
	app, _ := filepath.Abs("testdata/robust.py")
	return e.serve(t, t.TempDir(), nil, app, string(b))
}

// live reads the counts of environs and response iterables not freed.
func live(t *testing.T, p *proc) map[string]int {
	t.Helper()
	_, b, err := get(t, "GET", p.base+"/live", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]int
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return m
}

// TestBrokenApps: whatever the app gets wrong is a 500 (or the documented
// answer) with a line in the error log, never a crash; and no path leaks
// the environ or the response.
func TestBrokenApps(t *testing.T) {
	e := setup(t)
	p := e.serveRobust(t, map[string]any{"threads": 2})
	tests := []struct {
		path   string
		status int
		body   string // "" = don't check
		log    string // in the error log
	}{
		{"/hello", 200, "hello", ""},
		{"/raise", 500, "", "ValueError: deliberate failure in /raise"},
		{"/close-raises", 200, "x", "ValueError: deliberate failure in close()"},
		{"/none", 500, "", "TypeError: 'NoneType' object is not iterable"},
		{"/str", 500, "", "yielded <class 'str'>, not bytes"},
		{"/sr-twice", 500, "", "start_response called a second time without exc_info"},
		{"/status?bytes", 500, "", "TypeError: status must be a str"},
		{"/status?int", 500, "", "TypeError: status must be a str"},
		{"/status?noreason", 500, "", `status 'OK' must look like "200 OK"`},
		{"/status?short", 500, "", `status '20 OK' must look like`},
		{"/status?crlf", 500, "", `must look like`},
		{"/status?low", 500, "", `status '099 x' must look like`},
		{"/status?nonlatin", 500, "", "UnicodeEncodeError"},
		{"/status?info", 500, "", `malformed response head: status "100 Continue"`},
		{"/headers?tuple", 500, "", "response headers must be a list"},
		{"/headers?short", 500, "", "response headers must be a list"},
		{"/headers?bytesname", 500, "", "header name must be a str"},
		{"/headers?intvalue", 500, "", "header value must be a str"},
		{"/headers?space", 500, "", "invalid response header ('a b', 'c')"},
		{"/headers?crlf", 500, "", `invalid response header ('a', 'b\r\nc: d')`},
		{"/headers?none", 500, "", "response headers must be a list"},
		{"/headers?lists", 500, "", "response headers must be a list"},
		{"/headers?badlength", 500, "", "invalid response header ('Content-Length', 'abc')"},
		{"/headers?twolengths", 500, "", "want one Content-Length"},
		{"/headers?nonlatin", 500, "", "UnicodeEncodeError"},
		{"/long", 200, "a", "longer than its Content-Length"},
		{"/none-file", 500, "", "TypeError: object of type 'NoneType' has no len()"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, b, err := get(t, "GET", p.base+tt.path, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || (tt.body != "" && string(b) != tt.body) {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, b, tt.status, tt.body)
			}
			if tt.log != "" && !waitFor(5*time.Second, func() bool { return strings.Contains(p.Stderr(), tt.log) }) {
				t.Errorf("%q not in the error log:\n%s", tt.log, p.Stderr())
			}
		})
	}
	if s := p.Stderr(); strings.Contains(s, "SystemError") || strings.Contains(s, "panic") {
		t.Errorf("error log:\n%s", s)
	}

	// Every path again, many times: nothing is left behind.
	before := live(t, p)
	for i := 0; i < 20; i++ {
		for _, tt := range tests {
			if _, _, err := get(t, "GET", p.base+tt.path, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if after := live(t, p); after["probe"] != before["probe"] || after["result"] != before["result"] {
		t.Errorf("leak: live objects %v before, %v after", before, after)
	}
}

// TestInputSemantics: wsgi.input's read/readline/readlines, with and
// without Content-Length, and after the body ended.
func TestInputSemantics(t *testing.T) {
	e := setup(t)
	p := e.serveRobust(t, nil)
	body := "line1\nline2\nline3"
	tests := map[string][]string{
		"r":               {body},
		"r-1":             {body},
		"r3,r3,r100,r,r5": {"lin", "e1\n", "line2\nline3", "", ""},
		"l,l,l,l":         {"line1\n", "line2\n", "line3", ""},
		"l3,l3,l":         {"lin", "e1\n", "line2\n"},
		"l0,r0,L":         {"", "", "line1\n|line2\n|line3"},
		"l,L,r,l":         {"line1\n", "line2\n|line3", "", ""},
	}
	for q, want := range tests {
		for _, chunked := range []bool{false, true} {
			var r *strings.Reader = strings.NewReader(body)
			req, _ := http.NewRequest("POST", p.base+"/read?"+q, r)
			if chunked {
				req.ContentLength = -1
				req.Body = struct {
					*strings.Reader
					nopCloser
				}{r, nopCloser{}}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			err = json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
			if err != nil || strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("%s (chunked %v): got %q (%v), want %q", q, chunked, got, err, want)
			}
		}
	}
	// A line longer than the prefetch window and the read buffer.
	long := strings.Repeat("a", 70000) + "\n" + strings.Repeat("b", 10) + "\n"
	resp, b, err := get(t, "POST", p.base+"/read?l10,l,l65530,l,r", strings.NewReader(long), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %s", err, b)
	}
	var got []string
	_ = json.Unmarshal(b, &got)
	lens := []int{}
	for _, s := range got {
		lens = append(lens, len(s))
	}
	if want := []int{10, 69991, 11, 0, 0}; !equalInts(lens, want) {
		t.Errorf("lengths %v, want %v", lens, want)
	}
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWriteFromThreads: write() and wsgi.errors used from two Python
// threads at once. Go is not re-entered for one request (before the fix the
// two threads wrote the connection concurrently and Go crashed).
func TestWriteFromThreads(t *testing.T) {
	e := setup(t)
	p := e.serveRobust(t, map[string]any{"threads": 2})
	for i := 0; i < 10; i++ {
		resp, b, err := get(t, "GET", p.base+"/write-threads", nil, nil)
		if err != nil {
			t.Fatalf("request %d: %v\n%s", i, err, p.Stderr())
		}
		if resp.StatusCode != 200 || len(b) != 400000 || strings.Count(string(b), "t") != 200000 {
			t.Fatalf("request %d: status %d, %d bytes", i, resp.StatusCode, len(b))
		}
	}
	if strings.Contains(p.Stderr(), "panic") {
		t.Errorf("error log:\n%s", p.Stderr())
	}
}

// TestCloseRaisesAfterDisconnect: the client leaves mid-response and the
// response's close() raises: close() ran, its traceback is in the log.
func TestCloseRaisesAfterDisconnect(t *testing.T) {
	e := setup(t)
	p := e.serveRobust(t, nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = conn.Write([]byte("GET /close-raises-slow HTTP/1.1\r\nHost: x\r\n\r\n"))
	buf := make([]byte, 100)
	if _, err := conn.Read(buf); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if !waitFor(10*time.Second, func() bool {
		return strings.Contains(p.Stderr(), "ValueError: deliberate failure in close()")
	}) {
		t.Errorf("close()'s exception not in the log:\n%s", p.Stderr())
	}
	m := live(t, p)
	if m["result"] != 0 || m["probe"] != 1 {
		t.Errorf("live objects after a disconnect: %v", m)
	}
}

// TestKeptObjects: write(), start_response and wsgi.input kept by the app
// past their request refuse to act on a later one (the server reuses
// request objects only when the app holds none).
func TestKeptObjects(t *testing.T) {
	e := setup(t)
	p := e.serveRobust(t, map[string]any{"threads": 1})
	for i := 0; i < 3; i++ {
		if _, b, err := get(t, "GET", p.base+"/hello", nil, nil); err != nil || string(b) != "hello" {
			t.Fatalf("%v %q", err, b)
		}
		if _, b, err := get(t, "GET", p.base+"/keep-objects", nil, nil); err != nil || string(b) != "kept" {
			t.Fatalf("%v %q", err, b)
		}
		_, b, err := get(t, "GET", p.base+"/use-kept", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		for _, k := range []string{"write", "start_response", "input"} {
			if got[k] != "this WSGI object belongs to a request that has ended" {
				t.Errorf("kept %s: %q", k, got[k])
			}
		}
	}
}

// TestHugeHeader: past max_header_bytes, 431; the server stays healthy.
func TestHugeHeader(t *testing.T) {
	e := setup(t)
	p := e.serveRobust(t, nil)
	resp, _, err := get(t, "GET", p.base+"/hello", nil, map[string]string{"X-Big": strings.Repeat("a", 100000)})
	if err != nil || resp.StatusCode != 431 {
		t.Fatalf("huge header: %v %v", err, resp)
	}
	resp, _, err = get(t, "GET", p.base+"/hello", nil, map[string]string{"X-Big": strings.Repeat("a", 30000)})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("big header: %v %v", err, resp)
	}
}

// TestSustainedLoadRSS: many requests on keep-alive connections; the RSS
// stays flat after warm-up.
func TestSustainedLoadRSS(t *testing.T) {
	e := setup(t)
	p := e.serveRobust(t, map[string]any{"threads": 4})
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	load := func(n int) {
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < n/8; i++ {
					resp, err := c.Get(p.base + "/hello")
					if err != nil {
						t.Error(err)
						return
					}
					_, _ = resp.Body.Read(make([]byte, 16))
					resp.Body.Close()
				}
			}()
		}
		wg.Wait()
	}
	load(5000)
	before := rss(t, p.cmd.Process.Pid)
	load(30000)
	after := rss(t, p.cmd.Process.Pid)
	t.Logf("RSS %d kB after warm-up, %d kB after 30000 more requests", before, after)
	if after > before+4096 {
		t.Errorf("RSS grew from %d to %d kB", before, after)
	}
	if m := live(t, p); m["result"] != 0 || m["probe"] != 1 {
		t.Errorf("live objects: %v", m)
	}
}

func rss(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestLifecycle: serve() from a non-main thread, stopped by stop(); a second
// serve() meanwhile is refused; request objects kept past serve()'s end say
// so instead of touching freed memory; serve() works again afterwards.
func TestLifecycle(t *testing.T) {
	e := setup(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	app, _ := filepath.Abs("testdata/robust.py")
	cmd := exec.Command(e.python, app, "--lifecycle", strconv.Itoa(port))
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, n := range []string{"1", "2"} {
		if got["body"+n] != "kept" || got["stopped"+n] != true ||
			got["second"+n] != "bundle_runtime is already serving in this process" ||
			got["read"+n] != "this WSGI object belongs to a request that has ended" {
			t.Errorf("round %s: %v", n, got)
		}
	}
}
