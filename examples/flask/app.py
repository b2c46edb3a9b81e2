"""A small Flask 3 app, served by bundle's runtime in production and on a laptop alike."""

from flask import Flask, jsonify, render_template, request

app = Flask(__name__)


@app.get("/")
def index():
    return render_template("index.html", name=request.args.get("name", "world"))


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/echo")
def echo():
    return jsonify(json=request.get_json(silent=True), length=request.content_length or 0)
