package server

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bundle-wsgi/bundle/spec"
)

// Config configures a Server. Start from DefaultConfig; the zero value is
// not usable (a zero MaxBodyBytes means "no body allowed"). Its JSON form
// (keys as in the field tags) is what the Python package sends; durations
// are Go duration strings ("30s") or numbers of seconds.
type Config struct {
	// Listen are the addresses to serve on: "HOST:PORT", "[::1]:PORT",
	// ":PORT", "unix:/path/to.sock" or "fd:N" (an inherited listening
	// socket, as systemd passes them with LISTEN_FDS). Default
	// ["127.0.0.1:8000"].
	Listen []string `json:"listen"`

	// Threads is the number of Python threads serving requests (>= 1).
	// Default 4.
	Threads int `json:"threads"`

	// QueueSize is how many requests may wait for a free thread (>= 0);
	// past it requests get 503 with Retry-After. Default 128.
	QueueSize int `json:"queue_size"`

	// MaxBodyBytes is the largest request body accepted (>= 0; -1 means
	// no limit); larger ones get 413. Default 10485760 (10 MiB).
	MaxBodyBytes int64 `json:"max_body_bytes"`

	// PrefetchBytes is how much of a request body Go reads before a
	// Python thread is taken (>= 0), so that slow uploads hold no thread.
	// Default 65536.
	PrefetchBytes int `json:"prefetch_bytes"`

	// MaxHeaderBytes limits the size of the request header. Default
	// 65536.
	MaxHeaderBytes int `json:"max_header_bytes"`

	// GracefulTimeout is how long a stopping server waits for requests in
	// flight. Default 30s.
	GracefulTimeout Duration `json:"graceful_timeout"`

	// ReadHeaderTimeout bounds reading a request's header. Default 10s.
	ReadHeaderTimeout Duration `json:"read_header_timeout"`

	// ReadTimeout bounds reading a whole request, body included, from
	// the start of the request. Default 60s.
	ReadTimeout Duration `json:"read_timeout"`

	// WriteTimeout bounds each write of the response to the client (not
	// the time the app takes). Default 60s.
	WriteTimeout Duration `json:"write_timeout"`

	// IdleTimeout bounds how long a keep-alive connection waits for the
	// next request. Default 120s.
	IdleTimeout Duration `json:"idle_timeout"`

	// RetryAfter is the Retry-After value (seconds) of overload 503s.
	// Default 1.
	RetryAfter int `json:"retry_after"`

	// AccessLog is "stdout", "stderr", "syslog" or "off". Default
	// "stdout".
	AccessLog string `json:"access_log"`

	// AccessLogFormat is "common", "combined" or "json". Default
	// "combined".
	AccessLogFormat string `json:"access_log_format"`

	// TrustedProxies are IPs and CIDRs (and "unix" for unix-socket
	// peers) whose X-Forwarded-For and X-Forwarded-Proto headers are
	// believed. Default none: the headers are ignored.
	TrustedProxies []string `json:"trusted_proxies"`

	// TLSCert and TLSKey are PEM files; when both are set every TCP
	// listener serves TLS, with HTTP/2 negotiated by ALPN. Default "".
	TLSCert string `json:"tls_cert"`
	TLSKey  string `json:"tls_key"`

	// H2C enables HTTP/2 without TLS (prior knowledge and Upgrade).
	// Default false.
	H2C bool `json:"h2c"`

	// Multiprocess is reported as wsgi.multiprocess. Default false.
	Multiprocess bool `json:"multiprocess"`
}

// Duration is a time.Duration that reads from JSON as a Go duration string
// or a number of seconds.
type Duration time.Duration

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := parseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("duration %s: want a string such as \"30s\" or a number of seconds", b)
	}
	*d = Duration(f * float64(time.Second))
	return nil
}

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// parseDuration accepts Go duration syntax or a plain number of seconds.
func parseDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: %w", s, err)
	}
	return d, nil
}

// DefaultConfig returns the defaults documented on Config's fields.
func DefaultConfig() Config {
	return Config{
		Listen:            []string{"127.0.0.1:8000"},
		Threads:           4,
		QueueSize:         128,
		MaxBodyBytes:      10 << 20,
		PrefetchBytes:     64 << 10,
		MaxHeaderBytes:    64 << 10,
		GracefulTimeout:   Duration(30 * time.Second),
		ReadHeaderTimeout: Duration(10 * time.Second),
		ReadTimeout:       Duration(60 * time.Second),
		WriteTimeout:      Duration(60 * time.Second),
		IdleTimeout:       Duration(120 * time.Second),
		RetryAfter:        1,
		AccessLog:         "stdout",
		AccessLogFormat:   "combined",
	}
}

// ApplyBundle overlays the [run] table of the bundle in dir (its
// bundle.toml). Keys the runtime does not use (workers, environment) are
// the runner's business and ignored here.
func (c *Config) ApplyBundle(dir string) error {
	path := filepath.Join(dir, "bundle.toml")
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read bundle settings: %w", err)
	}
	defer f.Close()
	bc, diags := spec.ParseBundleTOML(f, path)
	if diags.HasErrors() {
		var msgs []string
		for _, d := range diags {
			if d.Severity == spec.SeverityError {
				msgs = append(msgs, d.String())
			}
		}
		return fmt.Errorf("%w: %s", ErrConfig, strings.Join(msgs, "; "))
	}
	r := bc.Run
	c.Listen = append([]string(nil), r.Listen...)
	c.Threads = r.Threads
	c.MaxBodyBytes = r.MaxBodyBytes
	c.GracefulTimeout = Duration(r.GracefulTimeout)
	c.ReadHeaderTimeout = Duration(r.ReadHeaderTimeout)
	c.ReadTimeout = Duration(r.ReadTimeout)
	c.WriteTimeout = Duration(r.WriteTimeout)
	c.IdleTimeout = Duration(r.IdleTimeout)
	c.AccessLog = r.AccessLog
	c.AccessLogFormat = r.AccessLogFormat
	c.TrustedProxies = append([]string(nil), r.TrustedProxies...)
	c.Multiprocess = r.Workers != 1
	return nil
}

// envKeys maps environment variables to Config's JSON keys. PORT is
// handled apart: it applies only when BUNDLE_LISTEN is unset.
var envKeys = []struct{ env, key string }{
	{"BUNDLE_LISTEN", "listen"},
	{"BUNDLE_THREADS", "threads"},
	{"BUNDLE_QUEUE_SIZE", "queue_size"},
	{"BUNDLE_MAX_BODY_BYTES", "max_body_bytes"},
	{"BUNDLE_PREFETCH_BYTES", "prefetch_bytes"},
	{"BUNDLE_MAX_HEADER_BYTES", "max_header_bytes"},
	{"BUNDLE_GRACEFUL_TIMEOUT", "graceful_timeout"},
	{"BUNDLE_READ_HEADER_TIMEOUT", "read_header_timeout"},
	{"BUNDLE_READ_TIMEOUT", "read_timeout"},
	{"BUNDLE_WRITE_TIMEOUT", "write_timeout"},
	{"BUNDLE_IDLE_TIMEOUT", "idle_timeout"},
	{"BUNDLE_RETRY_AFTER", "retry_after"},
	{"BUNDLE_ACCESS_LOG", "access_log"},
	{"BUNDLE_ACCESS_LOG_FORMAT", "access_log_format"},
	{"BUNDLE_TRUSTED_PROXIES", "trusted_proxies"},
	{"BUNDLE_TLS_CERT", "tls_cert"},
	{"BUNDLE_TLS_KEY", "tls_key"},
	{"BUNDLE_H2C", "h2c"},
}

// ApplyEnv overlays settings from environment variables (BUNDLE_LISTEN,
// BUNDLE_THREADS, ... as listed in envKeys; list values comma-separated),
// PORT as ":PORT" when BUNDLE_LISTEN is unset, and systemd's LISTEN_FDS
// (when LISTEN_PID is this process) when neither is set. getenv is
// os.Getenv in production.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	m := map[string]any{}
	if p := getenv("PORT"); p != "" && getenv("BUNDLE_LISTEN") == "" {
		if _, err := strconv.ParseUint(p, 10, 16); err != nil {
			return fmt.Errorf("%w: PORT=%q is not a port number", ErrConfig, p)
		}
		m["listen"] = []string{":" + p}
	}
	if getenv("BUNDLE_LISTEN") == "" && getenv("PORT") == "" {
		if fds := SystemdListenFDs(getenv); fds != nil {
			m["listen"] = fds
		}
	}
	for _, e := range envKeys {
		v := strings.TrimSpace(getenv(e.env))
		if v == "" {
			continue
		}
		switch e.key {
		case "listen", "trusted_proxies":
			var l []string
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					l = append(l, s)
				}
			}
			m[e.key] = l
		case "threads", "queue_size", "max_body_bytes", "prefetch_bytes", "max_header_bytes", "retry_after":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%w: %s=%q is not an integer", ErrConfig, e.env, v)
			}
			m[e.key] = n
		case "h2c":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%w: %s=%q is not a boolean", ErrConfig, e.env, v)
			}
			m[e.key] = b
		default:
			m[e.key] = v
		}
	}
	if len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode environment settings: %w", err)
	}
	return c.ApplyJSON(b)
}

// ApplyJSON overlays the keys present in the JSON object b.
func (c *Config) ApplyJSON(b []byte) error {
	if err := json.Unmarshal(b, c); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return nil
}

// Validate reports the first invalid setting.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	if len(c.Listen) == 0 {
		return bad("no listen address")
	}
	for _, a := range c.Listen {
		if _, err := parseListen(a); err != nil {
			return err
		}
	}
	switch {
	case c.Threads < 1:
		return bad("threads must be >= 1, not %d", c.Threads)
	case c.QueueSize < 0:
		return bad("queue size must be >= 0, not %d", c.QueueSize)
	case c.MaxBodyBytes < -1:
		return bad("max body bytes must be >= -1, not %d", c.MaxBodyBytes)
	case c.PrefetchBytes < 0:
		return bad("prefetch bytes must be >= 0, not %d", c.PrefetchBytes)
	case c.MaxHeaderBytes < 1024:
		return bad("max header bytes must be >= 1024, not %d", c.MaxHeaderBytes)
	case c.RetryAfter < 0:
		return bad("retry-after must be >= 0, not %d", c.RetryAfter)
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return bad("tls cert and key must be given together")
	}
	for name, d := range map[string]Duration{
		"graceful timeout": c.GracefulTimeout, "read header timeout": c.ReadHeaderTimeout,
		"read timeout": c.ReadTimeout, "write timeout": c.WriteTimeout, "idle timeout": c.IdleTimeout,
	} {
		if d <= 0 {
			return bad("%s must be > 0, not %s", name, time.Duration(d))
		}
	}
	switch c.AccessLog {
	case "stdout", "stderr", "syslog", "off":
	default:
		return bad("access log %q: want stdout, stderr, syslog or off", c.AccessLog)
	}
	switch c.AccessLogFormat {
	case "common", "combined", "json":
	default:
		return bad("access log format %q: want common, combined or json", c.AccessLogFormat)
	}
	if _, _, err := parseTrusted(c.TrustedProxies); err != nil {
		return err
	}
	return nil
}

// parseTrusted parses TrustedProxies into prefixes, and whether unix-socket
// peers are trusted.
func parseTrusted(list []string) ([]netip.Prefix, bool, error) {
	var out []netip.Prefix
	unix := false
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "unix" {
			unix = true
			continue
		}
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, false, fmt.Errorf("%w: trusted proxy %q: %w", ErrConfig, s, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, false, fmt.Errorf("%w: trusted proxy %q: %w", ErrConfig, s, err)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, unix, nil
}
