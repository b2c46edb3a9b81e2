package spec

import "testing"

func BenchmarkPEPParseVersion(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_, _ = ParseVersion("2.31.0")
	}
}

func BenchmarkPEPCompare(b *testing.B) {
	x, _ := ParseVersion("2.31.0")
	y, _ := ParseVersion("2.31.0rc1")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = x.Compare(y)
	}
}

func BenchmarkPEPContains(b *testing.B) {
	set, _ := ParseSpecifierSet(">=2.8.1,<3,!=2.9.0")
	v, _ := ParseVersion("2.31.0")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = set.Contains(v, false)
	}
}

func BenchmarkPEPContainsWildcard(b *testing.B) {
	set, _ := ParseSpecifierSet("==2.*,~=2.8")
	v, _ := ParseVersion("2.31.0")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = set.Contains(v, false)
	}
}
