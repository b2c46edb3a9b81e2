// The C half of the CPython bridge. Only declarations here: this header is
// included by the cgo preamble (and so by _cgo_export.c); the definitions
// are in bridge.c.
//
// Built against the limited API of Python 3.10 (abi3): the headers in
// include/python3.10 are Python 3.10's, and nothing outside the stable ABI
// is used, so one .so loads in every CPython >= 3.10.
#ifndef BUNDLE_BRIDGE_H
#define BUNDLE_BRIDGE_H

#define PY_SSIZE_T_CLEAN
#define Py_LIMITED_API 0x030A0000
#include <Python.h>
#include <stdint.h>
#include <stddef.h>

// bbuf is a growable byte buffer in C memory.
typedef struct {
	char *p;
	size_t len, cap;
} bbuf;

// bworker is one worker thread's state: its Python thread state, the
// request it is running, and the response it collected. Go reads the
// outputs after bundle_worker_call returns, when the GIL is released.
typedef struct bworker {
	PyThreadState *tstate;
	PyGILState_STATE gstate;
	uintptr_t handle; // the Go worker's cgo.Handle
	PyObject *app; // the application (a strong reference of its own)
	int refs; // per-request objects pointing here; the struct outlives them
	int closed; // bundle_worker_free ran: freed when refs reaches 0
	int busy; // a thread of this request is inside Go with the GIL released
	unsigned long ident; // the worker thread's id (PyThread_get_thread_ident)
	struct bworker *lprev, *lnext; // the list of live workers (GIL-protected)

	// Reused from request to request (see build_environ).
	PyObject *tmpl; // the environ's constant part, copied per request
	PyObject *input, *errors, *sr; // request objects, reused when nobody kept them
	PyObject *sr_write; // sr's bound write method, start_response's return value
	unsigned long gen; // request generation; per-request objects keep theirs
	int active;
	int multithread, multiprocess;

	// Input: the prefetched body (Go memory, valid during the call),
	// then inbuf refilled from Go.
	const char *in;
	size_t inlen;
	int in_eof;
	char *inbuf;
	size_t incap;

	// Outputs.
	bbuf head; // packed status and headers, as set by start_response
	bbuf body; // body bytes not yet handed to Go
	bbuf errs; // wsgi.errors output and tracebacks, for the error log
	int head_set; // start_response was called
	int head_sent; // the head went to Go (goStream)
	int truncated; // the body reached Content-Length: the rest is dropped
	long long content_length; // from the app's headers, -1 when absent
	long long body_total; // body bytes the app produced
	int failed; // the app failed, or the client left
	int client_gone;
	int sendfile_fd; // >= 0: send this file after body
	long long sendfile_len; // bytes of it, -1 to its end
} bworker;

bworker *bundle_worker_new(uintptr_t handle, int multithread, int multiprocess);
void bundle_worker_free(bworker *w);
void bundle_worker_call(bworker *w, const char *env, size_t envlen, const char *pre, size_t prelen, int eof);

#endif
