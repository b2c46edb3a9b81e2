package server

import (
	"context"
	"io"
	"log/syslog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// TestAccessLogSyslog: access_log = "syslog" sends one RFC 3164 datagram
// per request, at user.info, tagged bundle_runtime, to a syslog socket (here
// one of the test's own, standing for /dev/log).
func TestAccessLogSyslog(t *testing.T) {
	dir, err := os.MkdirTemp("", "syslog") // short: unix socket paths are limited to ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "log")
	pc, err := net.ListenPacket("unixgram", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	old := syslogDial
	syslogDial = func() (io.WriteCloser, error) {
		return syslog.Dial("unixgram", sock, syslog.LOG_INFO|syslog.LOG_USER, "bundle_runtime")
	}
	t.Cleanup(func() { syslogDial = old })

	cfg := DefaultConfig()
	cfg.Listen = []string{"127.0.0.1:0"}
	cfg.AccessLog = "syslog"
	cfg.AccessLogFormat = "combined"
	addrc := make(chan net.Addr, 1)
	s, err := New(cfg, &idApp{ids: map[int]int{}}, Options{Stderr: io.Discard, OnListen: func(a []net.Addr) { addrc <- a[0] }})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.ListenAndServe() }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		<-errc
	}()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("ListenAndServe: %v", err)
	}
	req, _ := http.NewRequest("GET", "http://"+addr.String()+"/logged?q=1", nil)
	req.Header.Set("User-Agent", "syslog-test")
	req.Header.Set("X-Request-Id", "req-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	_ = pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no datagram on the syslog socket: %v", err)
	}
	got := string(buf[:n])
	// <14>: facility user (1) * 8 + severity info (6).
	want := regexp.MustCompile(`^<14>\w{3} [ \d]\d \d\d:\d\d:\d\d bundle_runtime\[\d+\]: 127\.0\.0\.1 - - \[[^]]+\] "GET /logged\?q=1 HTTP/1\.1" 200 2 "-" "syslog-test" "req-42"\n?$`)
	if !want.MatchString(got) {
		t.Errorf("syslog datagram:\n%q\nwant it to match %s", got, want)
	}
}
