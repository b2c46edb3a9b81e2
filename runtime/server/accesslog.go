package server

import (
	"encoding/json"
	"fmt"
	"io"
	"log/syslog"
	"strconv"
	"sync"
	"time"
)

// accessEntry is one line of the access log.
type accessEntry struct {
	start     time.Time
	remote    string
	method    string
	uri       string
	proto     string
	host      string
	status    int
	bytes     int64
	referer   string
	userAgent string
	requestID string
}

// accessLog writes access log lines, one Write per line.
type accessLog struct {
	w      io.Writer // nil: off
	format string
	closer io.Closer
	pool   sync.Pool
}

// syslogDial opens the local syslog; a variable so tests can point it at a
// socket of their own.
var syslogDial = func() (io.WriteCloser, error) {
	return syslog.New(syslog.LOG_INFO|syslog.LOG_USER, "bundle_runtime")
}

func newAccessLog(dest, format string, stdout, stderr io.Writer) (*accessLog, error) {
	l := &accessLog{format: format}
	switch dest {
	case "off":
	case "stdout":
		l.w = stdout
	case "stderr":
		l.w = stderr
	case "syslog":
		w, err := syslogDial()
		if err != nil {
			return nil, fmt.Errorf("access log to syslog: %w", err)
		}
		l.w, l.closer = w, w
	default:
		return nil, fmt.Errorf("%w: access log %q", ErrConfig, dest)
	}
	return l, nil
}

func (l *accessLog) close() {
	if l.closer != nil {
		l.closer.Close()
	}
}

// log writes e. Write errors are dropped: a full disk must not stop serving.
func (l *accessLog) log(e *accessEntry) {
	if l.w == nil {
		return
	}
	bp, _ := l.pool.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, 256)
		bp = &b
	}
	b := l.format1((*bp)[:0], e)
	_, _ = l.w.Write(b)
	*bp = b
	l.pool.Put(bp)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// quoted appends s inside double quotes, escaping quotes, backslashes and
// control bytes as Apache does.
func quoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20 || c == 0x7f:
			b = append(b, fmt.Sprintf("\\x%02x", c)...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// format1 formats e: "common" and "combined" are Apache's formats followed
// by the request id in quotes; "json" is one object a line.
func (l *accessLog) format1(b []byte, e *accessEntry) []byte {
	if l.format == "json" {
		m := struct {
			Time      string  `json:"time"`
			Remote    string  `json:"remote"`
			Method    string  `json:"method"`
			URI       string  `json:"uri"`
			Proto     string  `json:"proto"`
			Host      string  `json:"host"`
			Status    int     `json:"status"`
			Bytes     int64   `json:"bytes"`
			Duration  float64 `json:"duration_ms"`
			Referer   string  `json:"referer,omitempty"`
			UserAgent string  `json:"user_agent,omitempty"`
			RequestID string  `json:"request_id"`
		}{e.start.UTC().Format(time.RFC3339Nano), e.remote, e.method, e.uri, e.proto, e.host, e.status, e.bytes,
			float64(time.Since(e.start).Microseconds()) / 1000, e.referer, e.userAgent, e.requestID}
		j, _ := json.Marshal(m)
		return append(append(b, j...), '\n')
	}
	b = append(b, dash(e.remote)...)
	b = append(b, " - - ["...)
	b = e.start.AppendFormat(b, "02/Jan/2006:15:04:05 -0700")
	b = append(b, "] "...)
	b = quoted(b, e.method+" "+e.uri+" "+e.proto)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(e.status), 10)
	b = append(b, ' ')
	if e.bytes == 0 {
		b = append(b, '-')
	} else {
		b = strconv.AppendInt(b, e.bytes, 10)
	}
	if l.format == "combined" {
		b = append(b, ' ')
		b = quoted(b, dash(e.referer))
		b = append(b, ' ')
		b = quoted(b, dash(e.userAgent))
	}
	b = append(b, ' ')
	b = quoted(b, e.requestID)
	return append(b, '\n')
}
