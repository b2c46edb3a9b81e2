// Package index finds the distribution files bundle pin chooses from:
// PEP 503 (HTML) and PEP 691 (JSON) simple indexes, chosen by content
// negotiation, and find-links directories or pages; their core metadata
// from PEP 658/714 .metadata files, or from the wheel itself, reading
// only the zip's central directory and the METADATA member with HTTP range
// requests when the server allows them. Files yanked under PEP 592 and
// files whose Requires-Python excludes the target are honoured.
//
// Index priority protects against dependency confusion: for each project,
// the indexes are asked in order (--index-url, then each
// --extra-index-url) and the first one that has the project supplies all
// of its files; later indexes are not consulted for that name. Find-links
// locations are always added (they are the user's own files).
//
// A project that no source has gets a suggestion ("did you mean
// requests?"): the closest name among the find-links files and, on such a
// miss only, the project lists of the indexes (their root pages, HTML or
// JSON), read as a stream, capped in size and time, and skipped when they
// cannot be had.
//
// Index pages, project lists and metadata are cached under the user cache
// directory (see Cache), honouring ETag, Last-Modified and Cache-Control.
//
// Credentials come from the URL (https://user:pass@host/...) or from
// ~/.netrc (or $NETRC).
package index

import "errors"

// Errors returned by this package; test with errors.Is.
var (
	// ErrOffline: --offline is set and the cache does not hold the page.
	ErrOffline = errors.New("not in the cache (offline)")
	// ErrHTTP: a server answered with an error status.
	ErrHTTP = errors.New("http error")
	// ErrHashMismatch: a downloaded file does not have the hash the index
	// announced.
	ErrHashMismatch = errors.New("hash mismatch")
	// ErrBadPage: an index page or find-links page cannot be parsed.
	ErrBadPage = errors.New("invalid index page")
)
