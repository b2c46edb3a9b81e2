// Package cpython is the CPython bridge of bundle_runtime, and the only
// package of the runtime that uses cgo. It implements server.App for a
// Python WSGI application living in the same process, and it is the C
// extension module _bundle_runtime (see bridge.c), built into a shared
// object by runtime/ext.
//
// Design (see ../shared/notes/in-process-runtime.md for the spike's
// findings):
//   - Built against the limited API of Python 3.10 (Py_LIMITED_API =
//     0x030A0000, headers vendored in include/python3.10), so the .so is
//     abi3: one file loads in CPython 3.10 and every later version. 3.10 is
//     the oldest supported: from 3.10 on Python installs its signal handlers
//     with SA_ONSTACK, so a signal landing on a Go thread runs on the
//     alternate signal stack; on 3.8/3.9 a handler installed after import
//     can run on a goroutine's small stack.
//   - Each of the server's worker goroutines is locked to its OS thread and
//     owns one PyThreadState (PyGILState_Ensure once, then
//     PyEval_SaveThread). A request is one cgo call (bundle_worker_call)
//     carrying the packed environ and the prefetched body; it takes the
//     GIL, calls the app, collects the response in C buffers and drops the
//     GIL before it returns.
//   - Go is called back only with the GIL released (goInputRead, goStream,
//     goLogError): a callback needs a free P, and a thread waiting for one
//     while holding the GIL would stall every Python thread.
//   - Signals: the c-shared Go runtime leaves SIGINT and SIGTERM to Python.
//     serve() waits in 100 ms slices with the GIL released and runs
//     PyErr_CheckSignals in between, so Python's handlers run on the main
//     thread; the Python package maps SIGTERM to a graceful stop.
//   - fork: the Go runtime does not survive fork(). A pthread_atfork child
//     handler marks the child, and every entry point then raises
//     RuntimeError instead of hanging.
package cpython

import "errors"

// Errors of this package.
var (
	// ErrNoCgo is returned by the stub built without cgo.
	ErrNoCgo = errors.New("bundle_runtime's CPython bridge needs cgo: this build has CGO_ENABLED=0")
	// ErrForked is returned when a worker is started in a process forked
	// after the module was imported.
	ErrForked = errors.New("bundle_runtime cannot run in a process forked after it was imported")
)
