//go:build !cgo

package cpython

// Available reports whether this build has the bridge (it needs cgo).
const Available = false

// Check returns ErrNoCgo: without cgo there is no bridge to Python.
func Check() error { return ErrNoCgo }
