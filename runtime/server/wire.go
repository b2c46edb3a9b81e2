package server

import "encoding/binary"

// The packed form in which the environ goes to the bridge and the response
// head comes back: a sequence of fields, each a 4-byte little-endian length
// followed by that many bytes. An environ is key, value, key, value...; a
// head is the status line ("200 OK") followed by name, value pairs. Packing
// lets one cgo call carry a whole request with no Go pointers inside C
// structures.

// AppendField appends one packed field to b.
func AppendField(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// AppendPair appends a key and a value.
func AppendPair(b []byte, k, v string) []byte {
	return AppendField(AppendField(b, k), v)
}

// NextField splits the first field off b. ok is false at the end of b or
// when b is truncated.
func NextField(b []byte) (field, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(len(b)-4) < uint64(n) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}

// UnpackPairs decodes packed key/value pairs (for tests and fake apps).
func UnpackPairs(b []byte) [][2]string {
	var out [][2]string
	for len(b) > 0 {
		k, rest, ok := NextField(b)
		if !ok {
			break
		}
		v, rest2, ok := NextField(rest)
		if !ok {
			break
		}
		out = append(out, [2]string{string(k), string(v)})
		b = rest2
	}
	return out
}
