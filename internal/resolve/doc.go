// Package resolve chooses one version of every Python distribution an app
// needs: a PubGrub resolver (Natalie Weizenbaum's algorithm, as described
// in the Dart pub documentation "solver.md") over PEP 440 versions, with
// PEP 508 extras and markers, PEP 440 pre-release rules, yanked releases
// (PEP 592) and preferences for versions already pinned. When there is no
// solution, the error explains why as a chain of facts.
//
// Written in-house: the only Go PubGrub module available
// (github.com/contriboss/pubgrub-go) failed on solvable universes (see
// issue 4), and none knows PEP 440/508.
//
// Version sets are kept as bit sets over the candidate versions the
// Provider lists for a distribution, not as ranges: every PEP 440
// specifier (with wildcards, local versions and the pre-release rule)
// becomes an exact set by testing each candidate once, and the set algebra
// PubGrub needs (intersection, union, complement) is exact and cheap.
//
// Extras are virtual packages: "name[extra]"==V depends on name==V and on
// the Requires-Dist entries of V whose marker needs that extra.
package resolve

import "errors"

// Errors returned by this package; test with errors.Is.
var (
	// ErrNoSolution: the requirements cannot all be satisfied. The error
	// is a *NoSolutionError whose message explains why.
	ErrNoSolution = errors.New("no versions satisfy the requirements")
	// ErrNotFound: a Provider has no distribution of that name. Providers
	// wrap it in an *UnavailableError saying where they looked.
	ErrNotFound = errors.New("no such distribution")
	// ErrNoWheels: a Provider has files of a distribution but no wheel the
	// target can install (only sdists, or only other platforms).
	ErrNoWheels = errors.New("no compatible wheels")
)
