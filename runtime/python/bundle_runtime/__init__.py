"""bundle_runtime: Go's net/http serving a WSGI application inside this process.

The web server is something the app imports: ``serve(application)`` blocks and
serves until SIGTERM or SIGINT, then lets the requests in flight finish (within
the graceful timeout) and returns.

Settings come, later ones winning, from: the defaults; the ``[run]`` table of
the bundle's ``bundle.toml`` (``main`` finds the bundle from ``bin/wsgiapp``);
the environment (``BUNDLE_LISTEN``, ``BUNDLE_THREADS``, ... and ``PORT`` when
``BUNDLE_LISTEN`` is unset, then systemd's ``LISTEN_FDS``); and the keyword
arguments of ``serve`` or the command-line options of ``main``.

Requires CPython 3.10 or later (one abi3 extension for every version).
"""

import argparse
import json
import os
import signal
import sys
import threading

from . import _bundle_runtime

__all__ = ["serve", "main", "stop", "stats", "Terminated", "GraceExpired", "FileWrapper", "__version__"]

__version__ = "0.1.0"

FileWrapper = _bundle_runtime.FileWrapper

#: Raised inside a request that is still running when a stop's graceful
#: timeout is over (or at a forced stop: a second SIGINT/SIGTERM), so that its
#: ``finally`` blocks run and the client gets a 500. A BaseException: the app's
#: ``except Exception`` does not swallow it.
GraceExpired = _bundle_runtime.GraceExpired

_forked = False


def _after_fork_in_child():
    global _forked
    _forked = True


os.register_at_fork(after_in_child=_after_fork_in_child)


class Terminated(Exception):
    """Raised by the SIGTERM handler that serve() installs; serve() catches it."""


# serve()'s keyword arguments and how they go to the server's JSON config.
_SETTINGS = {
    "listen": "listen",
    "threads": "threads",
    "queue_size": "queue_size",
    "max_body_bytes": "max_body_bytes",
    "prefetch_bytes": "prefetch_bytes",
    "max_header_bytes": "max_header_bytes",
    "graceful_timeout": "graceful_timeout",
    "read_header_timeout": "read_header_timeout",
    "read_timeout": "read_timeout",
    "write_timeout": "write_timeout",
    "idle_timeout": "idle_timeout",
    "retry_after": "retry_after",
    "access_log": "access_log",
    "access_log_format": "access_log_format",
    "trusted_proxies": "trusted_proxies",
    "tls_cert": "tls_cert",
    "tls_key": "tls_key",
    "h2c": "h2c",
}


def _on_sigterm(signum, frame):
    raise Terminated()


def serve(application, *, listen=None, threads=None, queue_size=None, max_body_bytes=None,
          prefetch_bytes=None, max_header_bytes=None, graceful_timeout=None, read_header_timeout=None,
          read_timeout=None, write_timeout=None, idle_timeout=None, retry_after=None, access_log=None,
          access_log_format=None, trusted_proxies=None, tls_cert=None, tls_key=None, h2c=None,
          bundle_dir=None, use_env=True):
    """Serve the WSGI ``application`` in this process until stopped.

    ``listen`` is an address or a list of them: ``"HOST:PORT"``, ``"[::1]:PORT"``,
    ``":PORT"``, ``"unix:/path"`` or ``"fd:N"``. Timeouts are seconds or Go
    duration strings (``"30s"``). ``bundle_dir``: read ``[run]`` of its
    ``bundle.toml`` first. ``use_env``: apply ``BUNDLE_*``/``PORT`` settings.
    Unset (None) arguments keep the lower layers' values.

    SIGINT and SIGTERM stop it gracefully; ``stop()`` from another thread too.
    Requests still running when ``graceful_timeout`` is over get
    ``GraceExpired`` raised in them; a second signal does that at once.
    Returns None after a stop; raises RuntimeError when it cannot start.
    """
    if _forked:
        raise RuntimeError(_bundle_runtime.FORK_MESSAGE)
    if not callable(application):
        raise TypeError("application must be a WSGI callable")
    args = dict(listen=listen, threads=threads, queue_size=queue_size, max_body_bytes=max_body_bytes,
                prefetch_bytes=prefetch_bytes, max_header_bytes=max_header_bytes,
                graceful_timeout=graceful_timeout, read_header_timeout=read_header_timeout,
                read_timeout=read_timeout, write_timeout=write_timeout, idle_timeout=idle_timeout,
                retry_after=retry_after, access_log=access_log, access_log_format=access_log_format,
                trusted_proxies=trusted_proxies, tls_cert=tls_cert, tls_key=tls_key, h2c=h2c)
    cfg = {}
    for name, value in args.items():
        if value is None:
            continue
        if name in ("listen", "trusted_proxies") and isinstance(value, str):
            value = [value]
        cfg[_SETTINGS[name]] = value
    if bundle_dir is not None:
        bundle_dir = os.path.abspath(bundle_dir)
        if not os.path.isfile(os.path.join(bundle_dir, "bundle.toml")):
            bundle_dir = None

    # SIGTERM stops gracefully, unless the app installed its own handler.
    restore = None
    if threading.current_thread() is threading.main_thread():
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            restore = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        _bundle_runtime.serve(application, json.dumps(cfg).encode(), bundle_dir, bool(use_env))
    except (KeyboardInterrupt, Terminated):
        pass
    finally:
        if restore is not None:
            signal.signal(signal.SIGTERM, restore)


def stop(force=False):
    """Stop the server of this process: gracefully, or at once with force."""
    _bundle_runtime.stop(force)


def stats():
    """The server's counters (threads, busy, queued, queue_size, requests, rejected), or None."""
    return _bundle_runtime.stats()


def _parser(prog):
    p = argparse.ArgumentParser(prog=prog, description="Serve a WSGI application with bundle_runtime.")
    p.add_argument("--listen", action="append", metavar="ADDR",
                   help="HOST:PORT, unix:PATH or fd:N (repeatable; default from bundle.toml, "
                        "BUNDLE_LISTEN or PORT, else 127.0.0.1:8000)")
    p.add_argument("--threads", type=int, metavar="N", help="Python threads (default 4)")
    p.add_argument("--queue-size", type=int, metavar="N", help="requests waiting for a thread before 503 (default 128)")
    p.add_argument("--max-body-bytes", type=int, metavar="N", help="largest request body (default 10 MiB)")
    p.add_argument("--graceful-timeout", metavar="DURATION", help="time for requests in flight at stop (default 30s)")
    p.add_argument("--access-log", choices=["stdout", "stderr", "syslog", "off"])
    p.add_argument("--access-log-format", choices=["common", "combined", "json"])
    p.add_argument("--tls-cert", metavar="FILE")
    p.add_argument("--tls-key", metavar="FILE")
    p.add_argument("--h2c", action="store_true", default=None, help="allow HTTP/2 without TLS")
    return p


def _bundle_dir_of(path):
    """The bundle directory of a bin/wsgiapp path, or None."""
    if not path:
        return None
    d = os.path.dirname(os.path.dirname(os.path.realpath(path)))
    return d if os.path.isfile(os.path.join(d, "bundle.toml")) else None


def main(application, argv=None, *, bundle_dir=None, prog=None):
    """Serve ``application`` with settings from bundle.toml, the environment and argv.

    This is what the conventional ``__main__`` block of ``bin/wsgiapp`` calls.
    The bundle is the parent of the directory holding the running script.
    """
    if argv is None:
        argv = sys.argv[1:]
    if prog is None:
        prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "wsgiapp"
    opts = _parser(prog).parse_args(argv)
    if bundle_dir is None:
        bundle_dir = _bundle_dir_of(getattr(sys.modules.get("__main__"), "__file__", None))
    serve(application, listen=opts.listen, threads=opts.threads, queue_size=opts.queue_size,
          max_body_bytes=opts.max_body_bytes, graceful_timeout=opts.graceful_timeout,
          access_log=opts.access_log, access_log_format=opts.access_log_format,
          tls_cert=opts.tls_cert, tls_key=opts.tls_key, h2c=opts.h2c, bundle_dir=bundle_dir)
