// Package e2e holds the runtime's end-to-end tests: they build the
// _bundle_runtime extension and its wheel, install it with Flask and
// Django (from ../shared/wheelhouse) into a venv, and serve real apps over
// real HTTP/1.1 and HTTP/2 connections. It has no code of its own.
package e2e
