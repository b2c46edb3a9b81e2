package spec

import (
	"sort"
	"strings"
)

// The built-in table from external dependency names (as written in
// external-dependencies.txt) to the distribution packages that provide the
// library at run time: Debian 12 "bookworm" package names for deb, and
// Fedora / RHEL (9) names for rpm. Only runtime packages are listed, never
// -dev / -devel ones: the bundle installs wheels, which carry compiled code.

type distroEntry struct {
	names []string // the first is the canonical name; the rest are aliases
	deb   []string
	rpm   []string
}

var distroEntries = []distroEntry{
	{[]string{"libpq", "postgresql", "pq"}, []string{"libpq5"}, []string{"libpq"}},
	{[]string{"libxml2", "xml2"}, []string{"libxml2"}, []string{"libxml2"}},
	{[]string{"libxslt", "xslt", "libxslt1"}, []string{"libxslt1.1"}, []string{"libxslt"}},
	{[]string{"libffi", "ffi"}, []string{"libffi8"}, []string{"libffi"}},
	{[]string{"openssl", "libssl", "ssl", "libcrypto"}, []string{"libssl3"}, []string{"openssl-libs"}},
	{[]string{"libjpeg", "jpeg", "libjpeg-turbo"}, []string{"libjpeg62-turbo"}, []string{"libjpeg-turbo"}},
	{[]string{"zlib", "libz", "zlib1g"}, []string{"zlib1g"}, []string{"zlib"}},
	{[]string{"libyaml", "yaml"}, []string{"libyaml-0-2"}, []string{"libyaml"}},
	{[]string{"libmemcached", "memcached"}, []string{"libmemcached11"}, []string{"libmemcached-awesome"}},
	{[]string{"libsqlite3", "sqlite", "sqlite3", "libsqlite"}, []string{"libsqlite3-0"}, []string{"sqlite-libs"}},
	{[]string{"libpcre", "pcre", "libpcre3"}, []string{"libpcre3"}, []string{"pcre"}},
	{[]string{"libpcre2", "pcre2"}, []string{"libpcre2-8-0"}, []string{"pcre2"}},
	{[]string{"freetype", "libfreetype", "freetype2"}, []string{"libfreetype6"}, []string{"freetype"}},
	{[]string{"libpng", "png"}, []string{"libpng16-16"}, []string{"libpng"}},
	{[]string{"libwebp", "webp"}, []string{"libwebp7"}, []string{"libwebp"}},
	{[]string{"libtiff", "tiff"}, []string{"libtiff6"}, []string{"libtiff"}},
	{[]string{"lcms2", "liblcms2", "lcms"}, []string{"liblcms2-2"}, []string{"lcms2"}},
	{[]string{"libopenjp2", "openjpeg", "openjpeg2"}, []string{"libopenjp2-7"}, []string{"openjpeg2"}},
	{[]string{"libmagic", "magic"}, []string{"libmagic1"}, []string{"file-libs"}},
	{[]string{"libcurl", "curl"}, []string{"libcurl4"}, []string{"libcurl"}},
	{[]string{"gettext", "libintl"}, []string{"gettext-base"}, []string{"gettext-libs"}},
	{[]string{"pango", "libpango"}, []string{"libpango-1.0-0", "libpangoft2-1.0-0"}, []string{"pango"}},
	{[]string{"cairo", "libcairo"}, []string{"libcairo2"}, []string{"cairo"}},
	{[]string{"harfbuzz", "libharfbuzz"}, []string{"libharfbuzz0b"}, []string{"harfbuzz"}},
	{[]string{"fontconfig", "libfontconfig"}, []string{"libfontconfig1"}, []string{"fontconfig"}},
	{[]string{"glib", "glib2", "libglib"}, []string{"libglib2.0-0"}, []string{"glib2"}},
	{[]string{"gdal", "libgdal"}, []string{"libgdal32"}, []string{"gdal-libs"}},
	{[]string{"geos", "libgeos"}, []string{"libgeos-c1v5"}, []string{"geos"}},
	{[]string{"proj", "libproj"}, []string{"libproj25"}, []string{"proj"}},
	{[]string{"libgeoip", "geoip"}, []string{"libgeoip1"}, []string{"GeoIP"}},
	{[]string{"libmaxminddb", "maxminddb"}, []string{"libmaxminddb0"}, []string{"libmaxminddb"}},
	{[]string{"libmysqlclient", "mysqlclient", "mysql"}, []string{"libmariadb3"}, []string{"mariadb-connector-c"}},
	{[]string{"libmariadb", "mariadb", "mariadb-connector-c"}, []string{"libmariadb3"}, []string{"mariadb-connector-c"}},
	{[]string{"libsasl2", "sasl2", "cyrus-sasl"}, []string{"libsasl2-2"}, []string{"cyrus-sasl-lib"}},
	{[]string{"libldap", "ldap", "openldap"}, []string{"libldap-2.5-0"}, []string{"openldap"}},
	{[]string{"krb5", "libkrb5", "kerberos", "libgssapi-krb5"}, []string{"libkrb5-3", "libgssapi-krb5-2"}, []string{"krb5-libs"}},
	{[]string{"libuuid", "uuid"}, []string{"libuuid1"}, []string{"libuuid"}},
	{[]string{"libzstd", "zstd"}, []string{"libzstd1"}, []string{"libzstd"}},
	{[]string{"liblz4", "lz4"}, []string{"liblz4-1"}, []string{"lz4-libs"}},
	{[]string{"libbz2", "bzip2", "bz2"}, []string{"libbz2-1.0"}, []string{"bzip2-libs"}},
	{[]string{"liblzma", "libxz", "lzma", "xz"}, []string{"liblzma5"}, []string{"xz-libs"}},
	{[]string{"gmp", "libgmp"}, []string{"libgmp10"}, []string{"gmp"}},
	{[]string{"libsodium", "sodium"}, []string{"libsodium23"}, []string{"libsodium"}},
	{[]string{"libev", "ev"}, []string{"libev4"}, []string{"libev"}},
	{[]string{"libevent", "event"}, []string{"libevent-2.1-7"}, []string{"libevent"}},
	{[]string{"libexpat", "expat"}, []string{"libexpat1"}, []string{"expat"}},
	{[]string{"libxmlsec1", "xmlsec1", "xmlsec"}, []string{"libxmlsec1", "libxmlsec1-openssl"}, []string{"xmlsec1", "xmlsec1-openssl"}},
	{[]string{"libgit2", "git2"}, []string{"libgit2-1.5"}, []string{"libgit2"}},
	{[]string{"libssh2", "ssh2"}, []string{"libssh2-1"}, []string{"libssh2"}},
	{[]string{"snappy", "libsnappy"}, []string{"libsnappy1v5"}, []string{"snappy"}},
	{[]string{"unixodbc", "libodbc", "odbc"}, []string{"libodbc2"}, []string{"unixODBC"}},
	{[]string{"freetds", "libsybdb", "sybdb"}, []string{"libsybdb5"}, []string{"freetds-libs"}},
	{[]string{"libzmq", "zeromq", "zmq"}, []string{"libzmq5"}, []string{"zeromq"}},
	{[]string{"libvips", "vips"}, []string{"libvips42"}, []string{"vips"}},
	{[]string{"imagemagick", "libmagickwand", "magickwand"}, []string{"libmagickwand-6.q16-6"}, []string{"ImageMagick-libs"}},
	{[]string{"poppler", "libpoppler"}, []string{"libpoppler126"}, []string{"poppler"}},
	{[]string{"tesseract", "libtesseract"}, []string{"tesseract-ocr"}, []string{"tesseract"}},
	{[]string{"hdf5", "libhdf5"}, []string{"libhdf5-103-1"}, []string{"hdf5"}},
	{[]string{"openblas", "libopenblas"}, []string{"libopenblas0"}, []string{"openblas"}},
	{[]string{"libgomp", "openmp", "gomp"}, []string{"libgomp1"}, []string{"libgomp"}},
	{[]string{"libstdc++", "libstdcxx"}, []string{"libstdc++6"}, []string{"libstdc++"}},
	{[]string{"libusb", "libusb-1.0", "libusb1"}, []string{"libusb-1.0-0"}, []string{"libusb1"}},
	{[]string{"libpcap", "pcap"}, []string{"libpcap0.8"}, []string{"libpcap"}},
	{[]string{"libcap", "libcap2"}, []string{"libcap2"}, []string{"libcap"}},
	{[]string{"libsystemd", "systemd"}, []string{"libsystemd0"}, []string{"systemd-libs"}},
	{[]string{"ncurses", "libncurses", "libncursesw"}, []string{"libncursesw6"}, []string{"ncurses-libs"}},
	{[]string{"readline", "libreadline"}, []string{"libreadline8"}, []string{"readline"}},
	{[]string{"gpgme", "libgpgme"}, []string{"libgpgme11"}, []string{"gpgme"}},
	{[]string{"libarchive", "archive"}, []string{"libarchive13"}, []string{"libarchive"}},
}

// distroIndex maps every normalized name and alias to its entry.
var distroIndex = func() map[string]*distroEntry {
	m := map[string]*distroEntry{}
	for i := range distroEntries {
		e := &distroEntries[i]
		for _, n := range e.names {
			m[NormalizeExternalName(n)] = e
		}
	}
	return m
}()

// DistroPackages returns the packages of distro ("deb" or "rpm") that
// provide the external dependency name. overrides (bundle.toml's
// [package.external.deb] or [package.external.rpm], matching distro) come
// first: a value is a comma-separated list of package names, and "" means
// that no package is needed. Otherwise the built-in table is used. Names
// are compared with NormalizeExternalName. known is false when neither has
// the name; pkgs is then the name itself (X006 when building). For any
// other distro, DistroPackages returns nil, false.
func DistroPackages(name, distro string, overrides map[string]string) (pkgs []string, known bool) {
	if distro != "deb" && distro != "rpm" {
		return nil, false
	}
	key := NormalizeExternalName(name)
	if v, ok := overrides[key]; ok {
		return splitPackages(v), true
	}
	for k, v := range overrides {
		if NormalizeExternalName(k) == key {
			return splitPackages(v), true
		}
	}
	if e, ok := distroIndex[key]; ok {
		src := e.deb
		if distro == "rpm" {
			src = e.rpm
		}
		return append([]string(nil), src...), true
	}
	return []string{name}, false
}

// splitPackages splits a comma-separated package list, dropping blanks.
func splitPackages(v string) []string {
	pkgs := []string{}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs
}

// KnownExternalNames returns the names the built-in table knows (canonical
// names and aliases, normalized), sorted.
func KnownExternalNames() []string {
	names := make([]string, 0, len(distroIndex))
	for n := range distroIndex {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
