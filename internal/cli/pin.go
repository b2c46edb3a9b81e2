package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/bundle-wsgi/bundle/bundle"
	"github.com/bundle-wsgi/bundle/spec"
)

type pinCmd struct {
	cmd  *cobra.Command
	opts bundle.PinOptions
}

func newPinCmd() *pinCmd {
	c := &pinCmd{}
	c.cmd = &cobra.Command{
		Use:   "pin [DIR]",
		Short: "Resolve dependencies.in into a pinned, hashed dependencies.txt",
		Long: `Pin resolves the app's direct requirements (dependencies.in in DIR, default the
current directory) and everything they need into dependencies.txt, in the pinned
form of SPEC.md: one name==version per distribution, sorted, with a sha256 hash of
every wheel of that version the target can install and a "# via" annotation.

The target is the bundle's Python (bundle.toml, else the local search), or
--python-version and --platform. Versions already pinned in dependencies.txt are
kept while they still fit; --upgrade and --upgrade-package change that. The file is
written atomically and only when its content changes. When no set of versions
works, the error explains the conflict step by step.

Where distributions come from, for each setting separately, the first that sets it:
the flags, then PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS and PIP_NO_INDEX,
then the option lines of dependencies.in, then bundle.toml [index], then
https://pypi.org/simple. For each project the first index that has it supplies all
its files (protection against dependency confusion); find-links are always added.
--index-strategy unsafe-best-match (or bundle.toml [index] strategy) merges the
files of every index instead: only when every index is trusted with every name.
Credentials come from the URL or ~/.netrc. Index pages and metadata are cached
under the user cache directory ($BUNDLE_CACHE_DIR overrides).

Exit codes: 0 pinned (or up to date), 1 failure (no solution, --check found stale
pins), 2 usage error.`,
		Example: `  bundle pin
  bundle pin --find-links ./wheels --no-index
  bundle pin --python-version 3.11 --platform manylinux_2_28_x86_64
  bundle pin --upgrade-package flask        # move flask, keep the other pins
  bundle pin --dry-run                      # print the diff, write nothing
  bundle pin --check                        # in CI: fail when dependencies.txt is stale`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				c.opts.Dir = args[0]
			}
			if c.opts.DryRun && c.opts.Check {
				return &usageError{errors.New("--dry-run and --check cannot be used together")}
			}
			if s := c.opts.IndexStrategy; s != "" && s != spec.IndexFirst && s != spec.IndexBestMatch {
				return &usageError{fmt.Errorf("--index-strategy %q is not one of %s and %s", s, spec.IndexFirst, spec.IndexBestMatch)}
			}
			c.opts.Out = cmd.OutOrStdout()
			if f, ok := cmd.ErrOrStderr().(*os.File); ok && isTerminal(f) {
				c.opts.Progress = f
			}
			_, err := bundle.Pin(cmd.Context(), c.opts)
			return err
		},
	}
	f := c.cmd.Flags()
	f.BoolVarP(&c.opts.Upgrade, "upgrade", "U", false, "ignore the versions pinned in dependencies.txt")
	f.StringArrayVarP(&c.opts.UpgradePackages, "upgrade-package", "P", nil, "ignore the pinned version of NAME (repeatable)")
	f.StringVar(&c.opts.PythonVersion, "python-version", "", "target Python version, such as 3.11 (default: the bundle's interpreter)")
	f.StringVar(&c.opts.Platform, "platform", "", "target platform tag, such as linux_x86_64, manylinux_2_28_aarch64, musllinux_1_2_x86_64, macosx_14_0_arm64, win_amd64")
	f.StringVarP(&c.opts.IndexURL, "index-url", "i", "", "base URL of a PEP 503/691 simple index")
	f.StringArrayVar(&c.opts.ExtraIndexURLs, "extra-index-url", nil, "another index, consulted for projects the earlier ones lack (repeatable)")
	f.StringArrayVarP(&c.opts.FindLinks, "find-links", "f", nil, "a directory or URL of distribution files (repeatable)")
	f.BoolVar(&c.opts.NoIndex, "no-index", false, "use no index, only --find-links")
	f.StringVar(&c.opts.IndexStrategy, "index-strategy", "", "first-index: the first index that has a project supplies it; unsafe-best-match: merge every index's files (default: bundle.toml, else first-index)")
	f.BoolVar(&c.opts.Offline, "offline", false, "use only the cache and local find-links")
	f.BoolVar(&c.opts.Refresh, "refresh", false, "ignore cached index pages")
	f.BoolVar(&c.opts.DryRun, "dry-run", false, "print the diff instead of writing dependencies.txt")
	f.BoolVar(&c.opts.Check, "check", false, "write nothing; exit 1 when dependencies.txt is not up to date, saying which pins are missing, extra or different")
	return c
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
