package spec

import (
	"errors"
	"reflect"
	"testing"
)

// Native fuzz tests: no input may panic, errors are positioned
// *SyntaxErrors in the house style, and what parses prints back to
// something that parses to the same thing.

func checkPEPFuzzError(t *testing.T, in string, err error) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%q: error %v is not a *SyntaxError", in, err)
	}
	if p := pepErrorStyle(se, len(in)); p != "" {
		t.Fatalf("%q: %s (offset %d)", in, p, se.Offset)
	}
}

var pepFuzzVersions = func() []Version {
	var vs []Version
	for _, s := range []string{"0", "1.0", "1.0a1", "1.0.dev0", "1.0.post1", "1.0+local", "1.5", "2.0rc1", "2.0",
		"1!1.0", "3.11.7", "0.0.1", "1.0.0.0", "1.4.5a4", "10.0"} {
		v, err := ParseVersion(s)
		if err != nil {
			panic(err)
		}
		vs = append(vs, v)
	}
	return vs
}()

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1.0", "v1.0", " 1!2.0.post3.dev4+Loc.5 ", "1.0-1", "1.0_alpha-2", "1.0.0-rc.1",
		"1.0+", "1..0", "1.0.x", "1.0b1b2", "0!0", "1.0preview", "1.0+a-b_c.7", "99999999999999999999", "\u00a01\u2003"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			checkPEPFuzzError(t, s, err)
			return
		}
		n := v.String()
		v2, err := ParseVersion(n)
		if err != nil {
			t.Fatalf("%q normalized to %q, which does not parse: %v", s, n, err)
		}
		if v2.Compare(v) != 0 || v.Compare(v2) != 0 || v.Compare(v) != 0 {
			t.Fatalf("%q and its normal form %q compare unequal", s, n)
		}
		if n2 := v2.String(); n2 != n {
			t.Fatalf("normal form not stable: %q -> %q -> %q", s, n, n2)
		}
		for _, p := range pepFuzzVersions {
			if v.Compare(p) != -p.Compare(v) {
				t.Fatalf("Compare(%s, %s) not antisymmetric", n, p)
			}
		}
	})
}

func FuzzParseSpecifierSet(f *testing.F) {
	for _, s := range []string{"", ">=1.0", ">=1.0,<2,!=1.5.*", "~=1.4.5a4", "==1.0+local", "===foo", " == 1.* ",
		">=1.0,>=1", "~=1", "==1.0.*.*", "=>1", ",,", "====1", "<=1!2.0.dev3", "==1.0a.*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := ParseSpecifierSet(s)
		if err != nil {
			checkPEPFuzzError(t, s, err)
			return
		}
		str := set.String()
		set2, err := ParseSpecifierSet(str)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, str, err)
		}
		if str2 := set2.String(); str2 != str {
			t.Fatalf("String not stable: %q -> %q -> %q", s, str, str2)
		}
		for _, v := range pepFuzzVersions {
			for _, pre := range []bool{false, true} {
				if set.Contains(v, pre) != set2.Contains(v, pre) {
					t.Fatalf("%q and %q disagree on %s", s, str, v)
				}
			}
			// A version excluded with pre-releases allowed stays excluded.
			if set.Contains(v, false) && !set.Contains(v, true) {
				t.Fatalf("%q: %s in by default but not with pre-releases", s, v)
			}
		}
	})
}

func FuzzParseRequirement(f *testing.F) {
	for _, s := range []string{"requests", "requests[security,socks]>=2.8.1,==2.8.*; python_version < '2.7'",
		"name (>=1.0,<2)", "pkg @ https://example.com/p.whl ; os_name == 'nt'", "pkg>=", "pkg===1.0;x",
		"pkg\t>=\t1;\textra == 'a\tb'", "pkg[", "pkg (>=1", "-e .", "pkg; foo == 'x'", "pkg @ file:///x",
		"pkg===1,~=1.0alpha1", "pkg~=1.0a", "a.b_c-d[x]>=1.0.*", "00;\textra!= .", "0> =1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err != nil {
			checkPEPFuzzError(t, s, err)
			return
		}
		if !ValidName(r.Name) {
			t.Fatalf("%q: invalid name %q accepted", s, r.Name)
		}
		str := r.String()
		r2, err := ParseRequirement(str)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, str, err)
		}
		if str2 := r2.String(); str2 != str {
			t.Fatalf("String not stable: %q -> %q -> %q", s, str, str2)
		}
		if r2.Name != r.Name || !reflect.DeepEqual(r2.Extras, r.Extras) || r2.URL != r.URL ||
			r2.Specifier.String() != r.Specifier.String() || (r.Marker == nil) != (r2.Marker == nil) {
			t.Fatalf("%q and its String %q parse differently", s, str)
		}
		for _, v := range pepFuzzVersions[:4] {
			if r.Specifier.Contains(v, false) != r2.Specifier.Contains(v, false) {
				t.Fatalf("%q and %q disagree on %s", s, str, v)
			}
		}
	})
}

func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{`python_version < "3.8"`, `(python_version >= '3.8') and extra == 'test'`,
		`os_name == 'nt' or ((sys_platform == 'linux' and python_version >= '3'))`, `'linux' in sys_platform`,
		`python_version not in '2.7 3.4'`, `os.name == 'a\tb' and python_implementation != "x"`,
		`python_versionin '3'`, `a == 'b'`, `python_version >> '3'`, `(os_name == 'nt'`, `os_name ~= 'nt'`,
		`python_version == '3' and ((os_name == 'nt' or os_name == 'posix'))`, `os_name == 'a"b\nc'`} {
		f.Add(s)
	}
	envs := []Environment{pepTestEnv, {
		"implementation_name": "cpython", "implementation_version": "3.8.10", "os_name": "nt",
		"platform_machine": "AMD64", "platform_python_implementation": "CPython", "platform_release": "10",
		"platform_system": "Windows", "platform_version": "10.0.19041", "python_full_version": "3.8.10",
		"python_version": "3.8", "sys_platform": "win32",
	}}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			checkPEPFuzzError(t, s, err)
			return
		}
		str := m.String()
		m2, err := ParseMarker(str)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, str, err)
		}
		if str2 := m2.String(); str2 != str {
			t.Fatalf("String not stable: %q -> %q -> %q", s, str, str2)
		}
		for _, env := range envs {
			for _, extra := range []string{"", "test"} {
				v1, e1 := m.EvaluateErr(env, extra)
				v2, e2 := m2.EvaluateErr(env, extra)
				if v1 != v2 || (e1 == nil) != (e2 == nil) {
					t.Fatalf("%q = %v, %v but its String %q = %v, %v", s, v1, e1, str, v2, e2)
				}
			}
		}
	})
}
