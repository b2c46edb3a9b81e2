package spec

import (
	"unicode"
	"unicode/utf8"
)

// Small text helpers shared by the PEP 440/508 code, emulating Python's
// str methods where they differ from Go's.

func pepDecodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

func pepDecodeLastRune(s string) (rune, int) { return utf8.DecodeLastRuneInString(s) }

// pepIsUnicodeDigit matches \d in a Python str regular expression (category Nd).
func pepIsUnicodeDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}

// pepPyLower approximates Python's str.lower(): ASCII fast path, simple case
// mapping otherwise, plus the one unconditional multi-rune mapping
// (U+0130 to "i" + U+0307). Python's context-dependent final sigma rule is
// not applied.
func pepPyLower(s string) string {
	ascii := true
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if ascii {
		if !upper {
			return s
		}
		b := []byte(s)
		for i, c := range b {
			b[i] = pepLowerASCII(c)
		}
		return string(b)
	}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == 0x130 {
			out = append(out, 'i', 0x307)
			continue
		}
		out = append(out, unicode.ToLower(r))
	}
	return string(out)
}
