package server

import (
	"encoding/binary"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
)

// client is who sent a request, after trusted-proxy handling.
type client struct {
	addr   string // REMOTE_ADDR ("" for a unix-socket peer)
	port   string // REMOTE_PORT
	scheme string // wsgi.url_scheme
}

// proxies decides whether X-Forwarded-* headers are believed.
type proxies struct {
	nets []netip.Prefix
	unix bool
}

func (p proxies) trusted(a netip.Addr) bool {
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// clientOf works out the client of r. X-Forwarded-For is walked from the
// right, skipping trusted proxies, so a client cannot forge its address by
// sending the header itself.
func (p proxies) clientOf(r *http.Request) client {
	c := client{scheme: "http"}
	if r.TLS != nil {
		c.scheme = "https"
	}
	var peerTrusted bool
	if host, port, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.addr, c.port = host, port
		if len(p.nets) > 0 {
			if a, err := netip.ParseAddr(host); err == nil {
				peerTrusted = p.trusted(a.Unmap())
			}
		}
	} else {
		// A unix-socket peer has no address ("@" or "").
		peerTrusted = p.unix
	}
	if !peerTrusted {
		return c
	}
	if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		hops := strings.Split(strings.Join(xff, ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h := strings.TrimSpace(hops[i])
			a, err := netip.ParseAddr(h)
			if err != nil {
				if ap, err2 := netip.ParseAddrPort(h); err2 == nil {
					a = ap.Addr()
				} else {
					break // garbage: stop believing the chain
				}
			}
			a = a.Unmap()
			c.addr, c.port = a.String(), ""
			if !p.trusted(a) {
				break
			}
		}
	}
	if proto := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto"))); proto == "http" || proto == "https" {
		c.scheme = proto
	}
	return c
}

// buildEnviron appends r's WSGI environ (PEP 3333), packed, to buf. Values
// are bytes as they came off the wire (PATH_INFO percent-decoded); the
// bridge turns each into a str by decoding it as latin-1, as the PEP says.
// Keys holding objects (wsgi.input, wsgi.errors, wsgi.version, ...) are
// added by the bridge.
func buildEnviron(buf []byte, r *http.Request, c client, rid string) []byte {
	buf = AppendPair(buf, "REQUEST_METHOD", r.Method)
	buf = AppendPair(buf, "SCRIPT_NAME", "")
	path := r.URL.Path
	if r.RequestURI == "*" {
		path = "*"
	}
	buf = AppendPair(buf, "PATH_INFO", path)
	buf = AppendPair(buf, "QUERY_STRING", r.URL.RawQuery)
	buf = AppendPair(buf, "REQUEST_URI", r.RequestURI)
	buf = AppendPair(buf, "RAW_URI", r.RequestURI)
	if ct := r.Header.Get("Content-Type"); ct != "" {
		buf = AppendPair(buf, "CONTENT_TYPE", ct)
	}
	if cl := r.Header.Get("Content-Length"); cl != "" {
		buf = AppendPair(buf, "CONTENT_LENGTH", cl)
	} else if r.ContentLength > 0 {
		buf = AppendPair(buf, "CONTENT_LENGTH", strconv.FormatInt(r.ContentLength, 10))
	}
	name, port := serverNamePort(r, c.scheme)
	buf = AppendPair(buf, "SERVER_NAME", name)
	buf = AppendPair(buf, "SERVER_PORT", port)
	buf = AppendPair(buf, "SERVER_PROTOCOL", r.Proto)
	buf = AppendPair(buf, "SERVER_SOFTWARE", "bundle_runtime")
	buf = AppendPair(buf, "REMOTE_ADDR", c.addr)
	if c.port != "" {
		buf = AppendPair(buf, "REMOTE_PORT", c.port)
	}
	// net/http keeps Host out of the header map.
	buf = AppendPair(buf, "HTTP_HOST", r.Host)
	for k, vs := range r.Header {
		switch k {
		case "Content-Type", "Content-Length", "Host":
			continue
		}
		// Names with "_" would collide with "-" once converted (a
		// spoofing vector); they are dropped, as nginx does.
		if strings.IndexByte(k, '_') >= 0 {
			continue
		}
		// The key, "HTTP_" + k upper-cased with "-" as "_", packed in
		// place.
		buf = binary.LittleEndian.AppendUint32(buf, uint32(5+len(k)))
		buf = append(buf, "HTTP_"...)
		for i := 0; i < len(k); i++ {
			ch := k[i]
			switch {
			case ch == '-':
				ch = '_'
			case 'a' <= ch && ch <= 'z':
				ch -= 'a' - 'A'
			}
			buf = append(buf, ch)
		}
		sep := ", "
		if k == "Cookie" {
			sep = "; " // HTTP/2 may split cookies into several fields
		}
		v := vs[0]
		if len(vs) > 1 {
			v = strings.Join(vs, sep)
		}
		buf = AppendField(buf, v)
	}
	buf = AppendPair(buf, "wsgi.url_scheme", c.scheme)
	buf = AppendPair(buf, "bundle.request_id", rid)
	return buf
}

// lastLocal caches SERVER_NAME and SERVER_PORT of the last local TCP
// address seen: most servers listen on one.
var lastLocal atomic.Pointer[localAddr]

type localAddr struct {
	ap         netip.AddrPort
	host, port string
}

// serverNamePort gives SERVER_NAME and SERVER_PORT: the local address the
// request came in on, or for unix sockets the Host header's name and the
// scheme's default port.
func serverNamePort(r *http.Request, scheme string) (string, string) {
	switch a := r.Context().Value(http.LocalAddrContextKey).(type) {
	case *net.TCPAddr:
		ap := a.AddrPort()
		if c := lastLocal.Load(); c != nil && c.ap == ap {
			return c.host, c.port
		}
		if h, p, err := net.SplitHostPort(a.String()); err == nil {
			lastLocal.Store(&localAddr{ap: ap, host: h, port: p})
			return h, p
		}
	case net.Addr:
		if a.Network() != "unix" {
			if h, p, err := net.SplitHostPort(a.String()); err == nil {
				return h, p
			}
		}
	}
	name := r.Host
	if h, p, err := net.SplitHostPort(r.Host); err == nil {
		return h, p
	}
	if name == "" {
		name = "localhost"
	}
	if scheme == "https" {
		return name, "443"
	}
	return name, "80"
}
