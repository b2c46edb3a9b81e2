//go:build unix

package venv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Lock takes an exclusive lock on the file at path (creating it), waiting
// while another process holds it until ctx is done. waiting, when not
// nil, is called once if the lock is busy, with the holder's pid as it
// wrote it ("" when unknown). The lock is released by the returned
// function, or when the process exits (flock(2)), so a killed sync never
// leaves it stuck.
func Lock(ctx context.Context, path string, waiting func(holder string)) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if !told && waiting != nil {
			buf := make([]byte, 32)
			n, _ := f.ReadAt(buf, 0)
			waiting(strings.TrimSpace(string(buf[:n])))
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		f.Truncate(0)
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
