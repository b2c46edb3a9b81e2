"""Hello-world WSGI app for bench/serve: the cheapest possible app, so the server's own cost shows."""

import json
import sys

BODY = b"Hello, world!\n"
HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/_info":
        # What served this request; bench/serve reads it once per server, outside the measured run.
        body = json.dumps({
            "python": sys.version.split()[0],
            "executable": sys.executable,
            "server_software": environ.get("SERVER_SOFTWARE", ""),
            "multithread": bool(environ.get("wsgi.multithread")),
        }).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    start_response("200 OK", list(HEADERS))
    return [BODY]
