"""The test app of runtime/e2e: one WSGI app with a route per behaviour.

Run as: python app.py [serve() keyword arguments as JSON]
Every route but /file is wrapped in wsgiref.validate.validator.
"""
import json
import os
import sys
import time
from wsgiref.validate import validator

import bundle_runtime

CLOSE_DIR = os.environ.get("CLOSE_DIR", "")


class Tracked:
    """An iterable that records its close() in CLOSE_DIR/<name>."""

    def __init__(self, name, parts, delay=0.0):
        self.name, self.parts, self.delay = name, parts, delay

    def __iter__(self):
        for p in self.parts:
            if self.delay:
                time.sleep(self.delay)
            yield p

    def close(self):
        if CLOSE_DIR:
            with open(os.path.join(CLOSE_DIR, self.name), "w") as f:
                f.write("closed")


def read_body(environ):
    inp = environ["wsgi.input"]
    n = environ.get("CONTENT_LENGTH")
    if n:
        return inp.read(int(n))
    return b"".join(iter(inp.readline, b""))


def app(environ, start_response):
    path = environ["PATH_INFO"]
    q = environ.get("QUERY_STRING", "")
    if path == "/echo" or path.startswith("/u/"):
        body = read_body(environ)
        env = {k: v for k, v in environ.items() if isinstance(v, str)}
        env["body_len"] = len(body)
        env["body_head"] = body[:64].decode("latin-1")
        env["path_utf8"] = path.encode("latin-1").decode("utf-8", "replace")
        env["multithread"] = environ["wsgi.multithread"]
        out = json.dumps(env).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(out)))])
        return [out]
    if path == "/lines":
        inp = environ["wsgi.input"]
        first = inp.readline()
        rest = inp.readlines()
        out = json.dumps({"first": first.decode(), "rest": [r.decode() for r in rest]}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [out]
    if path == "/stream":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Tracked("stream", [b"a" * 10, b"b" * 10, b"c" * 10])
    if path == "/write":
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written;")
        return [b"returned"]
    if path == "/large":
        n = int(q or "5000000")
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return Tracked("large", [b"x" * (n // 2), b"y" * (n - n // 2)])
    if path == "/error":
        raise ValueError("deliberate failure in /error")
    if path == "/error-after":
        start_response("200 OK", [("Content-Type", "text/plain")])

        def gen():
            yield b"some data"
            raise ValueError("deliberate failure after data")
        return gen()
    if path == "/exc-info":
        try:
            raise KeyError("handled")
        except KeyError:
            start_response("200 OK", [("Content-Type", "text/plain")])
            start_response("500 Oops", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"custom error page"]
    if path == "/slow":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Tracked("slow", [b"z" * 65536] * 200, delay=0.02)
    if path == "/sleep":
        time.sleep(float(q or "1"))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"slept"]
    if path == "/spin":
        # CPU-bound for q seconds: the thread keeps the GIL but for the
        # switch interval.
        end = time.monotonic() + float(q or "1")
        try:
            while time.monotonic() < end:
                pass
        finally:
            print("spin finally ran", file=sys.stderr, flush=True)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"spun"]
    if path == "/errors":
        environ["wsgi.errors"].write("note for the error log\n")
        environ["wsgi.errors"].flush()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    if path == "/stats":
        out = json.dumps(bundle_runtime.stats()).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [out]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


checked = validator(app)


def file_app(environ, start_response):
    f = open(__file__, "rb")
    size = os.fstat(f.fileno()).st_size
    start_response("200 OK", [("Content-Type", "text/x-python"), ("Content-Length", str(size))])
    return environ["wsgi.file_wrapper"](f, 4096)


def application(environ, start_response):
    if environ["PATH_INFO"] == "/file":
        return file_app(environ, start_response)
    return checked(environ, start_response)


if __name__ == "__main__":
    kwargs = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    bundle_runtime.serve(application, **kwargs)
    sys.stderr.write("serve returned\n")
