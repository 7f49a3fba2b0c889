"""A small Flask app deployed by hybrid.web at the root of a PHP site (hybrid_site_wsgi_app: flaskapp:app).

url_for() and redirect() build URLs from SCRIPT_NAME, which main.py sets to the mount point. The static files are
served by Apache at /flask-static/ (hybrid_site_static_aliases), never by Flask.
"""

from __future__ import annotations

import sys
from pathlib import Path

import flask
from flask import Flask, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response

# Read once, at import: what a daemon process answers tells which release it runs (a deploy adds the file).
RELEASE_FILE = Path(__file__).with_name("release.txt")
RELEASE = RELEASE_FILE.read_text().strip() if RELEASE_FILE.exists() else "first"

app = Flask(__name__, static_url_path="/flask-static")


@app.route("/flask/hello")
def hello() -> str:
    return (
        f'<a id="self" href="{url_for("hello")}">hello</a> '
        f'<a id="style" href="{url_for("static", filename="style.css")}">style</a>'
    )


@app.route("/flask/go")
def go() -> Response:
    return redirect(url_for("hello"))


@app.route("/flask/python")
def python() -> Response:
    return jsonify(prefix=sys.prefix, framework=flask.__file__, script_name=request.script_root, release=RELEASE)
