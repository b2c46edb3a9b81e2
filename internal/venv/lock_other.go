//go:build !unix

package venv

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"time"
)

// Lock takes an exclusive lock on the file at path by creating it
// exclusively, waiting while it exists until ctx is done (on systems
// without flock; a crashed holder leaves the file behind, to be removed
// by hand).
func Lock(ctx context.Context, path string, waiting func(holder string)) (unlock func(), err error) {
	told := false
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if !told && waiting != nil {
			data, _ := os.ReadFile(path)
			waiting(string(data))
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
