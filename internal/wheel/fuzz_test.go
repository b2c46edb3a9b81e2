package wheel

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParseWheelFilename(f *testing.F) {
	for _, s := range []string{"flask-3.1.3-py3-none-any.whl", "six-1.17.0-py2.py3-none-any.whl",
		"pyyaml-6.0.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "foo-1.0-1abc-py3-none-any.whl",
		"a-b-c-d-e-f-g.whl", "--.whl", "x-1.0-py3-none-.whl"} {
		f.Add(s)
	}
	tgt := Target{Python: [3]int{3, 11, 7}, Platform: "manylinux_2_28_x86_64"}
	m := tgt.Matcher()
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseFilename(s)
		if err != nil {
			if !errors.Is(err, ErrBadFilename) {
				t.Fatalf("%q: error %v does not wrap ErrBadFilename", s, err)
			}
			return
		}
		if len(w.Tags) == 0 || w.Name == "" {
			t.Fatalf("%q: parsed to %+v", s, w)
		}
		for _, tg := range w.Tags {
			if tg.Interpreter == "" || tg.ABI == "" || tg.Platform == "" || strings.ToLower(tg.String()) != tg.String() {
				t.Fatalf("%q: bad tag %+v", s, tg)
			}
		}
		m.Rank(w)
		_, _ = ParseSdistFilename(s)
	})
}

func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte(flaskMetadata))
	f.Add([]byte("Name: x\nVersion: 1\n"))
	f.Add([]byte("Name: x\n  cont\nVersion: 1\nbody"))
	f.Add([]byte("\ufeffName:x\r\nVersion:1.0\r\nRequires-Dist: a[b]>=1; extra=='c'\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		hs := ParseHeaders(data)
		for _, h := range hs {
			if h.Key == "" || strings.ContainsAny(h.Key, ": \t\n") {
				t.Fatalf("bad key %q", h.Key)
			}
		}
		m, err := ParseMetadata(data)
		if err != nil {
			if !errors.Is(err, ErrBadMetadata) {
				t.Fatalf("error %v does not wrap ErrBadMetadata", err)
			}
			return
		}
		if m.Name == "" {
			t.Fatal("empty name accepted")
		}
	})
}
