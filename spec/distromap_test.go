package spec

import (
	"reflect"
	"testing"
)

func TestDistroPackages(t *testing.T) {
	tests := []struct {
		name, distro string
		overrides    map[string]string
		want         []string
		known        bool
	}{
		{"libpq", "deb", nil, []string{"libpq5"}, true},
		{"libpq", "rpm", nil, []string{"libpq"}, true},
		{"libxml2", "deb", nil, []string{"libxml2"}, true},
		{"libxml2", "rpm", nil, []string{"libxml2"}, true},
		{"libxslt", "deb", nil, []string{"libxslt1.1"}, true},
		{"openssl", "deb", nil, []string{"libssl3"}, true},
		{"openssl", "rpm", nil, []string{"openssl-libs"}, true},
		{"libssl", "rpm", nil, []string{"openssl-libs"}, true},
		{"libffi", "deb", nil, []string{"libffi8"}, true},
		{"libffi", "rpm", nil, []string{"libffi"}, true},
		{"libjpeg", "deb", nil, []string{"libjpeg62-turbo"}, true},
		{"libjpeg", "rpm", nil, []string{"libjpeg-turbo"}, true},
		{"zlib", "deb", nil, []string{"zlib1g"}, true},
		{"zlib", "rpm", nil, []string{"zlib"}, true},
		{"libyaml", "deb", nil, []string{"libyaml-0-2"}, true},
		{"libyaml", "rpm", nil, []string{"libyaml"}, true},
		{"sqlite", "deb", nil, []string{"libsqlite3-0"}, true},
		{"libsqlite3", "rpm", nil, []string{"sqlite-libs"}, true},
		{"mysqlclient", "deb", nil, []string{"libmariadb3"}, true},
		{"libmysqlclient", "rpm", nil, []string{"mariadb-connector-c"}, true},
		{"lzma", "deb", nil, []string{"liblzma5"}, true},
		{"libxz", "rpm", nil, []string{"xz-libs"}, true},
		{"krb5", "deb", nil, []string{"libkrb5-3", "libgssapi-krb5-2"}, true},
		{"libmagic", "rpm", nil, []string{"file-libs"}, true},
		{"LibXML2", "deb", nil, []string{"libxml2"}, true},
		{"lib_sqlite3", "deb", nil, []string{"lib_sqlite3"}, false}, // "lib-sqlite3" is not in the table
		{"libfoo", "deb", nil, []string{"libfoo"}, false},
		{"libfoo", "rpm", map[string]string{"libfoo": "libfoo1, libfoo-extra ,"}, []string{"libfoo1", "libfoo-extra"}, true},
		{"LibPQ", "deb", map[string]string{"libpq": "libpq5-custom"}, []string{"libpq5-custom"}, true},
		{"libpq", "deb", map[string]string{"LIBPQ": "x"}, []string{"x"}, true},
		{"libpq", "deb", map[string]string{"libpq": ""}, []string{}, true},
		{"libpq", "apk", nil, nil, false},
		{"libpq", "", nil, nil, false},
	}
	for _, tt := range tests {
		got, known := DistroPackages(tt.name, tt.distro, tt.overrides)
		if !reflect.DeepEqual(got, tt.want) || known != tt.known {
			t.Errorf("DistroPackages(%q, %q, %v) = %q, %v; want %q, %v", tt.name, tt.distro, tt.overrides, got, known, tt.want, tt.known)
		}
	}
}

func TestDistroTable(t *testing.T) {
	if n := len(distroEntries); n < 40 {
		t.Errorf("only %d entries", n)
	}
	seen := map[string]bool{}
	for _, e := range distroEntries {
		if len(e.names) == 0 || len(e.deb) == 0 || len(e.rpm) == 0 {
			t.Errorf("incomplete entry %+v", e)
		}
		for _, n := range e.names {
			if !validExternalName(n) {
				t.Errorf("invalid name %q", n)
			}
			k := NormalizeExternalName(n)
			if seen[k] {
				t.Errorf("name %q listed twice", n)
			}
			seen[k] = true
		}
		for _, p := range append(append([]string{}, e.deb...), e.rpm...) {
			if !rePackageName.MatchString(p) {
				t.Errorf("bad package name %q", p)
			}
		}
	}
	// The result is a copy: changing it does not change the table.
	got, _ := DistroPackages("libpq", "deb", nil)
	got[0] = "changed"
	if again, _ := DistroPackages("libpq", "deb", nil); again[0] != "libpq5" {
		t.Error("table modified through the result")
	}
	if names := KnownExternalNames(); len(names) < 40 || names[0] > names[len(names)-1] {
		t.Errorf("KnownExternalNames: %v", names)
	}
}
