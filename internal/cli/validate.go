package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/bundle-wsgi/bundle/bundle"
	"github.com/bundle-wsgi/bundle/spec"
)

type validateCmd struct {
	cmd  *cobra.Command
	opts bundle.ValidateOptions
	json bool
}

func newValidateCmd() *validateCmd {
	c := &validateCmd{}
	c.cmd = &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check an app bundle against the standard (SPEC.md)",
		Long: `Validate runs every check of SPEC.md on the bundle in DIR (default: the current
directory): bundle.toml, dependencies.txt (and dependencies.in when present),
external-dependencies.txt and bin/wsgiapp. bin/wsgiapp is parsed, never run, by the
app's Python (--python, bundle.toml's interpreter, the bundle's .venv, or python3
on PATH); without one that check is skipped and the output says so.

Each finding is printed as "file:line:col: CODE: message" followed by a hint.

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error.`,
		Example: `  bundle validate
  bundle validate ./myapp --strict      # also fail when dependencies.txt is not pinned
  bundle validate --json | jq .diagnostics`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				c.opts.Dir = args[0]
			}
			rep, err := bundle.Validate(cmd.Context(), c.opts)
			if err != nil {
				return err
			}
			if c.json {
				err = writeReportJSON(cmd.OutOrStdout(), rep)
			} else {
				err = writeReportText(cmd.OutOrStdout(), rep)
			}
			if err != nil {
				return err
			}
			if !rep.Valid {
				return &exitError{ExitFailure}
			}
			return nil
		},
	}
	f := c.cmd.Flags()
	f.BoolVar(&c.json, "json", false, "print the report as JSON")
	f.BoolVar(&c.opts.Strict, "strict", false, "fail when dependencies.txt is not in pinned form (D006, D007)")
	f.StringVar(&c.opts.Python, "python", "", "Python interpreter for the bin/wsgiapp check (command or path)")
	return c
}

func writeReportJSON(w io.Writer, rep *bundle.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func writeReportText(w io.Writer, rep *bundle.Report) error {
	for _, d := range rep.Diagnostics {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return err
		}
		if d.Hint != "" {
			fmt.Fprintf(w, "    hint: %s\n", d.Hint)
		}
	}
	errs := rep.Diagnostics.Count(spec.SeverityError)
	warns := rep.Diagnostics.Count(spec.SeverityWarning)
	verdict := "valid"
	if !rep.Valid {
		verdict = "invalid"
	}
	_, err := fmt.Fprintf(w, "%s: %s bundle (%s, %s)\n", rep.Dir, verdict, plural(errs, "error"), plural(warns, "warning"))
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
