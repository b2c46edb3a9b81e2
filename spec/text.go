package spec

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The shared reader for the bundle's text files: every parser in this
// package reads its input through readText, so the rules for encodings,
// byte order marks and line ends are the same for all of them.

// Text is a text file read by ReadText: valid UTF-8, without its byte order
// mark, split into lines.
type Text struct {
	// File is the name given to ReadText, copied into diagnostics.
	File string
	// Content is the whole file without a leading UTF-8 byte order mark.
	// Line ends are kept as they were (\n or \r\n).
	Content string
	// Lines are the lines of Content without their line ends. A final line
	// end does not start another (empty) line.
	Lines []Line
}

// Line is one line of a Text.
type Line struct {
	// Num is the 1-based line number.
	Num int
	// Text is the line without its "\n" or "\r\n" end. A "\r" that is not
	// followed by "\n" is kept as part of the line.
	Text string
}

// Blank reports whether the text holds only white space.
func (t *Text) Blank() bool {
	return strings.TrimFunc(t.Content, unicode.IsSpace) == ""
}

// ReadText reads all of r and checks that it is a usable text file. A file
// of zero bytes (or only a byte order mark) gives B003; a file that is not
// UTF-8 gives B004 at the line and column of the first bad byte; a read
// error gives B006. A UTF-8 byte order mark is dropped, and both "\n" and
// "\r\n" end a line. On any diagnostic the returned Text is nil.
func ReadText(r io.Reader, file string) (*Text, Diagnostics) {
	t, ds := readText(r, file, "write the file's content, or run `bundle init` to create a fresh one")
	return t, finish(ds)
}

// hintEmptyTxt is the B003 hint for the requirement-style .txt files.
const hintEmptyTxt = "if the app has none, write a comment line such as `# no dependencies`"

// readText is ReadText with the B003 hint chosen by the caller.
func readText(r io.Reader, file, emptyHint string) (*Text, Diagnostics) {
	if r == nil {
		return nil, Diagnostics{{File: file, Severity: SeverityError, Code: "B006",
			Message: "cannot read file: no reader", Hint: "check that the file exists and is readable"}}
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, Diagnostics{{File: file, Severity: SeverityError, Code: "B006",
			Message: fmt.Sprintf("cannot read file: %v", err),
			Hint:    "check that the file exists and is readable"}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(data) == 0 {
		return nil, Diagnostics{{File: file, Severity: SeverityError, Code: "B003",
			Message: "file is empty", Hint: emptyHint}}
	}
	if !utf8.Valid(data) {
		line, col, b := firstInvalidUTF8(data)
		return nil, Diagnostics{{File: file, Line: line, Column: col, Severity: SeverityError,
			Code: "B004", Message: fmt.Sprintf("file is not valid UTF-8 (byte 0x%02x)", b),
			Hint: "save the file as UTF-8"}}
	}
	content := string(data)
	return &Text{File: file, Content: content, Lines: splitLines(content)}, nil
}

// firstInvalidUTF8 returns the 1-based line and code-point column of the
// first byte of data that does not start a valid UTF-8 sequence, and that
// byte. It must only be called when data is not valid UTF-8.
func firstInvalidUTF8(data []byte) (line, col int, b byte) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, col, data[i]
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return line, col, 0
}

// splitLines splits s into lines ended by "\n" or "\r\n".
func splitLines(s string) []Line {
	parts := strings.Split(s, "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	lines := make([]Line, len(parts))
	for i, p := range parts {
		lines[i] = Line{Num: i + 1, Text: strings.TrimSuffix(p, "\r")}
	}
	return lines
}

// colAt returns the 1-based column, in code points, of byte offset off
// within line s. Offsets outside s are clamped to its ends.
func colAt(s string, off int) int {
	if off < 0 {
		off = 0
	}
	if off > len(s) {
		off = len(s)
	}
	return utf8.RuneCountInString(s[:off]) + 1
}

// isSpace reports whether c is white space for the line-based formats
// (pip's "\s").
func isSpace(c rune) bool { return unicode.IsSpace(c) }

// stripComment removes a "#" comment from line: "#" starts a comment at the
// start of the line or after white space. It returns the text before the
// comment and whether there was one.
func stripComment(line string) (string, bool) {
	for i, c := range line {
		if c != '#' {
			continue
		}
		if i == 0 {
			return "", true
		}
		prev, _ := utf8.DecodeLastRuneInString(line[:i])
		if isSpace(prev) {
			return line[:i], true
		}
	}
	return line, false
}

// finish prepares the diagnostics an exported parser returns: it orders
// them by line, then column, keeping the order of those at the same
// position (whole-file ones, line 0, come first), and makes every hint a
// sentence, with a capital first letter and a final period. (Hints are
// written in lower case in this package's source, like the messages; the
// PEP 440/508 parser's hints already are sentences.)
func finish(ds Diagnostics) Diagnostics {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].Line != ds[j].Line {
			return ds[i].Line < ds[j].Line
		}
		return ds[i].Column < ds[j].Column
	})
	for i := range ds {
		ds[i].Hint = sentence(ds[i].Hint)
	}
	return ds
}

// sentence capitalizes the first letter of s and ends it with a period.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	if unicode.IsLower(r) {
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}
