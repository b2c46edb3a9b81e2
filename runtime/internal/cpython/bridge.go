//go:build cgo

package cpython

/*
#cgo CFLAGS: -I${SRCDIR}/include/python3.10 -O2 -Wall -Wno-unused-function -Wno-missing-braces
#cgo LDFLAGS: -Wl,--unresolved-symbols=ignore-all
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"

	"github.com/bundle-wsgi/bundle/runtime/server"
)

// Available reports whether this build has the bridge (it needs cgo).
const Available = true

// Check returns nil: this build has the bridge.
func Check() error { return nil }

// app implements server.App for the Python application held by the C side.
type app struct {
	multithread, multiprocess bool
}

// worker is one Python thread: a locked OS thread with its own
// PyThreadState, made by bundle_worker_new.
type worker struct {
	c *C.bworker
	h cgo.Handle
	x *server.Exchange
}

func (a *app) NewWorker() (server.Worker, error) {
	w := &worker{}
	w.h = cgo.NewHandle(w)
	w.c = C.bundle_worker_new(C.uintptr_t(w.h), cbool(a.multithread), cbool(a.multiprocess))
	if w.c == nil {
		w.h.Delete()
		return nil, ErrForked
	}
	return w, nil
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// Close releases the thread state; it runs on the worker's locked thread.
func (w *worker) Close() {
	C.bundle_worker_free(w.c)
	w.h.Delete()
}

// ServeWSGI runs one request: one cgo call, which takes the GIL, calls the
// app and collects the response in C buffers, and releases the GIL before
// it returns.
func (w *worker) ServeWSGI(x *server.Exchange) {
	w.x = x
	defer func() { w.x = nil }()
	env := x.Environ()
	pre, eof := x.Prefetched()
	var envp, prep *C.char
	if len(env) > 0 {
		envp = (*C.char)(unsafe.Pointer(&env[0]))
	}
	if len(pre) > 0 {
		prep = (*C.char)(unsafe.Pointer(&pre[0]))
	}
	C.bundle_worker_call(w.c, envp, C.size_t(len(env)), prep, C.size_t(len(pre)), cbool(eof))
	runtime.KeepAlive(env)
	runtime.KeepAlive(pre)

	c := w.c
	if c.errs.len > 0 {
		x.LogError(C.GoStringN(c.errs.p, C.int(c.errs.len)))
		c.errs.len = 0
	}
	res := server.Result{Failed: c.failed != 0}
	if !res.Failed {
		if c.head_sent == 0 {
			res.Head = C.GoBytes(unsafe.Pointer(c.head.p), C.int(c.head.len))
		}
		if c.body.len > 0 {
			res.Body = C.GoBytes(unsafe.Pointer(c.body.p), C.int(c.body.len))
		}
		if c.sendfile_fd >= 0 {
			res.File = os.NewFile(uintptr(c.sendfile_fd), "wsgi.file_wrapper")
			res.FileLen = int64(c.sendfile_len)
		}
	}
	c.sendfile_fd = -1
	// A big response must not keep its buffer for the thread's life.
	trim(&c.body)
	trim(&c.head)
	trim(&c.errs)
	x.Finish(res)
}

// keepBytes is the most a worker's C buffer keeps between requests.
const keepBytes = 1 << 20

func trim(b *C.bbuf) {
	if b.cap > keepBytes {
		C.free(unsafe.Pointer(b.p))
		b.p, b.len, b.cap = nil, 0, 0
	}
}

func workerOf(h C.uintptr_t) *worker { return cgo.Handle(h).Value().(*worker) }

// goInputRead fills buf from the request body: > 0 bytes, 0 at the end,
// -1 on a read error, -2 past max-body-bytes. Called with the GIL released.
//
//export goInputRead
func goInputRead(h C.uintptr_t, buf *C.char, n C.longlong) C.longlong {
	w := workerOf(h)
	p := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n))
	for {
		k, err := w.x.Read(p)
		if k > 0 {
			return C.longlong(k)
		}
		switch {
		case err == io.EOF:
			return 0
		case errors.Is(err, server.ErrBodyTooLarge):
			return -2
		case err != nil:
			return -1
		}
	}
}

// goStream sends head (unless NULL) and body to the client now. Called
// with the GIL released. -1: the client is gone.
//
//export goStream
func goStream(h C.uintptr_t, head *C.char, hl C.size_t, body *C.char, bl C.size_t) C.int {
	w := workerOf(h)
	var hb, bb []byte
	if head != nil {
		hb = unsafe.Slice((*byte)(unsafe.Pointer(head)), int(hl))
	}
	if body != nil && bl > 0 {
		bb = unsafe.Slice((*byte)(unsafe.Pointer(body)), int(bl))
	}
	if err := w.x.Stream(hb, bb); err != nil {
		return -1
	}
	return 0
}

// goLogError writes wsgi.errors output to the error log. Called with the
// GIL released.
//
//export goLogError
func goLogError(h C.uintptr_t, p *C.char, n C.size_t) {
	w := workerOf(h)
	if w.x != nil {
		w.x.LogError(C.GoStringN(p, C.int(n)))
	}
}

// serving is one serve() call.
type serving struct {
	srv      *server.Server
	grace    time.Duration
	done     chan struct{}
	intr     chan struct{} // capacity 1: serve()'s thread is to raise GraceExpired in the workers
	doneOnce sync.Once
	stopOnce sync.Once
	err      error
}

var (
	servingMu sync.Mutex
	servings  = map[int64]*serving{}
	servingID int64
)

func (s *serving) finish(err error) {
	s.doneOnce.Do(func() {
		s.err = err
		close(s.done)
	})
}

// start builds the configuration (defaults, then bundle.toml [run], then
// the environment, then serve()'s keyword arguments) and starts serving.
func start(cfgJSON []byte, bundleDir string, useEnv bool) *serving {
	s := &serving{done: make(chan struct{}), intr: make(chan struct{}, 1)}
	cfg := server.DefaultConfig()
	err := func() error {
		if bundleDir != "" {
			if err := cfg.ApplyBundle(bundleDir); err != nil {
				return err
			}
		}
		if useEnv {
			if err := cfg.ApplyEnv(os.Getenv); err != nil {
				return err
			}
		}
		if len(cfgJSON) > 0 {
			if err := cfg.ApplyJSON(cfgJSON); err != nil {
				return err
			}
		}
		a := &app{multithread: cfg.Threads > 1, multiprocess: cfg.Multiprocess}
		srv, err := server.New(cfg, a, server.Options{})
		if err != nil {
			return err
		}
		s.srv = srv
		return nil
	}()
	if err != nil {
		s.finish(err)
		return s
	}
	s.grace = time.Duration(cfg.GracefulTimeout)
	// Locked worker threads need a spare P (pitfall 3). Only the thread
	// holding the GIL runs, so one is enough: the dispatcher keeps threads
	// beyond demand parked, and threads waiting for the GIL or for I/O
	// inside a cgo call give their P up. NumCPU + threads measured 12%
	// slower on Flask with 4 threads on 2 CPUs (PERF.md).
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(runtime.NumCPU() + 1)
	}
	go func() {
		err := s.srv.ListenAndServe()
		if !errors.Is(err, server.ErrServerClosed) {
			s.finish(err)
		}
		// After Shutdown or Close, stop finishes.
	}()
	return s
}

// interruptWait is how long requests interrupted past the graceful timeout
// get to unwind (their `finally` blocks, a 500 to the client) before their
// connections are closed.
const interruptWait = 2 * time.Second

// interrupt asks serve()'s thread to raise bundle_runtime.GraceExpired in
// the requests still inside the app (see goServeWait).
func (s *serving) interrupt() {
	select {
	case s.intr <- struct{}{}:
	default:
	}
}

// stop shuts the server down: gracefully within the grace period, or at
// once when force is set (a second signal). Requests still in the app when
// the grace period is over, or at a forced stop, get GraceExpired raised
// in them; serve() returns at most interruptWait later (plus the time a
// thread that cannot be interrupted takes to give the GIL back).
func (s *serving) stop(force bool) {
	if s.srv == nil {
		return
	}
	if force {
		if busy := s.srv.Stats().Busy; busy > 0 {
			s.srv.ErrorLog().Printf("forced stop: raising bundle_runtime.GraceExpired in %d request(s) still in the app", busy)
		}
		s.interrupt()
		_ = s.srv.Close()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), interruptWait)
			defer cancel()
			if err := s.srv.WaitWorkers(ctx); err != nil {
				s.srv.ErrorLog().Printf("forced stop: %v (threads still inside the app)", err)
			}
			s.finish(nil)
		}()
		return
	}
	s.stopOnce.Do(func() {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), s.grace)
			defer cancel()
			if err := s.srv.Shutdown(ctx); err != nil {
				s.srv.ErrorLog().Printf("graceful stop did not finish in %s: raising bundle_runtime.GraceExpired in %d request(s) still in the app", s.grace, s.srv.Stats().Busy)
				s.interrupt()
				ctx2, cancel2 := context.WithTimeout(context.Background(), interruptWait)
				defer cancel2()
				if err := s.srv.Shutdown(ctx2); err != nil {
					s.srv.ErrorLog().Printf("%d request(s) still in the app %s after the interruption (blocked outside Python code?): closing their connections", s.srv.Stats().Busy, interruptWait)
					_ = s.srv.Close()
					ctx3, cancel3 := context.WithTimeout(context.Background(), interruptWait)
					defer cancel3()
					_ = s.srv.WaitWorkers(ctx3)
				}
			}
			s.finish(nil)
		}()
	})
}

//export goServeStart
func goServeStart(cfg *C.char, n C.size_t, bd *C.char, bdn C.size_t, useEnv C.int) C.longlong {
	s := start(C.GoBytes(unsafe.Pointer(cfg), C.int(n)), C.GoStringN(bd, C.int(bdn)), useEnv != 0)
	servingMu.Lock()
	defer servingMu.Unlock()
	servingID++
	servings[servingID] = s
	return C.longlong(servingID)
}

// goServeWait waits up to ms for serving id to finish: 1 when it has, 2
// when serve()'s thread is to interrupt the workers, 0 on timeout.
//
//export goServeWait
func goServeWait(id C.longlong, ms C.int) C.int {
	servingMu.Lock()
	s := servings[int64(id)]
	servingMu.Unlock()
	if s == nil {
		return 1
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-s.done:
		return 1
	case <-s.intr:
		return 2
	case <-t.C:
		return 0
	}
}

// goServeStop stops serving id, or every server when id is 0.
//
//export goServeStop
func goServeStop(id C.longlong, force C.int) {
	servingMu.Lock()
	var list []*serving
	for k, s := range servings {
		if id == 0 || k == int64(id) {
			list = append(list, s)
		}
	}
	servingMu.Unlock()
	for _, s := range list {
		s.stop(force != 0)
	}
}

// goServeEnd waits for id to finish, forgets it and returns its error as a
// malloc'ed string (NULL when none), for the C side to free.
//
//export goServeEnd
func goServeEnd(id C.longlong) *C.char {
	servingMu.Lock()
	s := servings[int64(id)]
	delete(servings, int64(id))
	servingMu.Unlock()
	if s == nil {
		return nil
	}
	<-s.done
	if s.err != nil {
		return C.CString(s.err.Error())
	}
	return nil
}

// goStats fills v with threads, busy, queued, queue size, requests and
// rejected of a running server; 0 when none runs.
//
//export goStats
func goStats(v *C.longlong) C.int {
	servingMu.Lock()
	var srv *server.Server
	for _, s := range servings {
		if s.srv != nil {
			srv = s.srv
		}
	}
	servingMu.Unlock()
	if srv == nil {
		return 0
	}
	st := srv.Stats()
	out := unsafe.Slice(v, 6)
	out[0], out[1], out[2] = C.longlong(st.Threads), C.longlong(st.Busy), C.longlong(st.Queued)
	out[3], out[4], out[5] = C.longlong(st.QueueSize), C.longlong(st.Requests), C.longlong(st.Rejected)
	return 1
}
