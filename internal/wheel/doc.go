// Package wheel knows the files bundle pin chooses between: PEP 427 wheel
// filenames, PEP 425 compatibility tags for a target interpreter and
// platform, and core metadata (the METADATA file of a wheel, or a PEP 658
// .metadata file served next to it).
//
// Written by hand: no maintained Go module parses wheel filenames, generates
// packaging's tag lists or reads core metadata. The rules follow
// packaging 21.3 (as vendored by pip 23.2): utils.parse_wheel_filename,
// tags.sys_tags and the email-header reading of METADATA.
package wheel

import "errors"

// Errors returned by this package; test with errors.Is.
var (
	// ErrBadFilename: a name is not a valid wheel (or sdist) filename.
	ErrBadFilename = errors.New("invalid distribution filename")
	// ErrBadPlatform: a --platform value is not a platform tag this package knows.
	ErrBadPlatform = errors.New("invalid platform")
	// ErrBadPythonVersion: a --python-version value is not X.Y or X.Y.Z.
	ErrBadPythonVersion = errors.New("invalid python version")
	// ErrBadMetadata: a core metadata file is malformed or misses a
	// required field.
	ErrBadMetadata = errors.New("invalid core metadata")
	// ErrNoMetadata: a wheel has no NAME-VERSION.dist-info/METADATA member.
	ErrNoMetadata = errors.New("wheel has no METADATA")
)
