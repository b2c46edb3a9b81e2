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

// Prefetcher is implemented by providers that can fetch ahead, in the
// background. Its methods return at once; they are hints, and the
// resolver asks for what it needs through Provider as usual.
//
// The resolver asks for metadata one version at a time, so on a cold
// cache every guess that is right takes a round trip off its critical
// path; every wrong one costs a request.
type Prefetcher interface {
	// Prefetch is called with the distributions a chosen version
	// depends on that the resolver has not seen yet, before it asks for
	// their candidates one by one. A provider may also fetch the metadata
	// of the version each Want would choose (see Want.Choose).
	Prefetch(wants []Want)
	// PrefetchMetadata is called with a version the resolver would
	// choose next for a distribution whose candidates it already has.
	PrefetchMetadata(name string, version spec.Version)
}

// Want is a distribution the resolver is about to ask for, with the
// first requirement on it.
type Want struct {
	// Name is the normalized name.
	Name string
	// Specifier is the requirement's version specifier.
	Specifier spec.SpecifierSet
	// Prefer is the version to keep when allowed (see Options.Prefer);
	// nil for none.
	Prefer *spec.Version
}

// Choose returns the version the resolver would decide first among
// cands when the requirement is the only one on the distribution: the
// preferred version when allowed, else the highest final release the
// specifier allows (a yanked one only when the specifier pins it), else
// the highest pre-release it allows. ok is false when none is allowed.
func (w Want) Choose(cands []Candidate) (v spec.Version, ok bool) {
	exact := false
	for _, c := range w.Specifier {
		if c.IsExact() {
			exact = true
		}
	}
	for _, pre := range []bool{false, true} {
		for _, c := range cands {
			if c.Yanked && !exact || !w.Specifier.Contains(c.Version, pre) {
				continue
			}
			if w.Prefer != nil && c.Version.Equal(*w.Prefer) {
				return c.Version, true
			}
			if !ok || c.Version.Compare(v) > 0 {
				v, ok = c.Version, true
			}
		}
		if ok {
			return v, true
		}
	}
	return v, false
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
