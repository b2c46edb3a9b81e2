package index

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func packNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Join(dir, "packs"))
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// TestCachePacks: between Open and Close, entries are kept in memory and
// written as one pack; a newer pack's value wins; Close merges the packs
// when there are too many; files written outside Open still work.
func TestCachePacks(t *testing.T) {
	type step struct {
		put       map[string]string // "kind/key" -> value
		want      map[string]string // read after Open, before Put; "" for missing
		wantPacks int               // packs on disk after Close
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"one run writes one pack", []step{
			{put: map[string]string{"http/a": "1", "metadata/b": "2"}, wantPacks: 1},
			{want: map[string]string{"http/a": "1", "metadata/b": "2", "http/c": ""}, wantPacks: 1},
		}},
		{"a run that puts nothing writes nothing", []step{
			{wantPacks: 0},
		}},
		{"the newest pack wins", []step{
			{put: map[string]string{"http/a": "old", "http/b": "b"}, wantPacks: 1},
			{put: map[string]string{"http/a": "new"}, wantPacks: 2},
			{want: map[string]string{"http/a": "new", "http/b": "b"}, wantPacks: 2},
		}},
		{"too many packs are merged", func() []step {
			var s []step
			for i := range maxPacks {
				s = append(s, step{put: map[string]string{fmt.Sprintf("http/k%d", i): fmt.Sprint(i), "http/same": fmt.Sprint(i)}, wantPacks: i + 1})
			}
			s = append(s, step{put: map[string]string{"http/last": "x"}, wantPacks: 1})
			want := map[string]string{"http/last": "x", "http/same": fmt.Sprint(maxPacks - 1)}
			for i := range maxPacks {
				want[fmt.Sprintf("http/k%d", i)] = fmt.Sprint(i)
			}
			return append(s, step{want: want, wantPacks: 1})
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, st := range tt.steps {
				c := &Cache{Dir: dir}
				c.Open()
				for k, want := range st.want {
					kind, key, _ := strings.Cut(k, "/")
					got, ok := c.Get(kind, key)
					if want == "" && ok || want != "" && string(got) != want {
						t.Errorf("step %d: Get(%s) = %q, %v; want %q", i, k, got, ok, want)
					}
				}
				for k, v := range st.put {
					kind, key, _ := strings.Cut(k, "/")
					c.Put(kind, key, []byte(v))
					if got, ok := c.Get(kind, key); !ok || string(got) != v {
						t.Errorf("step %d: Get(%s) right after Put = %q, %v", i, k, got, ok)
					}
				}
				c.Close()
				if n := len(packNames(t, dir)); n != st.wantPacks {
					t.Errorf("step %d: %d packs %v, want %d", i, n, packNames(t, dir), st.wantPacks)
				}
			}
			// Files outside Open/Close: one per entry, as before.
			c := &Cache{Dir: dir}
			c.Put("target", "abcd", []byte("t"))
			if got, ok := c.Get("target", "abcd"); !ok || string(got) != "t" {
				t.Errorf("file entry: %q, %v", got, ok)
			}
			if _, err := os.Stat(filepath.Join(dir, "target", "ab", "abcd")); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestCachePackDamage: a damaged pack, or a damaged entry, reads as a
// miss, never as wrong data.
func TestCachePackDamage(t *testing.T) {
	for _, tt := range []struct {
		name   string
		damage func(b []byte) []byte
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)-5] }},
		{"empty", func([]byte) []byte { return nil }},
		{"bad magic", func(b []byte) []byte { b[0] ^= 1; return b }},
		{"entry data", func(b []byte) []byte { b[len(packMagic)] ^= 1; return b }},
		{"index", func(b []byte) []byte { b[len(b)-17] ^= 1; return b }},
		{"footer offset", func(b []byte) []byte { b[len(b)-16] = 0xff; b[len(b)-9] = 0x7f; return b }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := &Cache{Dir: dir}
			c.Open()
			c.Put("http", "a", []byte("hello"))
			c.Close()
			p := filepath.Join(dir, "packs", packNames(t, dir)[0])
			b, _ := os.ReadFile(p)
			if err := os.WriteFile(p, tt.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}
			c = &Cache{Dir: dir}
			c.Open()
			defer c.Close()
			if got, ok := c.Get("http", "a"); ok {
				t.Errorf("Get = %q from a damaged pack", got)
			}
		})
	}
}

// TestCacheConcurrent: Get and Put from many goroutines, and two caches
// on one directory, under -race.
func TestCacheConcurrent(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for p := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for run := range maxPacks + 2 {
				c := &Cache{Dir: dir}
				c.Open()
				var g sync.WaitGroup
				for i := range 8 {
					g.Add(1)
					go func() {
						defer g.Done()
						k := fmt.Sprintf("k%d-%d", p, i)
						c.Put("metadata", k, []byte(k))
						if got, ok := c.Get("metadata", k); !ok || string(got) != k {
							t.Errorf("run %d: Get(%s) = %q, %v", run, k, got, ok)
						}
					}()
				}
				g.Wait()
				c.Close()
			}
		}()
	}
	wg.Wait()
	c := &Cache{Dir: dir}
	c.Open()
	defer c.Close()
	for p := range 2 {
		for i := range 8 {
			k := fmt.Sprintf("k%d-%d", p, i)
			if got, ok := c.Get("metadata", k); !ok || string(got) != k {
				t.Errorf("after both: Get(%s) = %q, %v", k, got, ok)
			}
		}
	}
}
