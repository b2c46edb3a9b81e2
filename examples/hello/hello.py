"""A WSGI app that needs nothing but the standard library."""

import json


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/health":
        body = json.dumps({"status": "ok"}).encode()
        ctype = "application/json"
    else:
        body = b"Hello, world!\n"
        ctype = "text/plain; charset=utf-8"
    start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))])
    return [body]
