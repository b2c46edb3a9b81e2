package install

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bundle-wsgi/bundle/spec"
)

// Dist is an installed distribution: a .dist-info directory.
type Dist struct {
	// Name is the normalized project name and Version the version, both
	// from the directory's name (NAME-VERSION.dist-info).
	Name, Version string
	// DistInfo is the directory's absolute path.
	DistInfo string
}

// List returns the distributions installed in dirs (purelib and
// platlib; a directory given twice, or missing, is fine), sorted by name.
// Only directory names are read, so listing is fast. A .dist-info whose
// name does not parse is returned with the name and version of its
// METADATA.
func List(dirs ...string) ([]Dist, error) {
	var out []Dist
	seen := map[string]bool{}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			if seen[real] {
				continue
			}
			seen[real] = true
		}
		ents, err := os.ReadDir(abs)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			n := e.Name()
			if !strings.HasSuffix(n, ".dist-info") || !(e.IsDir() || e.Type()&fs.ModeSymlink != 0) {
				continue
			}
			dist := Dist{DistInfo: filepath.Join(abs, n)}
			name, version, ok := strings.Cut(strings.TrimSuffix(n, ".dist-info"), "-")
			if v, err := spec.ParseVersion(version); ok && err == nil && spec.ValidName(name) {
				dist.Name, dist.Version = spec.NormalizeName(name), v.String()
			} else if meta, err := os.ReadFile(filepath.Join(dist.DistInfo, "METADATA")); err == nil {
				dist.Name, dist.Version = metadataNameVersion(meta)
			}
			if dist.Name == "" {
				continue // not a distribution python would see either
			}
			out = append(out, dist)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].DistInfo < out[j].DistInfo
	})
	return out, nil
}

func metadataNameVersion(meta []byte) (string, string) {
	var name, version string
	for _, line := range strings.Split(string(meta), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "name":
			name = spec.NormalizeName(strings.TrimSpace(v))
		case "version":
			version = strings.TrimSpace(v)
			if pv, err := spec.ParseVersion(version); err == nil {
				version = pv.String()
			}
		}
	}
	return name, version
}

// Removed is what Uninstall did.
type Removed struct {
	// Files is how many files were removed.
	Files int
	// NoRecord is true when the .dist-info had no readable RECORD: only
	// the .dist-info directory was removed.
	NoRecord bool
	// Outside lists RECORD paths outside the virtualenv, left alone.
	Outside []string
}

// Uninstall removes the distribution whose .dist-info directory is
// distInfo, using its RECORD (so that distributions pip installed go
// cleanly too): every file listed, the __pycache__ files of listed .py
// files, then directories left empty. The .dist-info directory is moved
// out first, so the distribution is gone as soon as the removal starts; a
// journal lets Recover finish an interrupted removal. Paths outside t.Root
// are never touched.
func Uninstall(t *Target, distInfo string) (*Removed, error) {
	res := &Removed{}
	libDir := filepath.Dir(distInfo)
	data, err := os.ReadFile(filepath.Join(distInfo, "RECORD"))
	var paths []string
	if err != nil {
		res.NoRecord = true
	} else {
		paths = recordPaths(data)
	}
	files := map[string]bool{}
	for _, p := range paths {
		abs := filepath.Join(libDir, filepath.FromSlash(p))
		if !inside(t.Root, abs) {
			res.Outside = append(res.Outside, p)
			continue
		}
		if inside(distInfo, abs) {
			continue // goes with the directory
		}
		files[abs] = true
		if strings.HasSuffix(abs, ".py") {
			for _, pyc := range pycFiles(abs) {
				files[pyc] = true
			}
		}
	}
	list := make([]string, 0, len(files))
	for f := range files {
		list = append(list, f)
	}
	sort.Strings(list)
	j := journal{Op: opRemove, DistInfo: rel(t.Root, distInfo)}
	for _, f := range list {
		j.Files = append(j.Files, rel(t.Root, f))
	}
	jpath, err := writeJournal(t, j, filepath.Base(distInfo))
	if err != nil {
		return nil, err
	}
	if err := moveToTrash(t, distInfo); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	res.Files = removeFiles(t, list, nil)
	if err := emptyTrash(t); err != nil {
		return nil, err
	}
	os.Remove(jpath)
	return res, nil
}

// recordPaths returns the first column of every RECORD row, reading
// leniently: a RECORD that ParseRecord rejects still names the files to
// remove.
func recordPaths(data []byte) []string {
	if entries, err := ParseRecord(data); err == nil {
		out := make([]string, len(entries))
		for i, e := range entries {
			out[i] = e.Path
		}
		return out
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out []string
	for {
		row, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			continue
		}
		if len(row) > 0 && row[0] != "" && !strings.ContainsRune(row[0], 0) {
			out = append(out, row[0])
		}
	}
}

// pycFiles returns the byte-compiled files of a .py file that exist:
// __pycache__/STEM.*.pyc and the Python 2 style FILE.pyc.
func pycFiles(py string) []string {
	dir, base := filepath.Split(py)
	stem := strings.TrimSuffix(base, ".py")
	var out []string
	if ents, err := os.ReadDir(filepath.Join(dir, "__pycache__")); err == nil {
		for _, e := range ents {
			// STEM.TAG.pyc or STEM.TAG.opt-N.pyc
			n := e.Name()
			if len(n) > len(stem)+5 && strings.HasPrefix(n, stem+".") && strings.HasSuffix(n, ".pyc") {
				out = append(out, filepath.Join(dir, "__pycache__", n))
			}
		}
	}
	if _, err := os.Lstat(py + "c"); err == nil {
		out = append(out, py+"c")
	}
	return out
}

// removeFiles removes the files (skipping those in keep) and then the
// directories left empty, up to the scheme's directories. It returns how
// many files it removed.
func removeFiles(t *Target, files []string, keep map[string]bool) int {
	n := 0
	dirs := map[string]bool{}
	for _, f := range files {
		if keep[f] || !inside(t.Root, f) {
			continue
		}
		if err := os.Remove(f); err == nil {
			n++
		}
		dirs[filepath.Dir(f)] = true
	}
	stop := map[string]bool{}
	for _, d := range []string{t.Root, t.Purelib, t.Platlib, t.Scripts, t.Data, t.Headers, t.StateDir} {
		for d != "" && inside(t.Root, d) {
			stop[filepath.Clean(d)] = true
			if filepath.Clean(d) == filepath.Clean(t.Root) {
				break
			}
			d = filepath.Dir(d)
		}
	}
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	// Deepest first, so that a parent is tried after its children.
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, d := range list {
		for d = filepath.Clean(d); isUnder(t.Root, d) && !stop[d]; d = filepath.Dir(d) {
			if ents, err := os.ReadDir(d); err == nil && len(ents) == 1 && ents[0].Name() == "__pycache__" {
				if sub, err := os.ReadDir(filepath.Join(d, "__pycache__")); err == nil && len(sub) == 0 {
					os.Remove(filepath.Join(d, "__pycache__"))
				}
			}
			if os.Remove(d) != nil {
				break // not empty (or gone)
			}
		}
	}
	return n
}

// AddToRecord appends rows for files (absolute, such as the .pyc files
// of a bytecode compilation) to the RECORD of the .dist-info directory
// distInfo, hashing them. Files already listed are not added twice.
func AddToRecord(distInfo string, files []string) error {
	p := filepath.Join(distInfo, "RECORD")
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	entries, err := ParseRecord(data)
	if err != nil {
		return err
	}
	libDir := filepath.Dir(distInfo)
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Path] = true
	}
	for _, f := range files {
		r := rel(libDir, f)
		if have[r] {
			continue
		}
		content, err := os.ReadFile(f)
		if err != nil {
			continue // not compiled (a syntax error, say): nothing to list
		}
		have[r] = true
		entries = append(entries, RecordEntry{Path: r, Algo: "sha256", Digest: RecordHash(content), Size: int64(len(content))})
	}
	return writeFileAtomic(p, FormatRecord(entries), 0o644)
}

// PycPath returns where Python caches the bytecode of a .py file:
// DIR/__pycache__/STEM.CACHETAG.pyc (cacheTag such as "cpython-311").
func PycPath(py, cacheTag string) string {
	dir, base := filepath.Split(py)
	return filepath.Join(dir, "__pycache__", strings.TrimSuffix(base, ".py")+"."+cacheTag+".pyc")
}

// The journal of operations in progress.

const (
	opInstall = "install"
	opRemove  = "remove"
)

type journal struct {
	Op string `json:"op"`
	// DistInfo and Files are relative to the target's Root.
	DistInfo string   `json:"dist_info"`
	Files    []string `json:"files"`
}

func writeJournal(t *Target, j journal, name string) (string, error) {
	dir := filepath.Join(t.StateDir, "journal")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	data, err := json.Marshal(j)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, j.Op+"-"+name+"-*.tmp")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	final := strings.TrimSuffix(f.Name(), ".tmp") + ".json"
	if err == nil {
		err = os.Rename(f.Name(), final)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return final, nil
}

func moveToTrash(t *Target, p string) error {
	dir := filepath.Join(t.StateDir, "trash")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, filepath.Base(p)+"-")
	if err != nil {
		return err
	}
	return os.Rename(p, filepath.Join(tmp, filepath.Base(p)))
}

func emptyTrash(t *Target) error {
	return os.RemoveAll(filepath.Join(t.StateDir, "trash"))
}

// Recover finishes or rolls back the operations an interrupted sync left
// in t's journal: an install whose .dist-info was not renamed in is rolled
// back (its files removed, unless another installed distribution's RECORD
// lists them); a removal whose .dist-info was moved out is finished.
// Staging and trash directories are emptied. It returns one line per
// operation repaired, such as "rolled back the interrupted install of
// flask-3.1.3.dist-info". The caller holds the virtualenv's lock.
func Recover(t *Target) ([]string, error) {
	dir := filepath.Join(t.StateDir, "journal")
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var notes []string
	var owned map[string]bool
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if !strings.HasSuffix(e.Name(), ".json") {
			os.Remove(p) // a journal never completed: nothing was done
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return notes, err
		}
		var j journal
		if err := json.Unmarshal(data, &j); err != nil {
			os.Remove(p)
			continue
		}
		if owned == nil {
			if owned, err = ownedFiles(t); err != nil {
				return notes, err
			}
		}
		info := filepath.Join(t.Root, filepath.FromSlash(j.DistInfo))
		_, statErr := os.Lstat(info)
		var files []string
		for _, f := range j.Files {
			files = append(files, filepath.Join(t.Root, filepath.FromSlash(f)))
		}
		name := filepath.Base(info)
		switch {
		case j.Op == opInstall && statErr != nil:
			var withPyc []string
			for _, f := range files {
				withPyc = append(withPyc, f)
				if strings.HasSuffix(f, ".py") {
					withPyc = append(withPyc, pycFiles(f)...)
				}
			}
			removeFiles(t, withPyc, owned)
			notes = append(notes, "rolled back the interrupted install of "+name)
		case j.Op == opRemove && statErr != nil:
			removeFiles(t, files, owned)
			notes = append(notes, "finished the interrupted removal of "+name)
		}
		os.Remove(p)
	}
	if err := os.RemoveAll(filepath.Join(t.StateDir, "staging")); err != nil {
		return notes, err
	}
	return notes, emptyTrash(t)
}

// ownedFiles returns the files listed in the RECORD of every installed
// distribution.
func ownedFiles(t *Target) (map[string]bool, error) {
	dists, err := List(t.Purelib, t.Platlib)
	if err != nil {
		return nil, err
	}
	owned := map[string]bool{}
	for _, d := range dists {
		data, err := os.ReadFile(filepath.Join(d.DistInfo, "RECORD"))
		if err != nil {
			continue
		}
		libDir := filepath.Dir(d.DistInfo)
		for _, p := range recordPaths(data) {
			owned[filepath.Join(libDir, filepath.FromSlash(p))] = true
		}
	}
	return owned, nil
}

// Pending reports whether t's journal holds operations to recover, cheaply
// (for a no-op sync).
func Pending(t *Target) bool {
	ents, err := os.ReadDir(filepath.Join(t.StateDir, "journal"))
	return err == nil && len(ents) > 0
}
