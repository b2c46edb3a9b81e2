package spec

import (
	"fmt"
	"strings"
)

// Severity says how much a Diagnostic matters.
type Severity int

const (
	// SeverityError makes the bundle invalid.
	SeverityError Severity = iota
	// SeverityWarning is reported but leaves the bundle valid, unless the
	// caller is strict.
	SeverityWarning
	// SeverityInfo is a remark, such as a check that was skipped.
	SeverityInfo
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	default:
		return "info"
	}
}

// MarshalText makes severities appear as words in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one finding about one file. Line and Column are 1-based;
// zero means "not known" (a whole-file finding has Line 0). Column counts
// Unicode code points, not bytes, so an editor lands on the right character.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Column   int      `json:"column,omitempty"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
}

// String formats d as "file:line:col: CODE: message" (the position is
// shortened when unknown), without the hint.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Column > 0 {
			fmt.Fprintf(&b, ":%d", d.Column)
		}
	}
	sev := ""
	if d.Severity != SeverityError {
		sev = d.Severity.String() + ": "
	}
	fmt.Fprintf(&b, ": %s%s: %s", sev, d.Code, d.Message)
	return b.String()
}

// Diagnostics is a list of findings.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Count returns how many diagnostics have severity s.
func (ds Diagnostics) Count(s Severity) int {
	n := 0
	for _, d := range ds {
		if d.Severity == s {
			n++
		}
	}
	return n
}
