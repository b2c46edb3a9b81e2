package server

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func writeCert(t *testing.T, dir string, c tls.Certificate) (string, string) {
	t.Helper()
	key, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestApplyEnv(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	tests := []struct {
		name    string
		env     map[string]string
		listen  []string
		threads int
		grace   time.Duration
		wantErr bool
	}{
		{"nothing", nil, []string{"127.0.0.1:8000"}, 4, 30 * time.Second, false},
		{"port", map[string]string{"PORT": "5000"}, []string{":5000"}, 4, 30 * time.Second, false},
		{"listen beats port", map[string]string{"PORT": "5000", "BUNDLE_LISTEN": "unix:/tmp/a.sock, 127.0.0.1:1"},
			[]string{"unix:/tmp/a.sock", "127.0.0.1:1"}, 4, 30 * time.Second, false},
		{"systemd", map[string]string{"LISTEN_PID": pid, "LISTEN_FDS": "2"}, []string{"fd:3", "fd:4"}, 4, 30 * time.Second, false},
		{"systemd other pid", map[string]string{"LISTEN_PID": "1", "LISTEN_FDS": "2"}, []string{"127.0.0.1:8000"}, 4, 30 * time.Second, false},
		{"threads and grace", map[string]string{"BUNDLE_THREADS": "8", "BUNDLE_GRACEFUL_TIMEOUT": "5s"},
			[]string{"127.0.0.1:8000"}, 8, 5 * time.Second, false},
		{"grace in seconds", map[string]string{"BUNDLE_GRACEFUL_TIMEOUT": "2.5"}, []string{"127.0.0.1:8000"}, 4, 2500 * time.Millisecond, false},
		{"bad threads", map[string]string{"BUNDLE_THREADS": "many"}, nil, 0, 0, true},
		{"bad port", map[string]string{"PORT": "http"}, nil, 0, 0, true},
		{"bad duration", map[string]string{"BUNDLE_IDLE_TIMEOUT": "soon"}, nil, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			err := c.ApplyEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrConfig) {
					t.Errorf("error %v does not wrap ErrConfig", err)
				}
				return
			}
			if !reflect.DeepEqual(c.Listen, tt.listen) || c.Threads != tt.threads || time.Duration(c.GracefulTimeout) != tt.grace {
				t.Errorf("got %v %d %s", c.Listen, c.Threads, time.Duration(c.GracefulTimeout))
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		ok     bool
	}{
		{"defaults", func(*Config) {}, true},
		{"ipv6", func(c *Config) { c.Listen = []string{"[::1]:80", ":0", "unix:/x", "fd:3"} }, true},
		{"no listen", func(c *Config) { c.Listen = nil }, false},
		{"bad listen", func(c *Config) { c.Listen = []string{"localhost"} }, false},
		{"bad port", func(c *Config) { c.Listen = []string{"localhost:99999"} }, false},
		{"bad fd", func(c *Config) { c.Listen = []string{"fd:x"} }, false},
		{"empty unix", func(c *Config) { c.Listen = []string{"unix:"} }, false},
		{"zero threads", func(c *Config) { c.Threads = 0 }, false},
		{"negative queue", func(c *Config) { c.QueueSize = -1 }, false},
		{"unlimited body", func(c *Config) { c.MaxBodyBytes = -1 }, true},
		{"cert without key", func(c *Config) { c.TLSCert = "x" }, false},
		{"zero timeout", func(c *Config) { c.IdleTimeout = 0 }, false},
		{"bad log", func(c *Config) { c.AccessLog = "file" }, false},
		{"bad format", func(c *Config) { c.AccessLogFormat = "xml" }, false},
		{"bad proxy", func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/33"} }, false},
		{"good proxies", func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/8", "::1", "unix"} }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.change(&c)
			err := c.Validate()
			if (err == nil) != tt.ok {
				t.Errorf("Validate = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("error %v does not wrap ErrConfig", err)
			}
		})
	}
}

func TestApplyJSONAndBundle(t *testing.T) {
	c := DefaultConfig()
	if err := c.ApplyJSON([]byte(`{"listen":["127.0.0.1:0"],"threads":2,"read_timeout":"5s","write_timeout":1.5}`)); err != nil {
		t.Fatal(err)
	}
	if c.Threads != 2 || time.Duration(c.ReadTimeout) != 5*time.Second || time.Duration(c.WriteTimeout) != 1500*time.Millisecond ||
		c.QueueSize != 128 {
		t.Errorf("got %+v", c)
	}
	if err := c.ApplyJSON([]byte(`{"threads":"x"}`)); !errors.Is(err, ErrConfig) {
		t.Errorf("bad JSON: %v", err)
	}

	dir := t.TempDir()
	toml := "spec = \"1\"\n[app]\nname = \"x\"\nversion = \"1.0.0\"\n[run]\nlisten = [\"unix:/tmp/x.sock\"]\nthreads = 3\nidle-timeout = \"7s\"\naccess-log-format = \"json\"\n"
	if err := os.WriteFile(filepath.Join(dir, "bundle.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	c = DefaultConfig()
	if err := c.ApplyBundle(dir); err != nil {
		t.Fatal(err)
	}
	if c.Threads != 3 || c.Listen[0] != "unix:/tmp/x.sock" || time.Duration(c.IdleTimeout) != 7*time.Second || c.AccessLogFormat != "json" {
		t.Errorf("got %+v", c)
	}
	if err := os.WriteFile(filepath.Join(dir, "bundle.toml"), []byte("spec = \"1\"\n[run]\nthreads = 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyBundle(dir); !errors.Is(err, ErrConfig) {
		t.Errorf("bad bundle.toml: %v", err)
	}
}

func TestAccessLogFormats(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := &accessEntry{start: start, remote: "1.2.3.4", method: "GET", uri: "/a?b", proto: "HTTP/1.1", host: "h",
		status: 200, bytes: 12, referer: "", userAgent: `cu"rl`, requestID: "rid"}
	tests := []struct{ format, want string }{
		{"common", `1.2.3.4 - - [02/Jan/2026:03:04:05 +0000] "GET /a?b HTTP/1.1" 200 12 "rid"` + "\n"},
		{"combined", `1.2.3.4 - - [02/Jan/2026:03:04:05 +0000] "GET /a?b HTTP/1.1" 200 12 "-" "cu\"rl" "rid"` + "\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		l, err := newAccessLog("stdout", tt.format, &b, nil)
		if err != nil {
			t.Fatal(err)
		}
		l.log(e)
		if b.String() != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.format, b.String(), tt.want)
		}
	}
	var b bytes.Buffer
	l, _ := newAccessLog("stdout", "json", &b, nil)
	l.log(e)
	if !strings.Contains(b.String(), `"request_id":"rid"`) || !strings.Contains(b.String(), `"status":200`) {
		t.Errorf("json: %s", b.String())
	}
}
