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

// ---- per-request objects: validity ----

typedef struct {
	PyObject_HEAD
	bworker *w;
	unsigned long gen;
} reqobj;

static bworker *req_worker(PyObject *self) {
	reqobj *o = (reqobj *)self;
	if (!o->w || !o->w->active || o->w->gen != o->gen) {
		PyErr_SetString(PyExc_RuntimeError, "this WSGI object belongs to a request that has ended");
		return NULL;
	}
	return o->w;
}

static PyObject *req_new(PyTypeObject *tp, bworker *w) {
	reqobj *o = (reqobj *)PyType_GenericAlloc(tp, 0);
	if (!o)
		return NULL;
	o->w = w;
	o->gen = w->gen;
	return (PyObject *)o;
}

// ---- streaming to Go ----

// stream hands the head (once) and the buffered body to Go, with the GIL
// released. -1: the client is gone.
static int stream(bworker *w) {
	const char *head = w->head_sent ? NULL : w->head.p;
	size_t hl = w->head_sent ? 0 : w->head.len;
	PyThreadState *ts = PyEval_SaveThread();
	int r = goStream(w->handle, (char *)head, hl, w->body.p, w->body.len);
	if (w->errs.len >= ERRS_MAX) {
		goLogError(w->handle, w->errs.p, w->errs.len);
		w->errs.len = 0;
	}
	PyEval_RestoreThread(ts);
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
	PyThreadState *ts = PyEval_SaveThread();
	long long n = goInputRead(w->handle, w->inbuf, (long long)w->incap);
	PyEval_RestoreThread(ts);
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
	{Py_tp_dealloc, dealloc_plain},
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

static int errors_write1(PyObject *self, PyObject *s) {
	reqobj *o = (reqobj *)self;
	bworker *w = (o->w && o->w->active && o->w->gen == o->gen) ? o->w : NULL;
	const char *p;
	Py_ssize_t n;
	PyObject *enc = NULL;
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
	if (!w) {
		// A request that has ended: fall back to sys.stderr.
		PyObject *err = PySys_GetObject("stderr");
		if (err && err != Py_None) {
			PyObject *r = PyObject_CallMethod(err, "write", "O", s);
			Py_XDECREF(r);
			if (!r)
				PyErr_Clear();
		}
		Py_XDECREF(enc);
		return 0;
	}
	if (bbuf_append(&w->errs, p, (size_t)n) < 0) {
		PyErr_NoMemory();
		return -1;
	}
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
	reqobj *o = (reqobj *)self;
	bworker *w = (o->w && o->w->active && o->w->gen == o->gen) ? o->w : NULL;
	if (w && w->errs.len > 0) {
		PyThreadState *ts = PyEval_SaveThread();
		goLogError(w->handle, w->errs.p, w->errs.len);
		PyEval_RestoreThread(ts);
		w->errs.len = 0;
	}
	Py_RETURN_NONE;
}

static PyMethodDef errors_methods[] = {
	{"write", errors_write, METH_O, "write(str)"},
	{"writelines", errors_writelines, METH_O, "writelines(seq)"},
	{"flush", errors_flush, METH_NOARGS, "flush()"},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot errors_slots[] = {
	{Py_tp_dealloc, dealloc_plain},
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
			char *end;
			char tmp[32];
			size_t k = vn < 31 ? (size_t)vn : 31;
			memcpy(tmp, vp, k);
			tmp[k] = 0;
			long long cl = strtoll(tmp, &end, 10);
			if (end != tmp && *end == 0 && cl >= 0)
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
	return PyObject_GetAttrString(self, "write");
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
	if (bbuf_append(&w->body, p, (size_t)n) < 0)
		return PyErr_NoMemory();
	w->body_total += n;
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
	{Py_tp_dealloc, dealloc_plain},
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
	if (d && PyObject_Length(d) == 0) {
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
// marks the request failed.
static void report_exception(bworker *w, const char *what) {
	PyObject *t, *v, *tb;
	PyErr_Fetch(&t, &v, &tb);
	PyErr_NormalizeException(&t, &v, &tb);
	w->failed = 1;
	if (!t)
		return;
	if (w->client_gone) {
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

static PyObject *build_environ(bworker *w, const char *env, size_t envlen) {
	PyObject *d = PyDict_New();
	if (!d)
		return NULL;
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
		PyObject *key = PyUnicode_DecodeLatin1(k, (Py_ssize_t)kn, NULL);
		PyObject *val = PyUnicode_DecodeLatin1((const char *)p, (Py_ssize_t)vn, NULL);
		p += vn;
		int r = key && val ? PyDict_SetItem(d, key, val) : -1;
		Py_XDECREF(key);
		Py_XDECREF(val);
		if (r < 0) {
			Py_DECREF(d);
			return NULL;
		}
	}
	PyObject *input = req_new(InputType, w);
	PyObject *errors = req_new(ErrorsType, w);
	int r = !input || !errors || PyDict_SetItemString(d, "wsgi.input", input) < 0 ||
		PyDict_SetItemString(d, "wsgi.errors", errors) < 0 ||
		PyDict_SetItemString(d, "wsgi.version", wsgi_version) < 0 ||
		PyDict_SetItemString(d, "wsgi.multithread", w->multithread ? Py_True : Py_False) < 0 ||
		PyDict_SetItemString(d, "wsgi.multiprocess", w->multiprocess ? Py_True : Py_False) < 0 ||
		PyDict_SetItemString(d, "wsgi.run_once", Py_False) < 0 ||
		PyDict_SetItemString(d, "wsgi.input_terminated", Py_True) < 0 ||
		PyDict_SetItemString(d, "wsgi.file_wrapper", (PyObject *)FileWrapperType) < 0;
	Py_XDECREF(input);
	Py_XDECREF(errors);
	if (r) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

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
	w->tstate = PyEval_SaveThread();
	return w;
}

void bundle_worker_free(bworker *w) {
	PyEval_RestoreThread(w->tstate);
	PyGILState_Release(w->gstate);
	bbuf_free(&w->head);
	bbuf_free(&w->body);
	bbuf_free(&w->errs);
	free(w->inbuf);
	free(w);
}

static void call_close(bworker *w, PyObject *result) {
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
	report_exception(w, "exception in the response's close():\n");
	// The response itself may have been fine; only a response not yet
	// started becomes a 500.
	if (w->head_sent || w->head_set)
		w->failed = failed;
}

void bundle_worker_call(bworker *w, const char *env, size_t envlen, const char *pre, size_t prelen, int eof) {
	PyEval_RestoreThread(w->tstate);
	w->gen++;
	w->active = 1;
	w->head.len = w->body.len = 0;
	w->head_set = w->head_sent = w->failed = w->client_gone = 0;
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
	sr = req_new(StartResponseType, w);
	if (!sr)
		goto error;
	result = PyObject_CallFunctionObjArgs(bundle_app, environ, sr, NULL);
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
			if (bbuf_append(&w->body, p, (size_t)n) < 0) {
				Py_DECREF(item);
				PyErr_NoMemory();
				goto error;
			}
			w->body_total += n;
		}
		Py_DECREF(item);
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
	report_exception(w, "exception in the app:\n");
done:
	if (result)
		call_close(w, result);
	Py_XDECREF(iter);
	Py_XDECREF(result);
	Py_XDECREF(sr);
	Py_XDECREF(environ);
	w->active = 0;
	w->in = NULL;
	w->inlen = 0;
	if (w->failed && w->sendfile_fd >= 0) {
		close(w->sendfile_fd);
		w->sendfile_fd = -1;
	}
	w->tstate = PyEval_SaveThread();
}

// ---- the module ----

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

	// The GIL is released before the workers start: they need it to make
	// their thread states (pitfall 2).
	char *err = NULL;
	PyThreadState *ts = PyEval_SaveThread();
	long long id = goServeStart((char *)cfg, (size_t)cfglen, (char *)bd, (size_t)bdlen, use_env);
	PyObject *pt = NULL, *pv = NULL, *ptb = NULL;
	int stopping = 0;
	if (id > 0) {
		for (;;) {
			if (goServeWait(id, 100))
				break;
			PyEval_RestoreThread(ts);
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
		PyObject *tb = PyImport_ImportModule("traceback");
		if (tb) {
			format_exception = PyObject_GetAttrString(tb, "format_exception");
			Py_DECREF(tb);
		}
		if (!InputType || !ErrorsType || !StartResponseType || !FileWrapperType || !wsgi_version ||
		    !format_exception) {
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
	if (PyModule_AddStringConstant(m, "FORK_MESSAGE", FORK_MSG) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
