package resolve

import (
	"context"
	"fmt"

	"github.com/bundle-wsgi/bundle/internal/wheel"
	"github.com/bundle-wsgi/bundle/spec"
)

// Candidate is one version of a distribution that has at least one file
// the target can install.
type Candidate struct {
	Version spec.Version
	// Yanked is true when every installable file of the version is
	// yanked (PEP 592): it is then only chosen by a requirement that pins
	// it with == or ===.
	Yanked bool
}

// Provider answers the resolver's questions about distributions. The
// resolver calls it from one goroutine; a Provider may work in the
// background (see Prefetcher).
type Provider interface {
	// Candidates returns the installable versions of the distribution
	// (a normalized name), in any order, already filtered by the target's
	// tags and Requires-Python where the source says it. A distribution
	// that does not exist, or has no installable file, gives an error
	// wrapping an *UnavailableError; other errors stop the resolution.
	Candidates(ctx context.Context, name string) ([]Candidate, error)
	// Metadata returns the core metadata of name==version. An
	// *UnavailableError rules out that version only.
	Metadata(ctx context.Context, name string, version spec.Version) (*wheel.Metadata, error)
}

// Prefetcher is implemented by providers that can fetch ahead. The
// resolver calls Prefetch with the names a chosen version depends on,
// before it asks for their candidates one by one.
type Prefetcher interface {
	Prefetch(names []string)
}

// UnavailableError says why a distribution (or one version of it) cannot
// be used. It wraps ErrNotFound, ErrNoWheels or another cause.
type UnavailableError struct {
	Name string // normalized name
	// Reason completes "NAME: ...", lower-case, such as "no distribution
	// named flaks on ./wheels (did you mean flask?)".
	Reason string
	Err    error
}

func (e *UnavailableError) Error() string { return e.Reason }
func (e *UnavailableError) Unwrap() error { return e.Err }

// Unavailable returns an *UnavailableError.
func Unavailable(name string, err error, format string, args ...any) error {
	return &UnavailableError{Name: name, Reason: fmt.Sprintf(format, args...), Err: err}
}
