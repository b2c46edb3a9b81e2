//go:build !cgo

package cpython

import "github.com/bundle-wsgi/bundle/runtime/server"

// Available reports whether this build has the bridge (it needs cgo).
const Available = false

// NewApp returns ErrNoCgo: without cgo there is no Python to serve.
func NewApp() (server.App, error) { return nil, ErrNoCgo }
