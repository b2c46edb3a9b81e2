"""python -m bundle_runtime path/to/bin/wsgiapp [--listen ADDR] [--threads N] ...

Loads bin/wsgiapp as SPEC.md 9.3 says (cwd = the bundle directory, which goes
first on sys.path; the file runs as module "wsgiapp") and serves its
``application``. The app is imported completely before anything listens.
"""

import importlib.machinery
import importlib.util
import os
import sys

from . import main


def load_application(path):
    """Load bin/wsgiapp at path as module "wsgiapp"; return (application, bundle_dir)."""
    path = os.path.abspath(path)
    bundle_dir = os.path.dirname(os.path.dirname(path))
    os.chdir(bundle_dir)
    sys.path.insert(0, bundle_dir)
    loader = importlib.machinery.SourceFileLoader("wsgiapp", path)
    spec = importlib.util.spec_from_loader("wsgiapp", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["wsgiapp"] = module
    loader.exec_module(module)
    app = getattr(module, "application", None)
    if app is None:
        raise SystemExit(f"{path}: defines no module-level `application`")
    return app, bundle_dir


def _main():
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.stderr.write("usage: python -m bundle_runtime path/to/bin/wsgiapp [--listen ADDR] [--threads N] ...\n")
        return 2
    app, bundle_dir = load_application(sys.argv[1])
    main(app, sys.argv[2:], bundle_dir=bundle_dir, prog="python -m bundle_runtime")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
