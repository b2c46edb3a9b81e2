package server

import (
	"fmt"
	"io/fs"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// listenAddr is a parsed listen address.
type listenAddr struct {
	network string // "tcp", "unix" or "fd"
	addr    string // host:port or socket path
	fd      int
}

// parseListen parses one Config.Listen entry.
func parseListen(s string) (listenAddr, error) {
	switch {
	case strings.HasPrefix(s, "unix:"):
		p := strings.TrimPrefix(s, "unix:")
		if p == "" {
			return listenAddr{}, fmt.Errorf("%w: listen %q: empty socket path", ErrConfig, s)
		}
		return listenAddr{network: "unix", addr: p}, nil
	case strings.HasPrefix(s, "fd:"):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "fd:"))
		if err != nil || n < 0 {
			return listenAddr{}, fmt.Errorf("%w: listen %q: want fd:N with N a file descriptor number", ErrConfig, s)
		}
		return listenAddr{network: "fd", fd: n}, nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return listenAddr{}, fmt.Errorf("%w: listen %q: want HOST:PORT, unix:PATH or fd:N: %w", ErrConfig, s, err)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || (n == 0 && port != "0") {
		return listenAddr{}, fmt.Errorf("%w: listen %q: bad port %q", ErrConfig, s, port)
	}
	_ = host
	return listenAddr{network: "tcp", addr: s}, nil
}

// SystemdListenFDs returns the descriptors systemd's socket activation
// passed to this process (LISTEN_FDS, starting at 3, when LISTEN_PID is
// this process), as "fd:N" listen addresses; nil when there are none.
func SystemdListenFDs(getenv func(string) string) []string {
	pid, err := strconv.Atoi(getenv("LISTEN_PID"))
	if err != nil || pid != os.Getpid() {
		return nil
	}
	n, err := strconv.Atoi(getenv("LISTEN_FDS"))
	if err != nil || n <= 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = "fd:" + strconv.Itoa(3+i)
	}
	return out
}

// listen opens one listener.
func listen(a listenAddr) (net.Listener, error) {
	switch a.network {
	case "unix":
		// A socket file left by a previous run that died is removed;
		// anything else at the path is an error.
		if fi, err := os.Lstat(a.addr); err == nil && fi.Mode()&fs.ModeSocket != 0 {
			if c, err := net.Dial("unix", a.addr); err == nil {
				c.Close()
				return nil, fmt.Errorf("listen unix:%s: %w", a.addr, syscall.EADDRINUSE)
			}
			_ = os.Remove(a.addr)
		}
		l, err := net.Listen("unix", a.addr)
		if err != nil {
			return nil, fmt.Errorf("listen: %w", err)
		}
		return l, nil
	case "fd":
		f := os.NewFile(uintptr(a.fd), "fd:"+strconv.Itoa(a.fd))
		if f == nil {
			return nil, fmt.Errorf("listen fd:%d: %w", a.fd, ErrBadFD)
		}
		l, err := net.FileListener(f)
		f.Close() // FileListener dup'ed it
		if err != nil {
			return nil, fmt.Errorf("listen fd:%d: %w: %w", a.fd, ErrBadFD, err)
		}
		return l, nil
	default:
		l, err := net.Listen("tcp", a.addr)
		if err != nil {
			return nil, fmt.Errorf("listen: %w", err)
		}
		return l, nil
	}
}

// listenAll opens every address, closing the opened ones on failure.
func listenAll(addrs []string) ([]net.Listener, error) {
	var ls []net.Listener
	for _, s := range addrs {
		a, err := parseListen(s)
		if err == nil {
			var l net.Listener
			if l, err = listen(a); err == nil {
				ls = append(ls, l)
				continue
			}
		}
		for _, l := range ls {
			l.Close()
		}
		return nil, err
	}
	return ls, nil
}

// addrURL describes a listener for the "listening on" log line.
func addrURL(l net.Listener, tls bool) string {
	a := l.Addr()
	if a.Network() == "unix" {
		return "unix:" + a.String()
	}
	if tls {
		return "https://" + a.String()
	}
	return "http://" + a.String()
}
