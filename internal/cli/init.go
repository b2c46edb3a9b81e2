package cli

import (
	"github.com/spf13/cobra"

	"github.com/bundle-wsgi/bundle/bundle"
)

type initCmd struct {
	cmd  *cobra.Command
	opts bundle.InitOptions
}

func newInitCmd() *initCmd {
	c := &initCmd{}
	c.cmd = &cobra.Command{
		Use:   "init [DIR]",
		Short: "Make an existing app repository a bundle",
		Long: `Init scaffolds an app bundle in DIR (default: the current directory), an existing
app repository. It finds the WSGI app (from --app, or by detecting a Flask app,
a Flask create_app() factory or a Django wsgi.py), imports the direct requirements
from requirements.txt or pyproject.toml, and writes bundle.toml, dependencies.in,
dependencies.txt, external-dependencies.txt and bin/wsgiapp.

It never overwrites an existing file unless --force is given, so running it twice
changes nothing. It prints what it wrote and the command to type next.`,
		Example: `  bundle init
  bundle init ./myapp --app myapp.web:app
  bundle init --app 'myapp:create_app()'   # an app factory, as gunicorn accepts
  bundle init --name shop --version 1.2.0 --force`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				c.opts.Dir = args[0]
			}
			c.opts.Out = cmd.OutOrStdout()
			_, err := bundle.Init(cmd.Context(), c.opts)
			return err
		},
	}
	f := c.cmd.Flags()
	f.StringVar(&c.opts.App, "app", "", "the WSGI app as module:attribute, or module:factory() for an app factory")
	f.StringVar(&c.opts.Name, "name", "", "the app's name (default: pyproject's name, else the directory's)")
	f.StringVar(&c.opts.Version, "version", "", "the app's semver version (default: pyproject's, else 0.1.0)")
	f.BoolVar(&c.opts.Force, "force", false, "overwrite files that already exist")
	return c
}
