"""Small Flask app for bench/serve: one route rendering a Jinja template, one returning JSON."""

import sys
from importlib.metadata import version

from flask import Flask, jsonify, render_template, request

app = Flask(__name__)


@app.get("/")
def index():
    # The benchmarked route: routing, a request arg, a (cached) template render.
    return render_template("index.html", name=request.args.get("name", "world"))


@app.get("/json")
def json_route():
    return jsonify(message="Hello, world!", ok=True)


@app.get("/_info")
def info():
    # What served this request; bench/serve reads it once per server, outside the measured run.
    return jsonify(
        python=sys.version.split()[0],
        executable=sys.executable,
        flask=version("flask"),
        werkzeug=version("werkzeug"),
        jinja2=version("jinja2"),
        flask_file=sys.modules["flask"].__file__,
        server_software=request.environ.get("SERVER_SOFTWARE", ""),
        multithread=bool(request.environ.get("wsgi.multithread")),
    )
