package bundle

import "errors"

// The errors of the bundle package, in one place. Each is wrapped with %w
// (often inside a *HintError, whose Hint says what to do), so callers test
// them with errors.Is.
var (
	// Of bundle init and Python discovery.

	// ErrNotDir: the bundle directory does not exist or is not a directory.
	ErrNotDir = errors.New("not a directory")
	// ErrNoApp: bundle init found no WSGI application and --app was not given.
	ErrNoApp = errors.New("no WSGI application found")
	// ErrAmbiguousApp: bundle init found several equally likely WSGI
	// applications and --app was not given.
	ErrAmbiguousApp = errors.New("several WSGI applications found")
	// ErrBadAppRef: an --app value is not module:attr or module:factory().
	ErrBadAppRef = errors.New("invalid --app")
	// ErrBadName: a --name value is not a valid app name.
	ErrBadName = errors.New("invalid app name")
	// ErrBadVersion: a --version value is not a semver MAJOR.MINOR.PATCH.
	ErrBadVersion = errors.New("invalid app version")
	// ErrNoPython: FindPython found no usable interpreter (see *NoPythonError).
	ErrNoPython = errors.New("no suitable python interpreter found")
	// ErrBadRequiresPython: a requires-python value is not a PEP 440
	// specifier set.
	ErrBadRequiresPython = errors.New("invalid requires-python")

	// Of bundle pin.

	// ErrNoDirectDeps: the bundle has no dependencies.in to pin.
	ErrNoDirectDeps = errors.New("no dependencies.in")
	// ErrInvalidInput: bundle.toml or dependencies.in has errors.
	ErrInvalidInput = errors.New("the bundle has errors")
	// ErrStale: --check found dependencies.txt out of date.
	ErrStale = errors.New("pins are not up to date")
	// ErrBadTarget: --python-version or --platform is invalid, or the
	// target Python does not satisfy requires-python.
	ErrBadTarget = errors.New("invalid target")

	// Of bundle sync.

	// ErrNotPinned: dependencies.txt has requirements without a single
	// pinned version or without a hash, and NoVerify is not set.
	ErrNotPinned = errors.New("dependencies.txt is not fully pinned with hashes")
	// ErrHashMismatch: a wheel's hash is not one dependencies.txt lists.
	ErrHashMismatch = errors.New("hash mismatch")
	// ErrNoWheel: no wheel of a pinned version was found.
	ErrNoWheel = errors.New("no wheel found")
	// ErrIncompatible: the wheels of a pinned version do not fit the
	// virtualenv's interpreter (tags or Requires-Python).
	ErrIncompatible = errors.New("no compatible wheel")
	// ErrNotVenv: the virtualenv directory exists but is something else.
	ErrNotVenv = errors.New("not a virtualenv")
)
