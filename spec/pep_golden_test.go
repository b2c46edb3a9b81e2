package spec

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The golden cases are answers computed by packaging 21.3 (as vendored by
// pip 23.2). Every case must agree, except those listed in
// goldenDeviations with the reason.

// goldenDeviations lists golden cases we deliberately answer differently,
// keyed by kind and input ("kind\x00input"). It is empty: all cases agree.
var goldenDeviations = map[string]string{}

// pepGoldenPath finds pep440-508-cases.jsonl.gz: $BUNDLE_SHARED/testdata, or
// ../../shared/testdata from this package's directory.
func pepGoldenPath() string {
	dir := filepath.Join("..", "..", "shared")
	if d := os.Getenv("BUNDLE_SHARED"); d != "" {
		dir = d
	}
	return filepath.Join(dir, "testdata", "pep440-508-cases.jsonl.gz")
}

type pepGoldenCase struct {
	K      string            `json:"k"`
	V      string            `json:"v"`
	N      string            `json:"n"`
	A      string            `json:"a"`
	B      string            `json:"b"`
	C      int               `json:"c"`
	S      string            `json:"s"`
	In     bool              `json:"in"`
	InDef  bool              `json:"in_default"`
	R      string            `json:"r"`
	Name   json.RawMessage   `json:"name"` // a string; for "env" the environment's name
	Extras []string          `json:"extras"`
	Spec   string            `json:"spec"`
	Marker *string           `json:"marker"`
	URL    *string           `json:"url"`
	Env    json.RawMessage   `json:"env"` // env: an object; marker: the environment's name
	M      string            `json:"m"`
	Extra  string            `json:"extra"`
	Val    bool              `json:"val"`
	EnvMap map[string]string `json:"-"`
}

func TestPEPGolden(t *testing.T) {
	path := pepGoldenPath()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden PEP 440/508 cases not found: %v\n"+
			"They live in the shared data directory (../../shared/testdata from spec/); "+
			"set BUNDLE_SHARED=/path/to/shared if it is elsewhere.", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)

	total := map[string]int{}
	failed := map[string]int{}
	deviated := map[string]int{}
	seenDeviation := map[string]bool{}
	envs := map[string]Environment{}
	shown := 0
	line := 0
	for sc.Scan() {
		line++
		var c pepGoldenCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		total[c.K]++
		input, problem := checkPEPGoldenCase(&c, envs)
		if problem == "" {
			continue
		}
		key := c.K + "\x00" + input
		if reason, ok := goldenDeviations[key]; ok {
			seenDeviation[key] = true
			deviated[c.K]++
			t.Logf("known deviation, line %d (%s %q): %s; reason: %s", line, c.K, input, problem, reason)
			continue
		}
		failed[c.K]++
		if shown < 100 {
			shown++
			t.Errorf("line %d: %s %q: %s", line, c.K, input, problem)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if line == 0 {
		t.Fatalf("%s: no cases", path)
	}
	for key := range goldenDeviations {
		if !seenDeviation[key] {
			t.Errorf("goldenDeviations lists %q, which now agrees (or is gone): remove it", key)
		}
	}
	kinds := make([]string, 0, len(total))
	for k := range total {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var sb strings.Builder
	sum := 0
	for _, k := range kinds {
		fmt.Fprintf(&sb, " %s=%d", k, total[k])
		if failed[k] > 0 {
			fmt.Fprintf(&sb, "(%d failed)", failed[k])
		}
		if deviated[k] > 0 {
			fmt.Fprintf(&sb, "(%d known deviations)", deviated[k])
		}
		sum += total[k]
	}
	t.Logf("golden cases: %d total:%s", sum, sb.String())
}

// checkPEPGoldenCase returns the case's input and, when we disagree, what
// differs.
func checkPEPGoldenCase(c *pepGoldenCase, envs map[string]Environment) (input, problem string) {
	switch c.K {
	case "norm":
		v, err := ParseVersion(c.V)
		if err != nil {
			return c.V, "rejected: " + err.Error()
		}
		if got := v.String(); got != c.N {
			return c.V, fmt.Sprintf("normalized to %q, want %q", got, c.N)
		}
		return c.V, ""
	case "cmp":
		in := c.A + " vs " + c.B
		a, err := ParseVersion(c.A)
		if err != nil {
			return in, "rejected a: " + err.Error()
		}
		b, err := ParseVersion(c.B)
		if err != nil {
			return in, "rejected b: " + err.Error()
		}
		if got := a.Compare(b); got != c.C {
			return in, fmt.Sprintf("Compare = %d, want %d", got, c.C)
		}
		if got := b.Compare(a); got != -c.C {
			return in, fmt.Sprintf("reversed Compare = %d, want %d", got, -c.C)
		}
		return in, ""
	case "spec":
		in := c.S + " contains " + c.V
		set, err := ParseSpecifierSet(c.S)
		if err != nil {
			return in, "specifier rejected: " + err.Error()
		}
		v, err := ParseVersion(c.V)
		if err != nil {
			return in, "version rejected: " + err.Error()
		}
		var p []string
		if got := set.Contains(v, true); got != c.In {
			p = append(p, fmt.Sprintf("Contains(prereleases=true) = %v, want %v", got, c.In))
		}
		if got := set.Contains(v, false); got != c.InDef {
			p = append(p, fmt.Sprintf("Contains(prereleases=false) = %v, want %v", got, c.InDef))
		}
		return in, strings.Join(p, "; ")
	case "bad_spec":
		if set, err := ParseSpecifierSet(c.S); err == nil {
			return c.S, fmt.Sprintf("accepted as %q, want an error", set.String())
		}
		return c.S, ""
	case "bad_version":
		if v, err := ParseVersion(c.V); err == nil {
			return c.V, fmt.Sprintf("accepted as %q, want an error", v.String())
		}
		return c.V, ""
	case "req":
		r, err := ParseRequirement(c.R)
		if err != nil {
			return c.R, "rejected: " + err.Error()
		}
		var name string
		_ = json.Unmarshal(c.Name, &name)
		var p []string
		if got := NormalizeName(r.Name); got != name {
			p = append(p, fmt.Sprintf("name %q, want %q", got, name))
		}
		wantExtras := c.Extras
		if wantExtras == nil {
			wantExtras = []string{}
		}
		gotExtras := append([]string{}, r.Extras...)
		if !reflect.DeepEqual(gotExtras, wantExtras) {
			p = append(p, fmt.Sprintf("extras %q, want %q", gotExtras, wantExtras))
		}
		if got := r.Specifier.String(); got != c.Spec {
			p = append(p, fmt.Sprintf("specifier %q, want %q", got, c.Spec))
		}
		var gotMarker *string
		if r.Marker != nil {
			s := r.Marker.String()
			gotMarker = &s
		}
		if !reflect.DeepEqual(gotMarker, c.Marker) {
			p = append(p, fmt.Sprintf("marker %s, want %s", strPtr(gotMarker), strPtr(c.Marker)))
		}
		var gotURL *string
		if r.URL != "" {
			gotURL = &r.URL
		}
		if !reflect.DeepEqual(gotURL, c.URL) {
			p = append(p, fmt.Sprintf("url %s, want %s", strPtr(gotURL), strPtr(c.URL)))
		}
		return c.R, strings.Join(p, "; ")
	case "bad_req":
		if r, err := ParseRequirement(c.R); err == nil {
			return c.R, fmt.Sprintf("accepted as %q, want an error", r.String())
		}
		return c.R, ""
	case "env":
		var name string
		_ = json.Unmarshal(c.Name, &name)
		env := Environment{}
		if err := json.Unmarshal(c.Env, &env); err != nil {
			return name, "bad env: " + err.Error()
		}
		envs[name] = env
		return name, ""
	case "marker":
		var envName string
		_ = json.Unmarshal(c.Env, &envName)
		in := c.M + " in " + envName + " with extra " + fmt.Sprintf("%q", c.Extra)
		env, ok := envs[envName]
		if !ok {
			return in, "unknown environment " + envName
		}
		m, err := ParseMarker(c.M)
		if err != nil {
			return in, "rejected: " + err.Error()
		}
		got, err := m.EvaluateErr(env, c.Extra)
		if err != nil {
			return in, "evaluation error: " + err.Error()
		}
		if got != c.Val {
			return in, fmt.Sprintf("evaluated to %v, want %v", got, c.Val)
		}
		return in, ""
	}
	return c.K, "unknown case kind " + c.K
}

func strPtr(s *string) string {
	if s == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *s)
}
