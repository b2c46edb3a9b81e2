//go:build cgo

// The C half of the CPython bridge: the _bundle_runtime extension module
// (serve, stop, stats, FileWrapper) and the per-request WSGI machinery.
//
// Rule (pitfall 1 in the notes): Go is only ever called with the GIL
// released. Every go* call below sits between PyEval_SaveThread and
// PyEval_RestoreThread.

#include "bridge.h"
#include "_cgo_export.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// Py_XSETREF is not in the limited API of 3.10.
#define XSETREF(op, v)                                                                                                 \
	do {                                                                                                           \
		PyObject *_old = (PyObject *)(op);                                                                     \
		(op) = (v);                                                                                            \
		Py_XDECREF(_old);                                                                                      \
	} while (0)

#define FLUSH_MAX (256 * 1024) // stream the body once this much is buffered
#define INBUF_SIZE (64 * 1024)
#define ERRS_MAX (64 * 1024)

static const char FORK_MSG[] =
	"bundle_runtime cannot run in a process forked after it was imported: the Go runtime inside it does not "
	"survive fork(). Start separate processes instead (they can share a port: see the listen settings)";

static PyObject *bundle_app; // the application being served
static PyObject *wsgi_version; // (1, 0)
static PyObject *format_exception; // traceback.format_exception
static PyTypeObject *InputType, *ErrorsType, *StartResponseType, *FileWrapperType;
static PyObject *GraceExpired; // raised in requests still running past the graceful timeout
static bworker *live_workers; // every worker not freed yet (GIL-protected)
static int interrupting; // GraceExpired was raised: don't let it reach a later request
static volatile int bundle_forked;

static void atfork_child(void) { bundle_forked = 1; }

static int check_fork(void) {
	if (bundle_forked) {
		PyErr_SetString(PyExc_RuntimeError, FORK_MSG);
		return -1;
	}
	return 0;
}

// ---- buffers ----

static int bbuf_grow(bbuf *b, size_t extra) {
	if (b->len + extra <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + extra)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int bbuf_append(bbuf *b, const char *p, size_t n) {
	if (n == 0)
		return 0;
	if (bbuf_grow(b, n) < 0)
		return -1;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static int bbuf_field(bbuf *b, const char *p, size_t n) {
	unsigned char l[4] = {n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff};
	if (bbuf_append(b, (const char *)l, 4) < 0)
		return -1;
	return bbuf_append(b, p, n);
}

static void bbuf_free(bbuf *b) {
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static void dealloc_plain(PyObject *self) {
	PyTypeObject *tp = Py_TYPE(self);
	freefunc f = (freefunc)PyType_GetSlot(tp, Py_tp_free);
	f(self);
	Py_DECREF(tp);
}

// ---- calls into Go ----

// A request's objects can be used from any Python thread (an app may hand
// write() or wsgi.input to a thread of its own), but while one thread is
// inside Go with the GIL released, Go reads the worker's buffers and talks
// to the connection: nobody else may touch them. w->busy says so; it is
// only read and written with the GIL held, so checking and setting it is
// atomic. A thread that finds it set waits with the GIL released.
static void wait_idle(bworker *w) {
	while (w->busy) {
		PyThreadState *ts = PyEval_SaveThread();
		usleep(50);
		PyEval_RestoreThread(ts);
	}
}

// go_enter marks w busy and releases the GIL, for a call into Go (never
// call Go with the GIL held: pitfall 1); go_leave undoes it.
static PyThreadState *go_enter(bworker *w) {
	wait_idle(w);
	w->busy = 1;
	return PyEval_SaveThread();
}

static void go_leave(bworker *w, PyThreadState *ts) {
	PyEval_RestoreThread(ts);
	w->busy = 0;
}

// ---- per-request objects: validity ----

typedef struct {
	PyObject_HEAD
	bworker *w;
	unsigned long gen;
} reqobj;

// w_live is o's worker if o's request is still running, else NULL. It
// first waits until no other thread is inside Go for the request.
static bworker *w_live(reqobj *o) {
	bworker *w = o->w;
	if (!w || w->closed)
		return NULL;
	wait_idle(w);
	if (!w->active || w->gen != o->gen)
		return NULL;
	return w;
}

static bworker *req_worker(PyObject *self) {
	bworker *w = w_live((reqobj *)self);
	if (!w)
		PyErr_SetString(PyExc_RuntimeError, "this WSGI object belongs to a request that has ended");
	return w;
}

static PyObject *req_new(PyTypeObject *tp, bworker *w) {
	reqobj *o = (reqobj *)PyType_GenericAlloc(tp, 0);
	if (!o)
		return NULL;
	o->w = w;
	o->gen = w->gen;
	w->refs++;
	return (PyObject *)o;
}

// The worker struct lives until its last request object is gone, so an
// object the app kept past the server's end still finds "ended" there.
static void req_dealloc(PyObject *self) {
	bworker *w = ((reqobj *)self)->w;
	dealloc_plain(self);
	if (w && --w->refs == 0 && w->closed)
		free(w);
}

// ---- streaming to Go ----

// stream hands the head (once) and the buffered body to Go, with the GIL
// released. -1: the client is gone.
static int stream(bworker *w) {
	PyThreadState *ts = go_enter(w);
	const char *head = w->head_sent ? NULL : w->head.p;
	size_t hl = w->head_sent ? 0 : w->head.len;
	int r = goStream(w->handle, (char *)head, hl, w->body.p, w->body.len);
	if (w->errs.len >= ERRS_MAX) {
		goLogError(w->handle, w->errs.p, w->errs.len);
		w->errs.len = 0;
	}
	go_leave(w, ts);
	w->head_sent = 1;
	w->body.len = 0;
	if (r < 0) {
		w->failed = 1;
		w->client_gone = 1;
		return -1;
	}
	return 0;
}

// ---- wsgi.input ----

// input_fill makes input available: 1 data, 0 end of body, -1 error set.
static int input_fill(bworker *w) {
	if (w->inlen > 0)
		return 1;
	if (w->in_eof)
		return 0;
	if (!w->inbuf) {
		w->inbuf = malloc(INBUF_SIZE);
		if (!w->inbuf) {
			PyErr_NoMemory();
			return -1;
		}
		w->incap = INBUF_SIZE;
	}
	PyThreadState *ts = go_enter(w);
	long long n = goInputRead(w->handle, w->inbuf, (long long)w->incap);
	go_leave(w, ts);
	if (n > 0) {
		w->in = w->inbuf;
		w->inlen = (size_t)n;
		return 1;
	}
	w->in_eof = 1;
	if (n == 0)
		return 0;
	if (n == -2)
		PyErr_SetString(PyExc_OSError, "request body larger than the server's limit (max-body-bytes)");
	else
		PyErr_SetString(PyExc_OSError, "could not read the request body: the client left or was too slow");
	return -1;
}

static int size_arg(PyObject *args, Py_ssize_t *size) {
	PyObject *o = NULL;
	*size = -1;
	if (!PyArg_ParseTuple(args, "|O", &o))
		return -1;
	if (o && o != Py_None) {
		*size = PyLong_AsSsize_t(o);
		if (*size == -1 && PyErr_Occurred())
			return -1;
	}
	return 0;
}

// input_read reads up to size bytes (all when size < 0), stopping after a
// newline when line is set.
static PyObject *input_read_impl(bworker *w, Py_ssize_t size, int line) {
	if (size == 0)
		return PyBytes_FromStringAndSize("", 0);
	bbuf acc = {0};
	for (;;) {
		int r = input_fill(w);
		if (r < 0) {
			bbuf_free(&acc);
			return NULL;
		}
		if (r == 0)
			break;
		size_t n = w->inlen;
		if (size >= 0 && n > (size_t)size - acc.len)
			n = (size_t)size - acc.len;
		int nl = 0;
		if (line) {
			const char *e = memchr(w->in, '\n', n);
			if (e) {
				n = (size_t)(e - w->in) + 1;
				nl = 1;
			}
		}
		if (acc.len == 0 && (nl || (size >= 0 && n == (size_t)size))) {
			// Fast path: the answer is in the window.
			PyObject *b = PyBytes_FromStringAndSize(w->in, (Py_ssize_t)n);
			if (b) {
				w->in += n;
				w->inlen -= n;
			}
			return b;
		}
		if (bbuf_append(&acc, w->in, n) < 0) {
			bbuf_free(&acc);
			return PyErr_NoMemory();
		}
		w->in += n;
		w->inlen -= n;
		if (nl || (size >= 0 && acc.len == (size_t)size))
			break;
	}
	PyObject *b = PyBytes_FromStringAndSize(acc.p ? acc.p : "", (Py_ssize_t)acc.len);
	bbuf_free(&acc);
	return b;
}

static PyObject *input_read(PyObject *self, PyObject *args) {
	bworker *w = req_worker(self);
	Py_ssize_t size;
	if (!w || size_arg(args, &size) < 0)
		return NULL;
	return input_read_impl(w, size, 0);
}

static PyObject *input_readline(PyObject *self, PyObject *args) {
	bworker *w = req_worker(self);
	Py_ssize_t size;
	if (!w || size_arg(args, &size) < 0)
		return NULL;
	return input_read_impl(w, size, 1);
}

static PyObject *input_readlines(PyObject *self, PyObject *args) {
	bworker *w = req_worker(self);
	Py_ssize_t hint;
	if (!w || size_arg(args, &hint) < 0)
		return NULL;
	PyObject *list = PyList_New(0);
	if (!list)
		return NULL;
	Py_ssize_t total = 0;
	for (;;) {
		PyObject *l = input_read_impl(w, -1, 1);
		if (!l) {
			Py_DECREF(list);
			return NULL;
		}
		Py_ssize_t n = PyBytes_Size(l);
		if (n == 0) {
			Py_DECREF(l);
			break;
		}
		int r = PyList_Append(list, l);
		Py_DECREF(l);
		if (r < 0) {
			Py_DECREF(list);
			return NULL;
		}
		total += n;
		if (hint > 0 && total >= hint)
			break;
	}
	return list;
}

static PyObject *self_iter(PyObject *self) {
	Py_INCREF(self);
	return self;
}

static PyObject *input_next(PyObject *self) {
	bworker *w = req_worker(self);
	if (!w)
		return NULL;
	PyObject *l = input_read_impl(w, -1, 1);
	if (l && PyBytes_Size(l) == 0) {
		Py_DECREF(l);
		return NULL; // StopIteration
	}
	return l;
}

static PyMethodDef input_methods[] = {
	{"read", input_read, METH_VARARGS, "read(size=-1) -> bytes"},
	{"readline", input_readline, METH_VARARGS, "readline(size=-1) -> bytes"},
	{"readlines", input_readlines, METH_VARARGS, "readlines(hint=-1) -> list of bytes"},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot input_slots[] = {
	{Py_tp_dealloc, req_dealloc},
	{Py_tp_methods, input_methods},
	{Py_tp_iter, self_iter},
	{Py_tp_iternext, input_next},
	{Py_tp_doc, "wsgi.input: the request body, streamed from the server"},
	{0, NULL},
};

static PyType_Spec input_spec = {
	"bundle_runtime.Input", sizeof(reqobj), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION, input_slots,
};

// ---- wsgi.errors ----

// errors_flush1 hands the buffered wsgi.errors output to the error log.
static void errors_flush1(bworker *w) {
	if (w->errs.len > 0) {
		PyThreadState *ts = go_enter(w);
		goLogError(w->handle, w->errs.p, w->errs.len);
		w->errs.len = 0;
		go_leave(w, ts);
	}
}

static int errors_write1(PyObject *self, PyObject *s) {
	const char *p;
	Py_ssize_t n;
	if (PyUnicode_Check(s)) {
		p = PyUnicode_AsUTF8AndSize(s, &n);
		if (!p)
			return -1;
	} else if (PyBytes_Check(s)) {
		if (PyBytes_AsStringAndSize(s, (char **)&p, &n) < 0)
			return -1;
	} else {
		PyErr_SetString(PyExc_TypeError, "wsgi.errors.write() takes a str");
		return -1;
	}
	bworker *w = w_live((reqobj *)self);
	if (!w) {
		// A request that has ended: fall back to sys.stderr.
		PyObject *err = PySys_GetObject("stderr");
		if (err && err != Py_None) {
			PyObject *r = PyObject_CallMethod(err, "write", "O", s);
			Py_XDECREF(r);
			if (!r)
				PyErr_Clear();
		}
		return 0;
	}
	if (bbuf_append(&w->errs, p, (size_t)n) < 0) {
		PyErr_NoMemory();
		return -1;
	}
	// An app that logs a lot must not grow the buffer without bound.
	if (w->errs.len >= ERRS_MAX)
		errors_flush1(w);
	return 0;
}

static PyObject *errors_write(PyObject *self, PyObject *s) {
	if (errors_write1(self, s) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *errors_writelines(PyObject *self, PyObject *seq) {
	PyObject *it = PyObject_GetIter(seq), *item;
	if (!it)
		return NULL;
	while ((item = PyIter_Next(it))) {
		int r = errors_write1(self, item);
		Py_DECREF(item);
		if (r < 0) {
			Py_DECREF(it);
			return NULL;
		}
	}
	Py_DECREF(it);
	if (PyErr_Occurred())
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *errors_flush(PyObject *self, PyObject *unused) {
	bworker *w = w_live((reqobj *)self);
	if (w)
		errors_flush1(w);
	Py_RETURN_NONE;
}

static PyMethodDef errors_methods[] = {
	{"write", errors_write, METH_O, "write(str)"},
	{"writelines", errors_writelines, METH_O, "writelines(seq)"},
	{"flush", errors_flush, METH_NOARGS, "flush()"},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot errors_slots[] = {
	{Py_tp_dealloc, req_dealloc},
	{Py_tp_methods, errors_methods},
	{Py_tp_doc, "wsgi.errors: writes go to the server's error log"},
	{0, NULL},
};

static PyType_Spec errors_spec = {
	"bundle_runtime.Errors", sizeof(reqobj), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION, errors_slots,
};

// ---- start_response and write ----

static int is_token(const char *p, Py_ssize_t n) {
	if (n == 0)
		return 0;
	for (Py_ssize_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= ' ' || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c))
			return 0;
	}
	return 1;
}

static int latin1(PyObject *s, const char *what, PyObject **bytes, const char **p, Py_ssize_t *n) {
	if (!PyUnicode_Check(s)) {
		PyErr_Format(PyExc_TypeError, "%s must be a str", what);
		return -1;
	}
	*bytes = PyUnicode_AsLatin1String(s);
	if (!*bytes)
		return -1;
	return PyBytes_AsStringAndSize(*bytes, (char **)p, n);
}

// pack_head validates status and headers and packs them into w->head.
static int pack_head(bworker *w, PyObject *status, PyObject *headers) {
	PyObject *b = NULL;
	const char *p;
	Py_ssize_t n;
	w->head.len = 0;
	w->content_length = -1;
	if (latin1(status, "status", &b, &p, &n) < 0)
		return -1;
	if (n < 4 || p[0] < '1' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' || p[3] != ' ' ||
	    memchr(p, '\r', n) || memchr(p, '\n', n)) {
		Py_DECREF(b);
		PyErr_Format(PyExc_ValueError, "status %R must look like \"200 OK\"", status);
		return -1;
	}
	int r = bbuf_field(&w->head, p, (size_t)n);
	Py_DECREF(b);
	if (r < 0)
		goto nomem;
	if (!PyList_Check(headers)) {
		PyErr_SetString(PyExc_TypeError, "response headers must be a list of (name, value) tuples");
		return -1;
	}
	Py_ssize_t count = PyList_Size(headers);
	for (Py_ssize_t i = 0; i < count; i++) {
		PyObject *t = PyList_GetItem(headers, i); // borrowed
		if (!PyTuple_Check(t) || PyTuple_Size(t) != 2) {
			PyErr_SetString(PyExc_TypeError, "response headers must be a list of (name, value) tuples");
			return -1;
		}
		PyObject *nb, *vb;
		const char *np, *vp;
		Py_ssize_t nn, vn;
		if (latin1(PyTuple_GetItem(t, 0), "header name", &nb, &np, &nn) < 0)
			return -1;
		if (latin1(PyTuple_GetItem(t, 1), "header value", &vb, &vp, &vn) < 0) {
			Py_DECREF(nb);
			return -1;
		}
		if (!is_token(np, nn) || memchr(vp, '\r', vn) || memchr(vp, '\n', vn) || memchr(vp, '\0', vn)) {
			PyErr_Format(PyExc_ValueError, "invalid response header %R", t);
			Py_DECREF(nb);
			Py_DECREF(vb);
			return -1;
		}
		if (nn == 14 && strncasecmp(np, "content-length", 14) == 0) {
			// Digits only (net/http would drop a bad one and send
			// the response chunked), and only one.
			long long cl = 0;
			Py_ssize_t i = 0, e = vn;
			while (i < e && (vp[i] == ' ' || vp[i] == '\t'))
				i++;
			while (e > i && (vp[e - 1] == ' ' || vp[e - 1] == '\t'))
				e--;
			int ok = e > i && e - i <= 18 && w->content_length < 0;
			for (Py_ssize_t j = i; ok && j < e; j++) {
				if (vp[j] < '0' || vp[j] > '9')
					ok = 0;
				else
					cl = cl * 10 + (vp[j] - '0');
			}
			if (!ok) {
				PyErr_Format(PyExc_ValueError, "invalid response header %R: want one Content-Length of digits", t);
				Py_DECREF(nb);
				Py_DECREF(vb);
				return -1;
			}
			w->content_length = cl;
		}
		r = bbuf_field(&w->head, np, (size_t)nn) < 0 || bbuf_field(&w->head, vp, (size_t)vn) < 0;
		Py_DECREF(nb);
		Py_DECREF(vb);
		if (r)
			goto nomem;
	}
	return 0;
nomem:
	PyErr_NoMemory();
	return -1;
}

static PyObject *start_response_call(PyObject *self, PyObject *args, PyObject *kw) {
	static char *kwlist[] = {"status", "headers", "exc_info", NULL};
	PyObject *status, *headers, *exc_info = Py_None;
	bworker *w = req_worker(self);
	if (!w)
		return NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|O:start_response", kwlist, &status, &headers, &exc_info))
		return NULL;
	if (exc_info != Py_None) {
		if (w->head_sent) {
			// Too late to change the response: re-raise (PEP 3333).
			if (!PyTuple_Check(exc_info) || PyTuple_Size(exc_info) != 3) {
				PyErr_SetString(PyExc_TypeError, "exc_info must be a sys.exc_info() tuple");
				return NULL;
			}
			PyObject *t = PyTuple_GetItem(exc_info, 0), *v = PyTuple_GetItem(exc_info, 1),
				 *tb = PyTuple_GetItem(exc_info, 2);
			Py_INCREF(t);
			Py_INCREF(v);
			if (tb == Py_None)
				tb = NULL;
			else
				Py_INCREF(tb);
			PyErr_Restore(t, v, tb);
			return NULL;
		}
		w->body.len = 0; // the new response replaces what was buffered
		w->body_total = 0;
	} else if (w->head_set) {
		PyErr_SetString(PyExc_RuntimeError, "start_response called a second time without exc_info");
		return NULL;
	}
	if (pack_head(w, status, headers) < 0) {
		w->head_set = 0;
		return NULL;
	}
	w->head_set = 1;
	if (self == w->sr) {
		if (!w->sr_write)
			w->sr_write = PyObject_GetAttrString(self, "write");
		Py_XINCREF(w->sr_write);
		return w->sr_write;
	}
	return PyObject_GetAttrString(self, "write");
}

// body_append adds n bytes of the app's body, dropping what goes past the
// app's Content-Length (PEP 3333: never send more), with a note in the
// error log the first time.
static int body_append(bworker *w, const char *p, Py_ssize_t n) {
	if (w->content_length >= 0 && w->body_total + n > w->content_length) {
		n = w->body_total < w->content_length ? (Py_ssize_t)(w->content_length - w->body_total) : 0;
		if (!w->truncated) {
			static const char m[] = "the app's response is longer than its Content-Length: the rest is dropped\n";
			bbuf_append(&w->errs, m, sizeof m - 1);
			w->truncated = 1;
		}
	}
	if (bbuf_append(&w->body, p, (size_t)n) < 0) {
		PyErr_NoMemory();
		return -1;
	}
	w->body_total += n;
	return 0;
}

static PyObject *sr_write(PyObject *self, PyObject *data) {
	bworker *w = req_worker(self);
	if (!w)
		return NULL;
	if (!w->head_set) {
		PyErr_SetString(PyExc_RuntimeError, "write() called before start_response");
		return NULL;
	}
	char *p;
	Py_ssize_t n;
	if (!PyBytes_Check(data)) {
		PyErr_SetString(PyExc_TypeError, "write() takes bytes");
		return NULL;
	}
	if (PyBytes_AsStringAndSize(data, &p, &n) < 0)
		return NULL;
	if (w->client_gone) {
		PyErr_SetString(PyExc_OSError, "the client disconnected");
		return NULL;
	}
	if (body_append(w, p, n) < 0)
		return NULL;
	// write() must not return before the data is on its way (PEP 3333).
	if (stream(w) < 0) {
		PyErr_SetString(PyExc_OSError, "the client disconnected");
		return NULL;
	}
	Py_RETURN_NONE;
}

static PyMethodDef sr_methods[] = {
	{"write", sr_write, METH_O, "write(data): the WSGI write() callable"},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot sr_slots[] = {
	{Py_tp_dealloc, req_dealloc},
	{Py_tp_call, start_response_call},
	{Py_tp_methods, sr_methods},
	{Py_tp_doc, "start_response(status, headers, exc_info=None)"},
	{0, NULL},
};

static PyType_Spec sr_spec = {
	"bundle_runtime.StartResponse", sizeof(reqobj), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
	sr_slots,
};

// ---- wsgi.file_wrapper ----

typedef struct {
	PyObject_HEAD
	PyObject *filelike;
	Py_ssize_t blksize;
} fwobj;

static int fw_init(PyObject *self, PyObject *args, PyObject *kw) {
	static char *kwlist[] = {"filelike", "blksize", NULL};
	fwobj *o = (fwobj *)self;
	PyObject *f;
	Py_ssize_t blk = 8192;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|n:FileWrapper", kwlist, &f, &blk))
		return -1;
	if (blk <= 0)
		blk = 8192;
	Py_INCREF(f);
	PyObject *old = o->filelike;
	o->filelike = f;
	Py_XDECREF(old);
	o->blksize = blk;
	return 0;
}

static void fw_dealloc(PyObject *self) {
	Py_CLEAR(((fwobj *)self)->filelike);
	dealloc_plain(self);
}

static PyObject *fw_next(PyObject *self) {
	fwobj *o = (fwobj *)self;
	if (!o->filelike)
		return NULL;
	PyObject *d = PyObject_CallMethod(o->filelike, "read", "n", o->blksize);
	if (!d)
		return NULL;
	Py_ssize_t n = PyObject_Length(d);
	if (n <= 0) {
		// 0: the end (StopIteration); < 0: an error is set (read()
		// returned something without a length).
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

static PyObject *fw_close(PyObject *self, PyObject *unused) {
	fwobj *o = (fwobj *)self;
	if (o->filelike) {
		PyObject *c = PyObject_GetAttrString(o->filelike, "close");
		if (!c) {
			PyErr_Clear();
			Py_RETURN_NONE;
		}
		PyObject *r = PyObject_CallObject(c, NULL);
		Py_DECREF(c);
		if (!r)
			return NULL;
		Py_DECREF(r);
	}
	Py_RETURN_NONE;
}

static PyObject *fw_filelike(PyObject *self, void *unused) {
	PyObject *f = ((fwobj *)self)->filelike;
	if (!f)
		f = Py_None;
	Py_INCREF(f);
	return f;
}

static PyMethodDef fw_methods[] = {
	{"close", fw_close, METH_NOARGS, "close the file"},
	{NULL, NULL, 0, NULL},
};

static PyGetSetDef fw_getset[] = {
	{"filelike", fw_filelike, NULL, "the wrapped file", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot fw_slots[] = {
	{Py_tp_dealloc, fw_dealloc},
	{Py_tp_init, fw_init},
	{Py_tp_new, PyType_GenericNew},
	{Py_tp_iter, self_iter},
	{Py_tp_iternext, fw_next},
	{Py_tp_methods, fw_methods},
	{Py_tp_getset, fw_getset},
	{Py_tp_doc, "wsgi.file_wrapper(filelike, blksize=8192): sent with sendfile when filelike is a regular file"},
	{0, NULL},
};

static PyType_Spec fw_spec = {
	"bundle_runtime.FileWrapper", sizeof(fwobj), 0, Py_TPFLAGS_DEFAULT, fw_slots,
};

// try_sendfile hands a FileWrapper's regular file to Go: 1 done, 0 not
// possible (iterate instead).
static int try_sendfile(bworker *w, PyObject *result) {
	fwobj *o = (fwobj *)result;
	if (!o->filelike || !w->head_set)
		return 0;
	PyObject *r = PyObject_CallMethod(o->filelike, "fileno", NULL);
	if (!r) {
		PyErr_Clear();
		return 0;
	}
	long fd = PyLong_AsLong(r);
	Py_DECREF(r);
	if (fd < 0) {
		PyErr_Clear();
		return 0;
	}
	struct stat st;
	if (fstat((int)fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	long long off = -1;
	r = PyObject_CallMethod(o->filelike, "tell", NULL);
	if (r) {
		off = PyLong_AsLongLong(r);
		Py_DECREF(r);
	}
	if (off < 0) {
		PyErr_Clear();
		off = lseek((int)fd, 0, SEEK_CUR);
		if (off < 0)
			return 0;
	}
	int nfd = fcntl((int)fd, F_DUPFD_CLOEXEC, 0);
	if (nfd < 0)
		return 0;
	if (lseek(nfd, off, SEEK_SET) < 0) {
		close(nfd);
		return 0;
	}
	w->sendfile_fd = nfd;
	w->sendfile_len = -1;
	if (w->content_length >= 0)
		w->sendfile_len = w->content_length - w->body_total;
	return 1;
}

// ---- errors ----

// report_exception moves the current exception's traceback to w->errs and
// marks the request failed. After the client left, an exception is most
// likely the app noticing it, and only that is said, unless always is set.
static void report_exception(bworker *w, const char *what, int always) {
	PyObject *t, *v, *tb;
	PyErr_Fetch(&t, &v, &tb);
	PyErr_NormalizeException(&t, &v, &tb);
	wait_idle(w); // another thread may be in Go reading w->errs
	w->failed = 1;
	if (!t)
		return;
	if (w->client_gone && !always) {
		static const char m[] = "client disconnected during the response\n";
		bbuf_append(&w->errs, m, sizeof m - 1);
	} else {
		bbuf_append(&w->errs, what, strlen(what));
		PyObject *lines = format_exception ? PyObject_CallFunctionObjArgs(format_exception, t, v ? v : Py_None,
										    tb ? tb : Py_None, NULL)
						   : NULL;
		PyObject *s = NULL;
		if (lines) {
			PyObject *empty = PyUnicode_FromString("");
			if (empty) {
				s = PyUnicode_Join(empty, lines);
				Py_DECREF(empty);
			}
			Py_DECREF(lines);
		}
		if (!s) {
			PyErr_Clear();
			s = v ? PyObject_Str(v) : NULL;
		}
		if (s) {
			Py_ssize_t n;
			const char *p = PyUnicode_AsUTF8AndSize(s, &n);
			if (p)
				bbuf_append(&w->errs, p, (size_t)n);
			Py_DECREF(s);
		}
		PyErr_Clear();
	}
	Py_XDECREF(t);
	Py_XDECREF(v);
	Py_XDECREF(tb);
}

// ---- the request ----

// ---- environ strings ----

// The environ's keys repeat from request to request, and so do most of
// its values (method, protocol, server name and port, client address,
// Host, User-Agent, Accept...). A cache, only used with the GIL held,
// keeps one interned str per key and the key's last value, so that a
// request allocates strings only for what changed.
#define SC_SLOTS 512 // power of 2; filled to 3/4 at most
#define SC_MAXKEY 64
#define SC_MAXVAL 96

typedef struct {
	PyObject *key; // NULL: free slot
	PyObject *val; // the last value, or NULL
	int tmpl; // index in tmpl_keys, or -1
	unsigned short kn, vn;
	char kb[SC_MAXKEY], vb[SC_MAXVAL];
} scent;

static scent *sc;
static int sc_used;

// The keys every request has (server/environ.go always sends them): the
// worker's template dict holds them, so a copy of it is sized for a whole
// environ and they are only overwritten.
static const char *tmpl_keys[] = {
	"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REQUEST_URI", "RAW_URI",
	"SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE", "REMOTE_ADDR", "HTTP_HOST",
	"wsgi.url_scheme", "bundle.request_id",
};
#define NTMPL ((int)(sizeof tmpl_keys / sizeof tmpl_keys[0]))
static PyObject *tmpl_key_obj[NTMPL];
static PyObject *k_input, *k_errors, *k_version, *k_multithread, *k_multiprocess, *k_run_once, *k_input_terminated,
	*k_file_wrapper;

static uint32_t sc_hash(const char *p, size_t n) {
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

// sc_entry finds (or adds) the cache entry of key k; NULL when the cache
// is full or the key too long.
static scent *sc_entry(const char *k, size_t kn) {
	if (!sc || kn > SC_MAXKEY)
		return NULL;
	for (uint32_t i = sc_hash(k, kn) & (SC_SLOTS - 1);; i = (i + 1) & (SC_SLOTS - 1)) {
		scent *e = &sc[i];
		if (!e->key) {
			if (sc_used >= SC_SLOTS / 4 * 3)
				return NULL;
			PyObject *s = PyUnicode_DecodeLatin1(k, (Py_ssize_t)kn, NULL);
			if (!s) {
				PyErr_Clear();
				return NULL;
			}
			PyUnicode_InternInPlace(&s);
			e->key = s;
			e->kn = (unsigned short)kn;
			memcpy(e->kb, k, kn);
			e->tmpl = -1;
			sc_used++;
			return e;
		}
		if (e->kn == kn && memcmp(e->kb, k, kn) == 0)
			return e;
	}
}

static int sc_init(void) {
	sc = calloc(SC_SLOTS, sizeof *sc);
	if (!sc)
		return -1;
	for (int i = 0; i < NTMPL; i++) {
		scent *e = sc_entry(tmpl_keys[i], strlen(tmpl_keys[i]));
		if (!e)
			return -1;
		e->tmpl = i;
		tmpl_key_obj[i] = e->key;
	}
	k_input = PyUnicode_InternFromString("wsgi.input");
	k_errors = PyUnicode_InternFromString("wsgi.errors");
	k_version = PyUnicode_InternFromString("wsgi.version");
	k_multithread = PyUnicode_InternFromString("wsgi.multithread");
	k_multiprocess = PyUnicode_InternFromString("wsgi.multiprocess");
	k_run_once = PyUnicode_InternFromString("wsgi.run_once");
	k_input_terminated = PyUnicode_InternFromString("wsgi.input_terminated");
	k_file_wrapper = PyUnicode_InternFromString("wsgi.file_wrapper");
	if (!k_input || !k_errors || !k_version || !k_multithread || !k_multiprocess || !k_run_once ||
	    !k_input_terminated || !k_file_wrapper)
		return -1;
	return 0;
}

// sc_value returns a new reference to the str of v: the cached one when
// it is the key's last value.
static PyObject *sc_value(scent *e, const char *v, size_t vn) {
	if (e && e->val && e->vn == vn && memcmp(e->vb, v, vn) == 0) {
		Py_INCREF(e->val);
		return e->val;
	}
	PyObject *s = PyUnicode_DecodeLatin1(v, (Py_ssize_t)vn, NULL);
	if (s && e && vn <= SC_MAXVAL) {
		Py_INCREF(s);
		XSETREF(e->val, s);
		e->vn = (unsigned short)vn;
		memcpy(e->vb, v, vn);
	}
	return s;
}

// make_tmpl builds the worker's template environ: the constant wsgi.*
// entries, and every key of tmpl_keys (None until a request sets it).
static PyObject *make_tmpl(bworker *w) {
	PyObject *d = PyDict_New();
	if (!d)
		return NULL;
	int r = 0;
	for (int i = 0; i < NTMPL && r == 0; i++)
		r = PyDict_SetItem(d, tmpl_key_obj[i], Py_None);
	if (r < 0 || PyDict_SetItem(d, k_input, Py_None) < 0 || PyDict_SetItem(d, k_errors, Py_None) < 0 ||
	    PyDict_SetItem(d, k_version, wsgi_version) < 0 ||
	    PyDict_SetItem(d, k_multithread, w->multithread ? Py_True : Py_False) < 0 ||
	    PyDict_SetItem(d, k_multiprocess, w->multiprocess ? Py_True : Py_False) < 0 ||
	    PyDict_SetItem(d, k_run_once, Py_False) < 0 || PyDict_SetItem(d, k_input_terminated, Py_True) < 0 ||
	    PyDict_SetItem(d, k_file_wrapper, (PyObject *)FileWrapperType) < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

// req_obj returns a new reference to the worker's request object *slot of
// type tp for this request: the one of the last request when nobody else
// holds it (extra: references the worker itself keeps), else a new one.
static PyObject *req_obj(bworker *w, PyObject **slot, PyTypeObject *tp, Py_ssize_t extra) {
	if (*slot && Py_REFCNT(*slot) == 1 + extra) {
		((reqobj *)*slot)->gen = w->gen;
	} else {
		if (slot == &w->sr)
			Py_CLEAR(w->sr_write);
		XSETREF(*slot, req_new(tp, w));
		if (!*slot)
			return NULL;
	}
	Py_INCREF(*slot);
	return *slot;
}

static PyObject *build_environ(bworker *w, const char *env, size_t envlen) {
	if (!w->tmpl && !(w->tmpl = make_tmpl(w)))
		return NULL;
	PyObject *d = PyDict_Copy(w->tmpl);
	if (!d)
		return NULL;
	unsigned int seen = 0;
	const unsigned char *p = (const unsigned char *)env, *end = p + envlen;
	while (end - p >= 4) {
		size_t kn = p[0] | p[1] << 8 | p[2] << 16 | (size_t)p[3] << 24;
		p += 4;
		if ((size_t)(end - p) < kn + 4)
			break;
		const char *k = (const char *)p;
		p += kn;
		size_t vn = p[0] | p[1] << 8 | p[2] << 16 | (size_t)p[3] << 24;
		p += 4;
		if ((size_t)(end - p) < vn)
			break;
		scent *e = sc_entry(k, kn);
		PyObject *key;
		if (e) {
			key = e->key;
			Py_INCREF(key);
			if (e->tmpl >= 0)
				seen |= 1u << e->tmpl;
		} else {
			key = PyUnicode_DecodeLatin1(k, (Py_ssize_t)kn, NULL);
		}
		PyObject *val = sc_value(e, (const char *)p, vn);
		p += vn;
		int r = key && val ? PyDict_SetItem(d, key, val) : -1;
		Py_XDECREF(key);
		Py_XDECREF(val);
		if (r < 0) {
			Py_DECREF(d);
			return NULL;
		}
	}
	// A template key the request did not set must not stay None.
	for (int i = 0; i < NTMPL; i++) {
		if (!(seen & (1u << i)) && PyDict_DelItem(d, tmpl_key_obj[i]) < 0) {
			Py_DECREF(d);
			return NULL;
		}
	}
	PyObject *input = req_obj(w, &w->input, InputType, 0);
	PyObject *errors = req_obj(w, &w->errors, ErrorsType, 0);
	int r = !input || !errors || PyDict_SetItem(d, k_input, input) < 0 || PyDict_SetItem(d, k_errors, errors) < 0;
	Py_XDECREF(input);
	Py_XDECREF(errors);
	if (r) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

// py_enter takes the GIL with the worker's thread state (the locked
// thread's own); py_leave releases it.
static void py_enter(bworker *w) { PyEval_RestoreThread(w->tstate); }

static void py_leave(bworker *w) { w->tstate = PyEval_SaveThread(); }

bworker *bundle_worker_new(uintptr_t handle, int multithread, int multiprocess) {
	if (bundle_forked)
		return NULL;
	bworker *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->handle = handle;
	w->multithread = multithread;
	w->multiprocess = multiprocess;
	w->sendfile_fd = -1;
	w->gstate = PyGILState_Ensure();
	w->ident = PyThread_get_thread_ident();
	w->lnext = live_workers;
	if (live_workers)
		live_workers->lprev = w;
	live_workers = w;
	// A reference of the worker's own: the app outlives serve() for a
	// worker still inside it after a forced stop.
	w->app = bundle_app;
	Py_XINCREF(w->app);
	py_leave(w);
	if (!w->app) {
		bundle_worker_free(w);
		return NULL;
	}
	return w;
}

void bundle_worker_free(bworker *w) {
	py_enter(w);
	PyGILState_STATE g = w->gstate;
	if (w->lprev)
		w->lprev->lnext = w->lnext;
	else if (live_workers == w)
		live_workers = w->lnext;
	if (w->lnext)
		w->lnext->lprev = w->lprev;
	w->lprev = w->lnext = NULL;
	Py_CLEAR(w->app);
	Py_CLEAR(w->tmpl);
	Py_CLEAR(w->sr_write);
	Py_CLEAR(w->sr);
	Py_CLEAR(w->input);
	Py_CLEAR(w->errors);
	bbuf_free(&w->head);
	bbuf_free(&w->body);
	bbuf_free(&w->errs);
	free(w->inbuf);
	w->inbuf = NULL;
	w->active = 0;
	w->closed = 1;
	if (w->refs == 0)
		free(w);
	PyGILState_Release(g); // deletes the thread state PyGILState_Ensure made, drops the GIL
}

static void call_close(bworker *w, PyObject *result) {
	if (PyList_CheckExact(result) || PyTuple_CheckExact(result))
		return; // no close(); asking would make an AttributeError
	PyObject *c = PyObject_GetAttrString(result, "close");
	if (!c) {
		PyErr_Clear();
		return;
	}
	PyObject *r = PyObject_CallObject(c, NULL);
	Py_DECREF(c);
	if (r) {
		Py_DECREF(r);
		return;
	}
	int failed = w->failed;
	report_exception(w, "exception in the response's close():\n", 1);
	// The response itself may have been fine; only a response not yet
	// started becomes a 500.
	if (w->head_sent || w->head_set)
		w->failed = failed;
}

void bundle_worker_call(bworker *w, const char *env, size_t envlen, const char *pre, size_t prelen, int eof) {
	py_enter(w);
	w->gen++;
	w->active = 1;
	w->head.len = w->body.len = 0;
	w->head_set = w->head_sent = w->failed = w->client_gone = w->truncated = 0;
	w->content_length = -1;
	w->body_total = 0;
	w->sendfile_fd = -1;
	w->sendfile_len = -1;
	w->in = pre;
	w->inlen = prelen;
	w->in_eof = eof;

	PyObject *environ = NULL, *sr = NULL, *result = NULL, *iter = NULL, *item;
	environ = build_environ(w, env, envlen);
	if (!environ)
		goto error;
	if (w->sr_write && Py_REFCNT(w->sr_write) != 1) {
		// The app kept the last request's write(): that start_response
		// stays the old request's, this request gets a new one.
		Py_CLEAR(w->sr_write);
		Py_CLEAR(w->sr);
	}
	sr = req_obj(w, &w->sr, StartResponseType, w->sr_write ? 1 : 0);
	if (!sr)
		goto error;
	result = PyObject_CallFunctionObjArgs(w->app, environ, sr, NULL);
	if (!result)
		goto error;
	if (w->client_gone)
		goto done;
	if (Py_TYPE(result) == FileWrapperType && try_sendfile(w, result))
		goto done;
	// A list or tuple is all there: no reason to stream it.
	int ready = PyList_Check(result) || PyTuple_Check(result);
	iter = PyObject_GetIter(result);
	if (!iter)
		goto error;
	while ((item = PyIter_Next(iter))) {
		char *p;
		Py_ssize_t n;
		if (!PyBytes_Check(item)) {
			PyErr_Format(PyExc_TypeError, "the app's response iterable yielded %R, not bytes",
				     (PyObject *)Py_TYPE(item));
			Py_DECREF(item);
			goto error;
		}
		if (PyBytes_AsStringAndSize(item, &p, &n) < 0) {
			Py_DECREF(item);
			goto error;
		}
		if (n > 0) {
			if (!w->head_set) {
				Py_DECREF(item);
				PyErr_SetString(PyExc_RuntimeError, "the app produced body data before calling start_response");
				goto error;
			}
			wait_idle(w); // a thread of the app may be inside write()
			if (body_append(w, p, n) < 0) {
				Py_DECREF(item);
				goto error;
			}
		}
		Py_DECREF(item);
		if (w->truncated)
			break;
		// PEP 3333: a block must not wait for the next one, unless the
		// whole body is known to be here (a list, or Content-Length
		// reached).
		int complete = ready || (w->content_length >= 0 && w->body_total >= w->content_length);
		if (w->body.len > 0 && (!complete || w->body.len >= FLUSH_MAX)) {
			if (stream(w) < 0)
				goto done;
		}
	}
	if (PyErr_Occurred())
		goto error;
	if (!w->head_set) {
		PyErr_SetString(PyExc_RuntimeError, "the app returned without calling start_response");
		goto error;
	}
	goto done;
error:
	report_exception(w, "exception in the app:\n", 0);
done:
	if (result)
		call_close(w, result);
	Py_XDECREF(iter);
	Py_XDECREF(result);
	Py_XDECREF(sr);
	Py_XDECREF(environ);
	wait_idle(w); // a thread the app started may still be inside Go
	if (interrupting)
		PyThreadState_SetAsyncExc(w->ident, NULL); // not delivered in time: not for the next request
	w->active = 0;
	w->in = NULL;
	w->inlen = 0;
	if (w->failed && w->sendfile_fd >= 0) {
		close(w->sendfile_fd);
		w->sendfile_fd = -1;
	}
	py_leave(w);
}

// ---- the module ----

// interrupt_workers raises GraceExpired in every worker thread still inside
// the app (the graceful timeout is over), as KeyboardInterrupt reaches the
// main thread: at its next bytecode, so `finally` blocks and context
// managers run. A thread blocked in C (a sleep, a socket read) sees it when
// that call returns. Runs on serve()'s thread with the GIL held. Returns how
// many were interrupted.
static int interrupt_workers(void) {
	int n = 0;
	interrupting = 1;
	for (bworker *w = live_workers; w; w = w->lnext) {
		if (w->active && !w->closed)
			n += PyThreadState_SetAsyncExc(w->ident, GraceExpired);
	}
	return n;
}

static PyObject *m_serve(PyObject *self, PyObject *args) {
	PyObject *app, *bdir;
	const char *cfg;
	Py_ssize_t cfglen;
	int use_env;
	if (!PyArg_ParseTuple(args, "Oy#Op:serve", &app, &cfg, &cfglen, &bdir, &use_env))
		return NULL;
	if (check_fork() < 0)
		return NULL;
	if (!PyCallable_Check(app)) {
		PyErr_SetString(PyExc_TypeError, "application must be callable");
		return NULL;
	}
	if (bundle_app) {
		PyErr_SetString(PyExc_RuntimeError, "bundle_runtime is already serving in this process");
		return NULL;
	}
	const char *bd = "";
	Py_ssize_t bdlen = 0;
	if (bdir != Py_None) {
		bd = PyUnicode_AsUTF8AndSize(bdir, &bdlen);
		if (!bd)
			return NULL;
	}
	Py_INCREF(app);
	bundle_app = app;
	interrupting = 0; // a new serve(): an earlier one's stop does not concern it

	// The GIL is released before the workers start: they need it to make
	// their thread states (pitfall 2).
	char *err = NULL;
	PyThreadState *ts = PyEval_SaveThread();
	long long id = goServeStart((char *)cfg, (size_t)cfglen, (char *)bd, (size_t)bdlen, use_env);
	PyObject *pt = NULL, *pv = NULL, *ptb = NULL;
	int stopping = 0;
	if (id > 0) {
		for (;;) {
			int r = goServeWait(id, 100);
			if (r == 1)
				break;
			PyEval_RestoreThread(ts);
			if (r == 2)
				interrupt_workers();
			// Python runs its signal handlers here, on the main thread.
			int sig = PyErr_CheckSignals() < 0;
			if (sig) {
				if (!stopping)
					PyErr_Fetch(&pt, &pv, &ptb);
				else
					PyErr_Clear();
			}
			ts = PyEval_SaveThread();
			if (sig) {
				goServeStop(id, stopping); // graceful first, forced on a second signal
				stopping = 1;
			}
		}
	}
	err = goServeEnd(id);
	PyEval_RestoreThread(ts);
	Py_CLEAR(bundle_app);
	if (pt) {
		free(err);
		PyErr_Restore(pt, pv, ptb);
		return NULL;
	}
	if (err) {
		PyErr_SetString(PyExc_RuntimeError, err);
		free(err);
		return NULL;
	}
	Py_RETURN_NONE;
}

static PyObject *m_stop(PyObject *self, PyObject *args) {
	int force = 0;
	if (!PyArg_ParseTuple(args, "|p:stop", &force))
		return NULL;
	if (check_fork() < 0)
		return NULL;
	PyThreadState *ts = PyEval_SaveThread();
	goServeStop(0, force);
	PyEval_RestoreThread(ts);
	Py_RETURN_NONE;
}

static PyObject *m_stats(PyObject *self, PyObject *unused) {
	if (check_fork() < 0)
		return NULL;
	long long v[6];
	PyThreadState *ts = PyEval_SaveThread();
	int ok = goStats(v);
	PyEval_RestoreThread(ts);
	if (!ok)
		Py_RETURN_NONE;
	return Py_BuildValue("{sLsLsLsLsLsL}", "threads", v[0], "busy", v[1], "queued", v[2], "queue_size", v[3],
			     "requests", v[4], "rejected", v[5]);
}

static PyMethodDef module_methods[] = {
	{"serve", m_serve, METH_VARARGS,
	 "serve(application, config_json: bytes, bundle_dir: str | None, use_env: bool): serve until stopped"},
	{"stop", m_stop, METH_VARARGS, "stop(force=False): stop the server of this process"},
	{"stats", m_stats, METH_NOARGS, "stats() -> dict of the server's counters, or None when not serving"},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT, "_bundle_runtime", "Go's net/http serving a WSGI app in this process.", -1,
	module_methods,
};

PyMODINIT_FUNC PyInit__bundle_runtime(void) {
	if (check_fork() < 0)
		return NULL;
	static int atfork_done;
	if (!atfork_done) {
		pthread_atfork(NULL, NULL, atfork_child);
		atfork_done = 1;
	}
	PyObject *m = PyModule_Create(&module_def);
	if (!m)
		return NULL;
	if (!InputType) {
		InputType = (PyTypeObject *)PyType_FromSpec(&input_spec);
		ErrorsType = (PyTypeObject *)PyType_FromSpec(&errors_spec);
		StartResponseType = (PyTypeObject *)PyType_FromSpec(&sr_spec);
		FileWrapperType = (PyTypeObject *)PyType_FromSpec(&fw_spec);
		wsgi_version = Py_BuildValue("(ii)", 1, 0);
		GraceExpired = PyErr_NewExceptionWithDoc(
			"bundle_runtime.GraceExpired",
			"Raised in a request still running when the graceful timeout of a stop is over.\n\n"
			"A BaseException, like KeyboardInterrupt, so that `except Exception` in the app does not "
			"swallow it.",
			PyExc_BaseException, NULL);
		if (sc_init() < 0) {
			Py_DECREF(m);
			return NULL;
		}
		PyObject *tb = PyImport_ImportModule("traceback");
		if (tb) {
			format_exception = PyObject_GetAttrString(tb, "format_exception");
			Py_DECREF(tb);
		}
		if (!InputType || !ErrorsType || !StartResponseType || !FileWrapperType || !wsgi_version ||
		    !GraceExpired || !format_exception) {
			Py_DECREF(m);
			return NULL;
		}
	}
	Py_INCREF(FileWrapperType);
	if (PyModule_AddObject(m, "FileWrapper", (PyObject *)FileWrapperType) < 0) {
		Py_DECREF(FileWrapperType);
		Py_DECREF(m);
		return NULL;
	}
	Py_INCREF(GraceExpired);
	if (PyModule_AddObject(m, "GraceExpired", GraceExpired) < 0) {
		Py_DECREF(GraceExpired);
		Py_DECREF(m);
		return NULL;
	}
	if (PyModule_AddStringConstant(m, "FORK_MESSAGE", FORK_MSG) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
