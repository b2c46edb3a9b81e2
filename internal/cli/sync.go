package cli

import (
	"github.com/spf13/cobra"

	"github.com/bundle-wsgi/bundle/bundle"
)

type syncCmd struct {
	cmd  *cobra.Command
	opts bundle.SyncOptions
}

func newSyncCmd() *syncCmd {
	c := &syncCmd{}
	c.cmd = &cobra.Command{
		Use:   "sync [DIR]",
		Short: "Make the app's virtualenv hold exactly the pinned wheels",
		Long: `Sync creates the app's virtualenv (DIR/.venv, or --venv) if needed and installs
exactly the distributions pinned in dependencies.txt, natively (no pip): correct
ones are left alone, wrong versions replaced, extra ones removed using their RECORD.
The bundle_runtime wheel (beside the bundle executable, in ./dist, or
--runtime-wheel) is installed too, so that bin/wsgiapp can serve.

The interpreter is --python, else bundle.toml's [python] interpreter, else the
virtualenv's, else python3.X for the Python dependencies.txt was pinned for, then
the newest python3.X on PATH, python3, python: the first satisfying requires-python.
Sync says which one it chose and why the others were not. A virtualenv whose base
interpreter vanished or changed minor version is rebuilt, with a message.

Every wheel's hash is checked against dependencies.txt before it is unpacked; a
dependencies.txt that is not pinned with hashes is refused unless --no-verify.
Wheels come from a cache of unpacked wheels under the user cache directory
($BUNDLE_CACHE_DIR overrides), hard-linked into the virtualenv (--copy copies),
then from --wheelhouse DIR, or else from the bundle's index settings (as for
bundle pin). Each distribution is installed atomically, an interrupted sync is
repaired by the next, and concurrent syncs of one virtualenv wait for each other.

Exit codes: 0 in sync, 1 failure, 2 usage error.`,
		Example: `  bundle sync
  bundle sync --wheelhouse ../wheels --offline   # local wheels only
  bundle sync --python python3.12 --venv /srv/app/venv
  bundle sync --compile                          # also byte-compile the modules`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				c.opts.Dir = args[0]
			}
			c.opts.Out = cmd.OutOrStdout()
			_, err := bundle.Sync(cmd.Context(), c.opts)
			return err
		},
	}
	f := c.cmd.Flags()
	f.StringVar(&c.opts.Venv, "venv", "", "the virtualenv directory (default DIR/.venv)")
	f.StringVar(&c.opts.Python, "python", "", "the base interpreter: a command or a path")
	f.StringVar(&c.opts.Wheelhouse, "wheelhouse", "", "take wheels only from this directory (and the cache)")
	f.BoolVar(&c.opts.Offline, "offline", false, "use only the wheel cache and local directories")
	f.BoolVar(&c.opts.NoVerify, "no-verify", false, "install requirements that are not pinned or have no hash")
	f.BoolVar(&c.opts.Compile, "compile", false, "byte-compile the installed modules")
	f.BoolVar(&c.opts.Reinstall, "reinstall", false, "reinstall every distribution")
	f.StringVar(&c.opts.RuntimeWheel, "runtime-wheel", "", `the bundle_runtime wheel to install ("none": skip it)`)
	f.BoolVar(&c.opts.Copy, "copy", false, "copy files from the wheel cache instead of hard-linking them")
	return c
}
