// Package server is the pure-Go half of bundle_runtime: configuration,
// listeners, the net/http server, the WSGI environ, the bounded request
// queue in front of the app's threads, access and error logs.
//
// The app is reached through the App and Worker interfaces; the CPython
// bridge (runtime/internal/cpython) implements them, and tests use fakes,
// so everything here is tested without Python.
//
// A request goes: net/http reads the header; the handler goroutine reads up
// to Config.PrefetchBytes of the body (so a slow client holds no Python
// thread), builds the environ and puts an Exchange on the queue (503 with
// Retry-After when the queue is full); one of Config.Threads workers, each a
// goroutine locked to its OS thread, runs the app for it, streaming
// (Exchange.Stream) or handing the finished response back (Exchange.Finish);
// the handler goroutine then writes what is left, so a slow reader holds no
// Python thread either.
package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Errors returned by this package.
var (
	// ErrServerClosed is returned by ListenAndServe after Shutdown or
	// Close (it is net/http's, so errors.Is works with either).
	ErrServerClosed = http.ErrServerClosed
	// ErrConfig wraps every invalid setting.
	ErrConfig = errors.New("bad server configuration")
	// ErrBadFD is returned for an fd:N listen address that is not a
	// listening socket.
	ErrBadFD = errors.New("not a listening socket")
	// ErrStarted is returned by a second ListenAndServe.
	ErrStarted = errors.New("server already started")
	// ErrBodyTooLarge is returned by Exchange.Read past
	// Config.MaxBodyBytes; the response becomes a 413.
	ErrBodyTooLarge = errors.New("request body larger than the server's limit")
	// ErrClientGone is returned by Exchange.Stream when the response can
	// no longer be written.
	ErrClientGone = errors.New("client went away")
	// ErrBadHead is returned for a malformed packed response head.
	ErrBadHead = errors.New("malformed response head")
)

// App is the application the server runs.
type App interface {
	// NewWorker is called once on each of the Config.Threads worker
	// goroutines, before any listener accepts. The goroutine is locked
	// to its OS thread for its whole life, so the Worker may keep
	// thread-bound state (a Python thread state).
	NewWorker() (Worker, error)
}

// Worker runs requests on one worker goroutine.
type Worker interface {
	// ServeWSGI runs the app for x and ends by calling x.Finish.
	ServeWSGI(x *Exchange)
	// Close releases the worker, on its goroutine, when the server stops.
	Close()
}

// Stats are the server's counters, readable at any time.
type Stats struct {
	Threads   int    // worker threads
	Busy      int    // threads running a request now
	Queued    int    // requests waiting for a thread
	QueueSize int    // capacity of the queue
	Requests  uint64 // requests handed to the app so far
	Rejected  uint64 // requests refused with 503 because the queue was full
}

// Options are the parts of a Server that are not settings.
type Options struct {
	// Stdout and Stderr receive the access log (when it goes to stdout
	// or stderr) and the error log. Default os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer
	// OnListen, when set, is called with the bound addresses once every
	// listener is open and before any request is accepted.
	OnListen func([]net.Addr)
}

// Server serves an App over HTTP.
type Server struct {
	cfg      Config
	app      App
	opts     Options
	proxies  proxies
	errlog   *log.Logger
	access   *accessLog
	disp     *dispatch
	quit     chan struct{}
	gone     chan struct{} // closed when every worker has returned
	quitOnce sync.Once
	hs       *http.Server
	tlsCert  *tls.Certificate

	busy      atomic.Int64
	requests  atomic.Uint64
	rejected  atomic.Uint64
	ridPrefix string
	ridSeq    atomic.Uint64

	mu        sync.Mutex
	started   bool
	stopped   bool
	listeners []net.Listener
	workers   sync.WaitGroup
}

// New checks cfg and prepares a server; ListenAndServe starts it.
func New(cfg Config, app App, opts Options) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	nets, unix, err := parseTrusted(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		app:     app,
		opts:    opts,
		proxies: proxies{nets: nets, unix: unix},
		errlog:  log.New(opts.Stderr, "bundle_runtime: ", log.LstdFlags),
		disp:    newDispatch(cfg.QueueSize),
		quit:    make(chan struct{}),
		gone:    make(chan struct{}),
	}
	var rb [6]byte
	_, _ = rand.Read(rb[:])
	s.ridPrefix = hex.EncodeToString(rb[:]) + "-"
	if cfg.TLSCert != "" {
		c, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("load tls certificate: %w", err)
		}
		s.tlsCert = &c
	}
	s.access, err = newAccessLog(cfg.AccessLog, cfg.AccessLogFormat, opts.Stdout, opts.Stderr)
	if err != nil {
		return nil, err
	}
	protos := new(http.Protocols)
	protos.SetHTTP1(true)
	protos.SetHTTP2(true)
	protos.SetUnencryptedHTTP2(cfg.H2C)
	s.hs = &http.Server{
		Handler:                      s,
		ReadHeaderTimeout:            time.Duration(cfg.ReadHeaderTimeout),
		ReadTimeout:                  time.Duration(cfg.ReadTimeout),
		IdleTimeout:                  time.Duration(cfg.IdleTimeout),
		MaxHeaderBytes:               cfg.MaxHeaderBytes,
		ErrorLog:                     s.errlog,
		DisableGeneralOptionsHandler: true,
		Protocols:                    protos,
		HTTP2:                        &http.HTTP2Config{MaxReceiveBufferPerStream: 1 << 20},
	}
	if s.tlsCert != nil {
		s.hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*s.tlsCert}, MinVersion: tls.VersionTLS12}
	}
	return s, nil
}

// ErrorLog is the server's error log.
func (s *Server) ErrorLog() *log.Logger { return s.errlog }

// Stats returns the counters.
func (s *Server) Stats() Stats {
	queued := s.disp.queued()
	return Stats{
		Threads:   s.cfg.Threads,
		Busy:      int(s.busy.Load()),
		Queued:    queued,
		QueueSize: s.cfg.QueueSize,
		Requests:  s.requests.Load(),
		Rejected:  s.rejected.Load(),
	}
}

// ListenAndServe starts the workers (the app is ready before anything
// listens), opens every Config.Listen address and serves until Shutdown or
// Close, then returns ErrServerClosed; any other error means it did not
// start or a listener failed.
func (s *Server) ListenAndServe() error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return ErrStarted
	}
	s.started = true
	if s.stopped {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.mu.Unlock()

	if err := s.startWorkers(); err != nil {
		s.stopWorkers()
		return err
	}
	ls, err := listenAll(s.cfg.Listen)
	if err != nil {
		s.stopWorkers()
		return err
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		for _, l := range ls {
			l.Close()
		}
		return ErrServerClosed
	}
	s.listeners = ls
	s.mu.Unlock()

	addrs := make([]net.Addr, len(ls))
	for i, l := range ls {
		addrs[i] = l.Addr()
		s.errlog.Printf("listening on %s (threads=%d, pid=%d)", addrURL(l, s.tlsCert != nil && l.Addr().Network() != "unix"), s.cfg.Threads, os.Getpid())
	}
	if s.opts.OnListen != nil {
		s.opts.OnListen(addrs)
	}
	errc := make(chan error, len(ls))
	for _, l := range ls {
		go func(l net.Listener) {
			if s.tlsCert != nil && l.Addr().Network() != "unix" {
				errc <- s.hs.ServeTLS(l, "", "")
			} else {
				errc <- s.hs.Serve(l)
			}
		}(l)
	}
	err = <-errc
	if !errors.Is(err, http.ErrServerClosed) {
		// One listener failed: stop the others too.
		s.errlog.Printf("serve: %v", err)
		_ = s.Close()
		return fmt.Errorf("serve: %w", err)
	}
	return ErrServerClosed
}

// startWorkers starts Threads workers and waits until each has its Worker.
func (s *Server) startWorkers() error {
	ready := make(chan error, s.cfg.Threads)
	for i := 0; i < s.cfg.Threads; i++ {
		s.workers.Add(1)
		go s.runWorker(ready)
	}
	go func() { s.workers.Wait(); close(s.gone) }()
	var first error
	for i := 0; i < s.cfg.Threads; i++ {
		if err := <-ready; err != nil && first == nil {
			first = fmt.Errorf("start worker: %w", err)
		}
	}
	return first
}

func (s *Server) stopWorkers() {
	s.quitOnce.Do(func() { close(s.quit) })
}

// runWorker is one worker goroutine. It stays locked to its OS thread; when
// it returns the thread ends with it.
func (s *Server) runWorker(ready chan<- error) {
	defer s.workers.Done()
	runtime.LockOSThread()
	w, err := s.app.NewWorker()
	ready <- err
	if err != nil {
		return
	}
	defer w.Close()
	sl := &slot{next: make(chan *Exchange, 1)}
	if sl.stat = newThreadStat(); sl.stat != nil { // this goroutine is locked to its thread
		defer sl.stat.close()
	}
	s.disp.add(sl)
	for {
		select {
		case <-s.quit: // stopping wins over queued requests
			s.refuseQueued()
			return
		default:
		}
		select {
		case x := <-sl.next:
			x.slot = sl // Finish gives sl back (dispatch.idleSlot)
			s.serveOne(w, x)
		case <-s.quit:
			s.refuseQueued()
			return
		}
	}
}

// refuseQueued answers 503 to the requests in the queue (only Close leaves
// requests queued) and stops queueing.
func (s *Server) refuseQueued() {
	for _, x := range s.disp.close() {
		x.finish(Result{refused: true})
	}
}

// envPool holds environ buffers.
var envPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// serveOne runs one request on a worker.
func (s *Server) serveOne(w Worker, x *Exchange) {
	if x.r.Context().Err() != nil {
		// The client left while the request was queued.
		x.finish(Result{Failed: true})
		return
	}
	s.busy.Add(1)
	s.requests.Add(1)
	defer s.busy.Add(-1)
	defer func() {
		if p := recover(); p != nil {
			s.errlog.Printf("[%s] worker panic: %v", x.rid, p)
		}
		if !x.finished.Load() {
			x.finish(Result{Failed: true})
		}
	}()
	w.ServeWSGI(x)
}

// Shutdown stops accepting, lets requests in flight finish, stops the
// workers and returns; ctx bounds the wait (Config.GracefulTimeout is for
// the caller to apply). After it, ListenAndServe returns ErrServerClosed.
// When ctx ends first, Shutdown returns its error and leaves the
// connections still serving a request open: call Shutdown again to wait
// more, or Close.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	err := s.hs.Shutdown(ctx)
	s.stopWorkers()
	done := make(chan struct{})
	go func() { s.workers.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		if err == nil {
			err = ctx.Err()
		}
	}
	if err != nil {
		// Like net/http: the connections still active stay open, for the
		// caller to wait more (Shutdown again) or to Close.
		return fmt.Errorf("shutdown: %w", err)
	}
	s.access.close()
	return nil
}

// Close stops at once: listeners and connections are closed, queued
// requests refused. A worker inside the app finishes its request alone.
func (s *Server) Close() error {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	err := s.hs.Close()
	s.stopWorkers()
	if err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// WaitWorkers waits until every worker has returned (after Shutdown or
// Close), or ctx ends.
func (s *Server) WaitWorkers(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.workers.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for workers: %w", ctx.Err())
	}
}

// requestID takes a sane X-Request-Id or makes one.
func (s *Server) requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 128 {
		ok := true
		for i := 0; i < len(id); i++ {
			if id[i] <= ' ' || id[i] >= 0x7f || id[i] == '"' {
				ok = false
				break
			}
		}
		if ok {
			return id
		}
	}
	var b [40]byte
	return string(strconv.AppendUint(append(b[:0], s.ridPrefix...), s.ridSeq.Add(1), 36))
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := s.proxies.clientOf(r)
	x := &Exchange{s: s, w: w, r: r, rc: http.NewResponseController(w), rid: s.requestID(r), done: make(chan struct{})}
	if s.access.w != nil {
		e := accessEntry{start: time.Now(), remote: c.addr, method: r.Method, uri: r.RequestURI, proto: r.Proto, host: r.Host,
			referer: r.Header.Get("Referer"), userAgent: r.Header.Get("User-Agent"), requestID: x.rid}
		defer func() {
			e.status, e.bytes = x.status, x.bytes
			if e.status == 0 {
				e.status = 499 // nothing was sent: the client left, or the connection was aborted
			}
			s.access.log(&e)
		}()
	}
	// The read deadline (Config.ReadTimeout from the start of the request)
	// is net/http's ReadTimeout. The write deadline is set before each
	// write of the response; net/http writes "100 Continue" itself.

	max := s.cfg.MaxBodyBytes
	if max >= 0 && r.ContentLength > max {
		x.plainError(http.StatusRequestEntityTooLarge, "")
		return
	}
	x.body = r.Body
	if max >= 0 {
		x.body = http.MaxBytesReader(w, r.Body, max)
	}
	switch {
	case r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0:
		x.eof = true
	case strings.EqualFold(r.Header.Get("Expect"), "100-continue"):
		// Leave the body alone: net/http sends "100 Continue" when the
		// app first reads wsgi.input.
		x.setWriteDeadline()
	default:
		if err := x.prefetch(s.cfg.PrefetchBytes); err != nil {
			if errors.Is(err, ErrBodyTooLarge) {
				x.plainError(http.StatusRequestEntityTooLarge, "")
			} else {
				x.plainError(http.StatusBadRequest, "")
			}
			return
		}
	}
	bp := envPool.Get().(*[]byte)
	x.env = buildEnviron((*bp)[:0], r, c, x.rid)
	defer func() {
		// The worker is done with the environ (x.done was closed) or
		// never had it.
		if cap(x.env) <= 64<<10 {
			*bp = x.env[:0]
			envPool.Put(bp)
		}
		x.env = nil
	}()

	if !s.disp.submit(x) {
		s.rejected.Add(1)
		w.Header().Set("Retry-After", strconv.Itoa(s.cfg.RetryAfter))
		x.plainError(http.StatusServiceUnavailable, "the server is overloaded, try again later")
		return
	}
	select {
	case <-x.done:
	case <-s.gone:
		// Queued after the last worker left (Close): nobody will take it.
		x.finish(Result{refused: true})
		<-x.done
	}
	x.complete()
}

// Result is what a Worker hands to Exchange.Finish.
type Result struct {
	// Head is the packed response head (see wire.go) when Stream has
	// not sent it.
	Head []byte
	// Body is the rest of the response body. The Exchange owns it from
	// now on.
	Body []byte
	// File, when set, is sent after Body (with sendfile where the
	// connection allows), FileLen bytes of it or to its end when
	// FileLen < 0, and closed.
	File    *os.File
	FileLen int64
	// Failed says the app failed or the client left: a 500 (413 after
	// ErrBodyTooLarge) when nothing was sent yet, else the connection is
	// cut.
	Failed bool

	refused bool // the server stopped before a thread took the request
}

// Exchange is one request on its way through the app. Its methods are
// called by the Worker running the request, from the worker goroutine.
type Exchange struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	rc   *http.ResponseController
	rid  string
	env  []byte
	pre  []byte
	eof  bool
	body io.ReadCloser

	done     chan struct{}
	slot     *slot // the worker's, given back on finish
	finished atomic.Bool
	res      Result

	headSent bool
	tooLarge bool
	status   int
	bytes    int64
	declared int64 // the app's Content-Length + 1 (0: none)
}

// Environ is the packed environ (see buildEnviron and wire.go).
func (x *Exchange) Environ() []byte { return x.env }

// RequestID is the request's id.
func (x *Exchange) RequestID() string { return x.rid }

// Prefetched is the start of the request body, read before the request was
// queued; eof says it is the whole body.
func (x *Exchange) Prefetched() (data []byte, eof bool) { return x.pre, x.eof }

// Context is the request's context; it ends when the client leaves.
func (x *Exchange) Context() context.Context { return x.r.Context() }

// prefetch reads up to n bytes of the body into x.pre.
func (x *Exchange) prefetch(n int) error {
	if cl := x.r.ContentLength; cl >= 0 && cl < int64(n) {
		n = int(cl)
	}
	if n == 0 {
		return nil
	}
	buf := make([]byte, n)
	k, err := io.ReadFull(x.body, buf)
	x.pre = buf[:k]
	switch {
	case err == nil:
		x.eof = x.r.ContentLength >= 0 && int64(k) == x.r.ContentLength
		return nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		x.eof = true
		return nil
	default:
		return x.readErr(err)
	}
}

func (x *Exchange) readErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		x.tooLarge = true
		return fmt.Errorf("read body: %w", ErrBodyTooLarge)
	}
	return fmt.Errorf("read body: %w", err)
}

// Read reads the body after Prefetched. It returns io.EOF at the end and
// an error wrapping ErrBodyTooLarge past the limit.
func (x *Exchange) Read(p []byte) (int, error) {
	if x.eof {
		return 0, io.EOF
	}
	n, err := x.body.Read(p)
	if err == io.EOF {
		x.eof = true
		return n, io.EOF
	}
	if err != nil {
		return n, x.readErr(err)
	}
	return n, nil
}

// LogError writes msg to the error log, tagged with the request id.
func (x *Exchange) LogError(msg string) {
	msg = strings.TrimRight(msg, "\n")
	if msg == "" {
		return
	}
	x.s.errlog.Printf("[%s] %s", x.rid, msg)
}

// HeadSent says whether the response head has gone out.
func (x *Exchange) HeadSent() bool { return x.headSent }

// Stream sends head (when not sent yet) and body to the client now, and
// flushes. It is for responses the app produces bit by bit.
func (x *Exchange) Stream(head, body []byte) error {
	x.setWriteDeadline()
	if !x.headSent {
		if err := x.writeHead(head, -1); err != nil {
			return err
		}
	}
	if len(body) > 0 {
		n, err := x.w.Write(body)
		x.bytes += int64(n)
		if err != nil && !errors.Is(err, http.ErrBodyNotAllowed) {
			return fmt.Errorf("write response: %w: %w", ErrClientGone, err)
		}
	}
	if err := x.rc.Flush(); err != nil {
		return fmt.Errorf("flush response: %w: %w", ErrClientGone, err)
	}
	return nil
}

// Finish ends the app's part: the handler goroutine writes res and the
// worker is free. It must be called exactly once.
func (x *Exchange) Finish(res Result) { x.finish(res) }

func (x *Exchange) finish(res Result) {
	if x.finished.Swap(true) {
		return
	}
	x.res = res
	if x.slot != nil {
		x.s.disp.idleSlot(x.slot, true)
	}
	close(x.done)
}

// complete writes the result, on the handler goroutine.
func (x *Exchange) complete() {
	res := x.res
	if res.File != nil {
		defer res.File.Close()
	}
	switch {
	case res.refused:
		x.w.Header().Set("Retry-After", strconv.Itoa(x.s.cfg.RetryAfter))
		x.plainError(http.StatusServiceUnavailable, "the server is stopping")
		return
	case res.Failed && x.headSent:
		panic(http.ErrAbortHandler) // cut the connection: the response is broken
	case res.Failed && x.r.Context().Err() != nil:
		return // nobody to tell
	case res.Failed && x.tooLarge:
		x.plainError(http.StatusRequestEntityTooLarge, "")
		return
	case res.Failed:
		x.plainError(http.StatusInternalServerError, "")
		return
	}
	x.setWriteDeadline()
	if !x.headSent {
		n := int64(len(res.Body))
		if res.File != nil {
			n += fileRemaining(res.File, res.FileLen)
		}
		if err := x.writeHead(res.Head, n); err != nil {
			x.LogError(err.Error())
			x.plainError(http.StatusInternalServerError, "")
			return
		}
	}
	if len(res.Body) > 0 {
		n, err := x.w.Write(res.Body)
		x.bytes += int64(n)
		if err != nil {
			return
		}
	}
	if res.File != nil {
		var r io.Reader = res.File
		if res.FileLen >= 0 {
			r = &io.LimitedReader{R: res.File, N: res.FileLen}
		}
		// The ResponseWriter's ReadFrom uses sendfile on plain HTTP/1.
		n, err := io.Copy(x.w, r)
		x.bytes += n
		if err != nil {
			return
		}
	}
	if x.declared > 0 && x.bytes < x.declared-1 && x.r.Method != http.MethodHead && x.status != http.StatusNotModified {
		// net/http closes the connection: the client sees a cut response.
		x.LogError(fmt.Sprintf("the app's response is shorter (%d bytes) than its Content-Length (%d): connection closed", x.bytes, x.declared-1))
	}
}

// canonicalName is http.CanonicalHeaderKey(string(k)), without an
// allocation for the most common names.
func canonicalName(k []byte) string {
	switch string(k) {
	case "Content-Type":
		return "Content-Type"
	case "Content-Length":
		return "Content-Length"
	case "Set-Cookie":
		return "Set-Cookie"
	case "Cache-Control":
		return "Cache-Control"
	case "Location":
		return "Location"
	case "Vary":
		return "Vary"
	case "Last-Modified":
		return "Last-Modified"
	case "Content-Encoding":
		return "Content-Encoding"
	case "Content-Disposition":
		return "Content-Disposition"
	case "X-Frame-Options":
		return "X-Frame-Options"
	case "X-Content-Type-Options":
		return "X-Content-Type-Options"
	}
	return http.CanonicalHeaderKey(string(k))
}

// hopByHop are headers an app must not set (PEP 3333); they are dropped.
var hopByHop = map[string]bool{
	"Keep-Alive": true, "Proxy-Connection": true, "Transfer-Encoding": true, "Upgrade": true, "Te": true, "Trailer": true,
}

// writeHead sends the packed head. bodyLen >= 0 is the whole body's length
// when known, used for Content-Length when the app gave none.
func (x *Exchange) writeHead(head []byte, bodyLen int64) error {
	x.headSent = true
	status, rest, ok := NextField(head)
	if !ok || len(status) < 3 || (len(status) > 3 && status[3] != ' ') {
		return fmt.Errorf("%w: status %q", ErrBadHead, status)
	}
	code, err := strconv.Atoi(string(status[:3]))
	if err != nil || code < 200 || code > 999 {
		return fmt.Errorf("%w: status %q", ErrBadHead, status)
	}
	h := x.w.Header()
	hasCT, hasCL, hasRID := false, false, false
	for len(rest) > 0 {
		k, r1, ok1 := NextField(rest)
		v, r2, ok2 := NextField(r1)
		if !ok1 || !ok2 {
			return fmt.Errorf("%w: truncated header", ErrBadHead)
		}
		rest = r2
		name := canonicalName(k)
		switch {
		case hopByHop[name]:
			continue
		case name == "Content-Type":
			hasCT = true
		case name == "Content-Length":
			hasCL = true
			if n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64); err == nil && n >= 0 {
				x.declared = n + 1
			}
		case name == "X-Request-Id":
			hasRID = true
		}
		h[name] = append(h[name], string(v))
	}
	if !hasCT {
		h["Content-Type"] = nil // no sniffing
	}
	if !hasRID {
		h["X-Request-Id"] = []string{x.rid}
	}
	bodyOK := code != http.StatusNoContent && code != http.StatusNotModified
	if !hasCL && bodyLen >= 0 && bodyOK && (bodyLen > 0 || x.r.Method != http.MethodHead) {
		h["Content-Length"] = []string{strconv.FormatInt(bodyLen, 10)}
	}
	x.status = code
	x.w.WriteHeader(code)
	return nil
}

func (x *Exchange) setWriteDeadline() {
	_ = x.rc.SetWriteDeadline(time.Now().Add(time.Duration(x.s.cfg.WriteTimeout)))
}

// plainError sends a short text/plain error response.
func (x *Exchange) plainError(code int, msg string) {
	if msg == "" {
		msg = http.StatusText(code)
	}
	body := strconv.Itoa(code) + " " + http.StatusText(code) + ": " + msg + "\n"
	if msg == http.StatusText(code) {
		body = strconv.Itoa(code) + " " + msg + "\n"
	}
	x.setWriteDeadline()
	h := x.w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Request-Id", x.rid)
	x.headSent = true
	x.status = code
	x.w.WriteHeader(code)
	n, _ := io.WriteString(x.w, body)
	x.bytes += int64(n)
}

// fileRemaining is how many bytes of f are to be sent (limit < 0: to the
// end), or a huge negative number when that cannot be known.
func fileRemaining(f *os.File, limit int64) int64 {
	if limit >= 0 {
		return limit
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return -1 << 62
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil || off > fi.Size() {
		return -1 << 62
	}
	return fi.Size() - off
}
