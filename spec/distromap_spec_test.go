package spec

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestSpecAppendixMatchesTable checks that SPEC.md's Appendix A lists exactly
// the built-in table of distromap.go. With -update it rewrites the appendix's
// table from the Go table.
func TestSpecAppendixMatchesTable(t *testing.T) {
	path := filepath.Join("..", "SPEC.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	const header = "| name | aliases | Debian 12 (bookworm) | Fedora / RHEL |\n|---|---|---|---|\n"
	start := strings.Index(doc, header)
	if start < 0 {
		t.Fatalf("SPEC.md has no Appendix A table starting with %q", header)
	}
	end := strings.Index(doc[start:], "\n\n")
	if end < 0 {
		t.Fatal("SPEC.md's Appendix A table is not followed by a blank line")
	}
	end += start + 1
	want := header + appendixRows()
	if got := doc[start:end]; got != want {
		if updateGoldenFiles() {
			doc = doc[:start] + want + doc[end:]
			if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("SPEC.md Appendix A differs from distromap.go; run go test ./spec -run TestSpecAppendixMatchesTable -update\n--- got:\n%s\n--- want:\n%s", got, want)
	}
}

func appendixRows() string {
	entries := append([]distroEntry(nil), distroEntries...)
	sort.Slice(entries, func(i, j int) bool { return entries[i].names[0] < entries[j].names[0] })
	code := func(ss []string) string {
		q := make([]string, len(ss))
		for i, s := range ss {
			q[i] = "`" + s + "`"
		}
		return strings.Join(q, ", ")
	}
	var b strings.Builder
	for _, e := range entries {
		b.WriteString("| `" + e.names[0] + "` | " + code(e.names[1:]) + " | " + code(e.deb) + " | " + code(e.rpm) + " |\n")
	}
	return b.String()
}
