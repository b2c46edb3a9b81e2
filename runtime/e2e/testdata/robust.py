"""The second test app of runtime/e2e: apps that break the rules.

Not wrapped in wsgiref.validate (the point is what the server does with a
broken app: a 500 and a line in the error log, never a crash).

Run as: python robust.py [serve() keyword arguments as JSON]
   or:  python robust.py --lifecycle PORT   (see lifecycle)
"""
import gc
import json
import sys
import threading
import time
import urllib.request

import bundle_runtime

LIVE = {"probe": 0, "result": 0}
KEPT = {}


class Probe:
    """Put into every environ: counts environs not freed."""

    def __init__(self):
        LIVE["probe"] += 1

    def __del__(self):
        LIVE["probe"] -= 1


class Result:
    """A response iterable that counts its instances; close() may raise."""

    def __init__(self, parts, close_raises=False, delay=0.0):
        LIVE["result"] += 1
        self.parts, self.close_raises, self.delay = parts, close_raises, delay

    def __iter__(self):
        for p in self.parts:
            if self.delay:
                time.sleep(self.delay)
            yield p

    def close(self):
        if self.close_raises:
            raise ValueError("deliberate failure in close()")

    def __del__(self):
        LIVE["result"] -= 1


class NoneFile:
    """A file-like object whose read() returns None."""

    def read(self, n):
        return None


BAD_STATUS = {"bytes": b"200 OK", "int": 200, "noreason": "OK", "short": "20 OK", "crlf": "200 OK\r\nX: y",
              "low": "099 x", "nonlatin": "200 \u20ac", "info": "100 Continue"}
BAD_HEADERS = {"tuple": (("a", "b"),), "short": [("a",)], "bytesname": [(b"a", "b")], "intvalue": [("a", 1)],
               "space": [("a b", "c")], "crlf": [("a", "b\r\nc: d")], "none": None, "lists": [["a", "b"]],
               "badlength": [("Content-Length", "abc")], "twolengths": [("Content-Length", "3"), ("Content-Length", "4")],
               "nonlatin": [("a", "\u20ac")]}


def app(environ, start_response):
    environ["probe"] = Probe()
    p = environ["PATH_INFO"]
    q = environ.get("QUERY_STRING", "")
    if p == "/live":
        gc.collect()
        out = json.dumps(LIVE).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [out]
    if p == "/hello":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Result([b"hello"])
    if p == "/raise":
        raise ValueError("deliberate failure in /raise")
    if p == "/close-raises":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Result([b"x"], close_raises=True)
    if p == "/close-raises-slow":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Result([b"x" * 65536] * 200, close_raises=True, delay=0.01)
    if p == "/none":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return None
    if p == "/str":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["hello"]
    if p == "/sr-twice":
        start_response("200 OK", [("Content-Type", "text/plain")])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"x"]
    if p == "/status":
        start_response(BAD_STATUS[q], [])
        return [b"x"]
    if p == "/headers":
        start_response("200 OK", BAD_HEADERS[q])
        return [b"xyz"]
    if p == "/long":
        start_response("200 OK", [("Content-Length", "1")])
        return Result([b"abc", b"def"])
    if p == "/none-file":
        start_response("200 OK", [])
        return environ["wsgi.file_wrapper"](NoneFile())
    if p == "/read":
        inp = environ["wsgi.input"]
        out = []
        for step in q.split(","):
            arg = step[1:]
            if step[0] == "r":
                out.append(inp.read() if arg == "" else inp.read(int(arg)))
            elif step[0] == "l":
                out.append(inp.readline() if arg == "" else inp.readline(int(arg)))
            elif step[0] == "L":
                out.append(b"|".join(inp.readlines()))
        body = json.dumps([x.decode("latin-1") for x in out]).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    if p == "/write-threads":
        # write() and wsgi.errors from two threads at once.
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        errors = environ["wsgi.errors"]

        def run(c):
            for _ in range(200):
                write(c * 1000)
                errors.write("e")
        th = threading.Thread(target=run, args=(b"t",))
        th.start()
        run(b"m")
        th.join()
        return []
    if p == "/keep":
        KEPT["environ"] = environ
        start_response("200 OK", [])
        return [b"kept"]
    if p == "/keep-objects":
        # Objects of this request kept for the next one (the server reuses
        # request objects only when nobody else holds them).
        KEPT["write"] = start_response("200 OK", [])
        KEPT["start_response"] = start_response
        KEPT["input"] = environ["wsgi.input"]
        return [b"kept"]
    if p == "/use-kept":
        out = {}
        for name, use in (("write", lambda: KEPT["write"](b"x")),
                          ("start_response", lambda: KEPT["start_response"]("200 OK", [])),
                          ("input", lambda: KEPT["input"].read())):
            try:
                use()
                out[name] = "no error"
            except RuntimeError as e:
                out[name] = str(e)
        body = json.dumps(out).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    start_response("404 Not Found", [])
    return [b"not found"]


application = app


def lifecycle(port):
    """serve() in a thread, twice; a second serve() meanwhile is refused; the
    request objects an app kept are used after serve() returned."""
    out = {}
    for n in (1, 2):
        t = threading.Thread(target=bundle_runtime.serve, args=(app,),
                             kwargs=dict(listen="127.0.0.1:%d" % port, threads=2, access_log="off"))
        t.start()
        body = None
        for _ in range(200):
            try:
                body = urllib.request.urlopen("http://127.0.0.1:%d/keep" % port, timeout=10).read().decode()
                break
            except OSError:
                time.sleep(0.05)
        out["body%d" % n] = body
        try:
            bundle_runtime.serve(app, listen="127.0.0.1:0")
            out["second%d" % n] = "returned"
        except RuntimeError as e:
            out["second%d" % n] = str(e)
        bundle_runtime.stop()
        t.join(10)
        out["stopped%d" % n] = not t.is_alive()
        env = KEPT.pop("environ")
        try:
            env["wsgi.input"].read()
            out["read%d" % n] = "no error"
        except RuntimeError as e:
            out["read%d" % n] = str(e)
        env["wsgi.errors"].write("late line to stderr\n")
        del env
        gc.collect()
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--lifecycle"]:
        lifecycle(int(sys.argv[2]))
        sys.exit(0)
    kwargs = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    bundle_runtime.serve(app, **kwargs)
    sys.stderr.write("serve returned\n")
