// Package spec defines the app bundle standard in code: the parsers for
// bundle.toml, dependencies.txt (and dependencies.in), external-dependencies.txt,
// and the PEP 440 / PEP 508 / PEP 503 machinery they rest on.
//
// The package does no I/O beyond reading the io.Reader it is given, reads no
// environment variables and knows no clock. Every parser returns typed values
// plus a list of positioned Diagnostics; no input makes it panic (each parser
// has a native fuzz test that checks this).
//
// The PEP 440/508 code is written in-house: the Go modules available were
// measured against the packaging library and fall short (see SPEC.md and
// issue 2). It is tested against ../shared/testdata/pep440-508-cases.jsonl.gz,
// about 59,000 answers computed by packaging 21.3 as vendored by pip 23.2.
package spec
