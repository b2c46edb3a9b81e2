package install

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// RecordEntry is one row of a RECORD file (PEP 376, PEP 427): a path
// relative to the directory holding the .dist-info directory,
// slash-separated, its hash and its size.
type RecordEntry struct {
	// Path is the file's path as written: relative to the site-packages
	// directory, "/"-separated; files outside it (scripts, headers) start
	// with "../".
	Path string
	// Algo and Digest are the hash ("sha256" and the urlsafe base64
	// digest without padding); both "" when the row has no hash (RECORD
	// itself, signatures).
	Algo, Digest string
	// Size is the file's size in bytes, -1 when the row gives none.
	Size int64
}

// ErrBadRecord: a RECORD file or one of its rows is malformed.
var ErrBadRecord = errors.New("invalid RECORD")

// ParseRecord reads a RECORD file: CSV rows path,hash,size as Python's
// csv module writes them (quoted when needed). Empty rows are skipped. A
// row with an empty path, a hash that is not ALGO=DIGEST (urlsafe base64)
// or a size that is not a non-negative integer is an error wrapping
// ErrBadRecord that names the row. Extra columns are ignored, as pip
// ignores them.
func ParseRecord(data []byte) ([]RecordEntry, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out []RecordEntry
	for {
		row, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadRecord, err)
		}
		if len(row) == 0 || len(row) == 1 && row[0] == "" {
			continue
		}
		e := RecordEntry{Path: row[0], Size: -1}
		if e.Path == "" {
			return nil, fmt.Errorf("%w: line %d: empty path", ErrBadRecord, line)
		}
		if strings.ContainsAny(e.Path, "\x00\r\n") {
			return nil, fmt.Errorf("%w: line %d: NUL or line break in path", ErrBadRecord, line)
		}
		if len(row) > 1 && row[1] != "" {
			algo, digest, ok := strings.Cut(row[1], "=")
			digest = strings.TrimRight(digest, "=")
			if !ok || algo == "" || digest == "" || !validAlgo(algo) {
				return nil, fmt.Errorf("%w: line %d: hash %q is not ALGORITHM=DIGEST", ErrBadRecord, line, row[1])
			}
			if _, err := base64.RawURLEncoding.DecodeString(digest); err != nil {
				return nil, fmt.Errorf("%w: line %d: hash %q is not urlsafe base64", ErrBadRecord, line, row[1])
			}
			e.Algo, e.Digest = algo, digest
		}
		if len(row) > 2 && row[2] != "" {
			n, err := strconv.ParseInt(row[2], 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%w: line %d: size %q is not a number of bytes", ErrBadRecord, line, row[2])
			}
			e.Size = n
		}
		out = append(out, e)
	}
}

func validAlgo(a string) bool {
	for _, c := range a {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// FormatRecord writes RECORD rows sorted by path, in the form pip
// writes: "path,sha256=DIGEST,SIZE", a field quoted only when it holds a
// comma, a quote or a line break (Python's csv.QUOTE_MINIMAL), "\n" line
// ends.
func FormatRecord(entries []RecordEntry) []byte {
	sorted := append([]RecordEntry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	var b bytes.Buffer
	for _, e := range sorted {
		b.WriteString(csvField(e.Path))
		b.WriteByte(',')
		if e.Algo != "" {
			b.WriteString(csvField(e.Algo + "=" + e.Digest))
		}
		b.WriteByte(',')
		if e.Size >= 0 {
			b.WriteString(strconv.FormatInt(e.Size, 10))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// RecordHash returns the RECORD form of data's sha256: the urlsafe base64
// digest without padding.
func RecordHash(data []byte) string {
	h := sha256.Sum256(data)
	return base64.RawURLEncoding.EncodeToString(h[:])
}
