package universe

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bundle-wsgi/bundle/internal/resolve"
)

var update = flag.Bool("update", false, "rewrite testdata/answers.golden")

// TestAnswers pins the resolver's exact answers, not only their
// validity: for many universes, the chosen versions, the number of
// decisions and the explanation of a conflict, as a digest a line. A
// change that should only make the resolver faster must leave it as is.
func TestAnswers(t *testing.T) {
	var b strings.Builder
	for _, size := range []int{10, 50, 200, 400} {
		for seed := range uint64(6) {
			for _, unsolvable := range []bool{false, true} {
				u := Generate(Options{Seed: seed, Packages: size, Unsolvable: unsolvable})
				sol, err := resolve.Resolve(context.Background(), u.Provider(), resolve.Options{Requirements: parse(t, u.Root), Env: env})
				var answer string
				var ns *resolve.NoSolutionError
				switch {
				case errors.As(err, &ns):
					answer = "no solution:\n" + ns.Explanation
				case err != nil:
					t.Fatal(err)
				default:
					var pins []string
					for _, d := range sol.Dists {
						pins = append(pins, d.Name+"=="+d.Version.String()+"["+strings.Join(d.Extras, ",")+"] via "+strings.Join(d.Via, ","))
					}
					answer = fmt.Sprintf("steps %d\n%s", sol.Steps, strings.Join(pins, "\n"))
				}
				h := sha256.Sum256([]byte(answer))
				fmt.Fprintf(&b, "n%d seed%d unsolvable=%v %s\n", size, seed, unsolvable, hex.EncodeToString(h[:8]))
			}
		}
	}
	path := filepath.Join("testdata", "answers.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run TestAnswers -update creates it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("the resolver's answers changed (go test -run TestAnswers -update if that is intended):\n--- got:\n%s--- want:\n%s", b.String(), want)
	}
}

// BenchmarkResolve resolves the universes of bench/pin (synth-400 is seed
// 3, unsolvable-400 seed 4) from memory: the resolver's own CPU.
func BenchmarkResolve(b *testing.B) {
	for _, c := range []struct {
		name       string
		seed       uint64
		unsolvable bool
	}{{"synth-400", 3, false}, {"unsolvable-400", 4, true}, {"synth-200", 2, false}} {
		b.Run(c.name, func(b *testing.B) {
			u := Generate(Options{Seed: c.seed, Packages: 400, Unsolvable: c.unsolvable})
			if c.name == "synth-200" {
				u = Generate(Options{Seed: c.seed, Packages: 200})
			}
			reqs := parse(&testing.T{}, u.Root)
			p := u.Provider()
			b.ReportAllocs()
			for b.Loop() {
				_, err := resolve.Resolve(context.Background(), p, resolve.Options{Requirements: reqs, Env: env})
				var ns *resolve.NoSolutionError
				if err != nil && !errors.As(err, &ns) {
					b.Fatal(err)
				}
			}
		})
	}
}
