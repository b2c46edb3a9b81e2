"""Load a bundle's bin/wsgiapp the way SPEC.md section 9.3 says, for servers that import a module:callable.

bench/serve runs gunicorn, uWSGI and waitress with `bundle_shim:application` on their Python path and
BENCH_BUNDLE set to the bundle directory, so every peer serves the very module our runtime serves.
"""
import importlib.machinery
import importlib.util
import os
import sys


def load_application(bundle_dir):
    bundle_dir = os.path.abspath(bundle_dir)
    os.chdir(bundle_dir)
    sys.path.insert(0, bundle_dir)
    path = os.path.join(bundle_dir, "bin", "wsgiapp")
    loader = importlib.machinery.SourceFileLoader("wsgiapp", path)
    spec = importlib.util.spec_from_loader("wsgiapp", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["wsgiapp"] = module
    loader.exec_module(module)
    return module.application


application = load_application(os.environ["BENCH_BUNDLE"])
