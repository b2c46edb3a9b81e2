package index

import (
	"os"
	"path/filepath"
	"strings"
)

// Netrc holds the machines of a .netrc file.
type Netrc struct {
	machines map[string][2]string // host -> login, password
	def      *[2]string
}

// ParseNetrc reads the netrc format (machine, default, login, password,
// account, macdef). Hand-written: the standard library has no netrc
// reader, and the format is a dozen lines of tokens.
func ParseNetrc(data string) *Netrc {
	n := &Netrc{machines: map[string][2]string{}}
	toks := strings.Fields(data)
	var cur *[2]string
	var host string
	flush := func() {
		if cur == nil {
			return
		}
		if host == "" {
			c := *cur
			n.def = &c
		} else if _, ok := n.machines[host]; !ok {
			n.machines[host] = *cur
		}
		cur = nil
	}
	for i := 0; i < len(toks); i++ {
		switch toks[i] {
		case "machine":
			flush()
			if i+1 < len(toks) {
				i++
				host, cur = strings.ToLower(toks[i]), &[2]string{}
			}
		case "default":
			flush()
			host, cur = "", &[2]string{}
		case "login":
			if cur != nil && i+1 < len(toks) {
				i++
				cur[0] = toks[i]
			}
		case "password":
			if cur != nil && i+1 < len(toks) {
				i++
				cur[1] = toks[i]
			}
		case "account":
			i++
		case "macdef":
			// A macro runs to the next empty line; tokens cannot tell,
			// so skip to the next machine or default.
			for i+1 < len(toks) && toks[i+1] != "machine" && toks[i+1] != "default" {
				i++
			}
		}
	}
	flush()
	return n
}

// Lookup returns the login and password for host (without port), or the
// default entry.
func (n *Netrc) Lookup(host string) (user, pass string, ok bool) {
	if n == nil {
		return "", "", false
	}
	if c, found := n.machines[strings.ToLower(host)]; found {
		return c[0], c[1], true
	}
	if n.def != nil {
		return n.def[0], n.def[1], true
	}
	return "", "", false
}

// LoadNetrc reads $NETRC, else ~/.netrc; a missing file gives nil.
func LoadNetrc(getenv func(string) string) *Netrc {
	p := getenv("NETRC")
	if p == "" {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		if home == "" {
			return nil
		}
		p = filepath.Join(home, ".netrc")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	return ParseNetrc(string(data))
}
