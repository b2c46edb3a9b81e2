package index

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/bundle-wsgi/bundle/spec"
)

func FuzzParseHTML(f *testing.F) {
	f.Add(`<a href="foo-1.0-py3-none-any.whl#sha256=ab" data-requires-python="&gt;=3">x</a>`)
	f.Add(`<base href="http://x/"><A HREF=foo.tar.gz data-yanked>`)
	f.Add(`<!-- <a href="x"> --><a href='y.whl' data-core-metadata="sha256=00"`)
	f.Add(`<a href="%zz">`)
	base, _ := url.Parse("https://example.org/simple/foo/")
	f.Fuzz(func(t *testing.T, s string) {
		links, err := ParseHTML([]byte(s), base)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			if l.Filename == "" || strings.Contains(l.URL, "#") {
				t.Fatalf("bad link %+v", l)
			}
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add(`{"meta":{"api-version":"1.0"},"files":[{"filename":"a-1-py3-none-any.whl","url":"a","hashes":{"sha256":"AB"},"yanked":"x","core-metadata":{"sha256":"1"}}]}`)
	f.Add(`{"files":[{"url":"../b.tar.gz","yanked":true,"dist-info-metadata":true}]}`)
	f.Add(`[]`)
	base, _ := url.Parse("https://example.org/simple/foo/")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := ParseJSON([]byte(s), base); err != nil && !errors.Is(err, ErrBadPage) {
			t.Fatalf("error %v does not wrap ErrBadPage", err)
		}
	})
}

func FuzzParseNetrc(f *testing.F) {
	f.Add("machine a login b password c\ndefault login d password e")
	f.Add("macdef x\nmachine")
	f.Fuzz(func(t *testing.T, s string) {
		n := ParseNetrc(s)
		n.Lookup("a")
	})
}

// FuzzScanProjects: the streaming root-page scanners never fail on HTML,
// fail on JSON only with ErrBadPage, keep only valid normalized names,
// and stop at the cap.
func FuzzScanProjects(f *testing.F) {
	f.Add(`<a href="/simple/flask/">Flask</a><!-- <a>x</a> --><A title='>'>zope.interface</A>`, false)
	f.Add(`<a>amp&amp;<b>x</b></a><a>`, false)
	f.Add(`{"meta":{"api-version":"1.1"},"projects":[{"name":"Flask"},{"name":"a_b"}],"x":{}}`, true)
	f.Add(`{"projects":[{"name":1}]}`, true)
	f.Fuzz(func(t *testing.T, s string, js bool) {
		ct := "text/html"
		if js {
			ct = "application/vnd.pypi.simple.v1+json"
		}
		l := &nameList{max: 3}
		err := scanProjects(strings.NewReader(s), ct, l)
		if err != nil && (!js || !errors.Is(err, ErrBadPage)) {
			t.Fatalf("error %v", err)
		}
		if l.n > 3 {
			t.Fatalf("%d names kept, cap 3", l.n)
		}
		for _, n := range strings.Split(strings.TrimSuffix(string(l.buf), "\n"), "\n") {
			if l.n > 0 && (n == "" || spec.NormalizeName(n) != n || !spec.ValidName(n)) {
				t.Fatalf("bad name %q in %q", n, l.buf)
			}
		}
	})
}
