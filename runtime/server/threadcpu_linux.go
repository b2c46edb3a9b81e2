package server

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// threadStat tells whether a thread is blocked (sleeping in the kernel:
// on I/O, a lock, a timer) or runnable (on a CPU or waiting for one).
type threadStat struct{ f *os.File }

// newThreadStat is for the calling thread (the caller is locked to it);
// nil when the kernel does not tell.
func newThreadStat() *threadStat {
	f, err := os.Open("/proc/self/task/" + strconv.Itoa(syscall.Gettid()) + "/stat")
	if err != nil {
		return nil
	}
	t := &threadStat{f: f}
	if _, ok := t.blocked(); !ok {
		f.Close()
		return nil
	}
	return t
}

// blocked reads the thread's state, the field after the command name in
// /proc's stat: R is runnable, anything else (S, D, ...) is not.
func (t *threadStat) blocked() (blocked, ok bool) {
	var b [128]byte
	n, _ := t.f.ReadAt(b[:], 0)
	i := bytes.LastIndexByte(b[:n], ')')
	if i < 0 || i+2 >= n {
		return false, false
	}
	return b[i+2] != 'R', true
}

func (t *threadStat) close() { t.f.Close() }
