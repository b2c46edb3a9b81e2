//go:build !linux

package server

// threadStat: no per-thread state here; dispatch goes by wall time alone.
type threadStat struct{}

func newThreadStat() *threadStat { return nil }

func (t *threadStat) blocked() (blocked, ok bool) { return false, false }

func (t *threadStat) close() {}
