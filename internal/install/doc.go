// Package install installs wheels into a virtualenv natively, as PEP 427
// says and as pip does, without running Python:
//
//   - Unpack checks a wheel (whose file hash the caller verified) and
//     unpacks it: member names that escape the target (absolute, "..",
//     backslashes, drive letters), symlinks and special files are refused
//     before anything is written, as are a wheel without exactly one
//     .dist-info directory of its own name and version, unknown .data/
//     scheme keys, a WHEEL of another major version and a member whose
//     content differs from its RECORD hash.
//   - Cache keeps unpacked wheels keyed by the wheel's sha256; Install
//     hard-links (or copies) their files into a virtualenv, so a second
//     virtualenv costs no unzip.
//   - Install places the files (root into purelib or platlib, .data/ into
//     the scheme's directories, "#!python" scripts rewritten, console and
//     GUI scripts generated from entry_points.txt) and commits the
//     .dist-info directory last, with INSTALLER, REQUESTED and a RECORD of
//     everything installed. Uninstall removes a distribution by its RECORD
//     (pip's own installs included). Both keep a journal, so Recover can
//     roll back or finish what an interrupted sync left.
//   - ParseRecord, ParseEntryPoints and ParseWheelFile read the three
//     metadata files involved; each has a native fuzz test.
//
// Written by hand: no Go module installs wheels, and the rules are short
// (PEP 427, PEP 376's RECORD, the entry points specification, and what
// pip 23 does where they leave room).
package install
