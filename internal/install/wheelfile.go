package install

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bundle-wsgi/bundle/internal/wheel"
)

// WheelFile is the parsed .dist-info/WHEEL file of a wheel (PEP 427).
type WheelFile struct {
	// Version is Wheel-Version: major and minor.
	Version [2]int
	// Generator is the tool that built the wheel ("" when absent).
	Generator string
	// RootIsPurelib is Root-Is-Purelib: true installs the wheel's root
	// into purelib, false into platlib.
	RootIsPurelib bool
	// Tags are the Tag values, expanded.
	Tags []wheel.Tag
	// Build is the Build value ("" when absent).
	Build string
}

// ErrBadWheelFile: the WHEEL file is malformed or of an unsupported
// version.
var ErrBadWheelFile = errors.New("invalid WHEEL file")

// ParseWheelFile reads a WHEEL file: RFC 822 style headers (read as
// wheel.ParseHeaders does). Wheel-Version is required, of the form
// MAJOR.MINOR; a major version other than 1 is refused, as PEP 427
// requires. Root-Is-Purelib is true only when it says "true" (in any
// case), as for pip. Tags that do not parse are an error.
func ParseWheelFile(data []byte) (*WheelFile, error) {
	w := &WheelFile{}
	seenVersion := false
	for _, h := range wheel.ParseHeaders(data) {
		switch strings.ToLower(h.Key) {
		case "wheel-version":
			maj, min, ok := strings.Cut(strings.TrimSpace(h.Value), ".")
			a, err1 := strconv.Atoi(maj)
			b, err2 := strconv.Atoi(min)
			if !ok || err1 != nil || err2 != nil || a < 0 || b < 0 {
				return nil, fmt.Errorf("%w: Wheel-Version %q is not MAJOR.MINOR", ErrBadWheelFile, h.Value)
			}
			w.Version = [2]int{a, b}
			seenVersion = true
		case "generator":
			w.Generator = h.Value
		case "root-is-purelib":
			w.RootIsPurelib = strings.EqualFold(strings.TrimSpace(h.Value), "true")
		case "tag":
			tags, err := wheel.ParseTagSet(strings.TrimSpace(h.Value))
			if err != nil {
				return nil, fmt.Errorf("%w: Tag %q: %v", ErrBadWheelFile, h.Value, err)
			}
			w.Tags = append(w.Tags, tags...)
		case "build":
			w.Build = h.Value
		}
	}
	if !seenVersion {
		return nil, fmt.Errorf("%w: no Wheel-Version", ErrBadWheelFile)
	}
	if w.Version[0] != 1 {
		return nil, fmt.Errorf("%w: Wheel-Version %d.%d is not supported (only 1.x)", ErrBadWheelFile, w.Version[0], w.Version[1])
	}
	return w, nil
}
