package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/output"
)

func newLogCommand(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "log PAGE",
		Short: "List the versions of a page, oldest first",
		Long: `List the versions of a page, oldest first: version number, when relwatch
first and last saw it, how many checks saw it, the page's declared update
stamp, and what changed from the version before.`,
		Example: `  relwatch log kazakhstan/fr
  relwatch log kazakhstan/en --json | jq '.[-1]'`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLog(cmd.Context(), g, args[0], asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func runLog(ctx context.Context, g *globals, ref string, asJSON bool) error {
	defer batchGC()()
	arc, key, err := g.openPage(ctx, ref)
	if err != nil {
		return err
	}
	defer arc.Close()
	// One buffered writer for the whole listing: thousands of lines, not
	// thousands of write system calls, made safe for a terminal and
	// written on another core while the next lines are formatted.
	out := output.NewBackgroundWriter(g.io.Out, 64<<10)
	err = history.WriteLog(ctx, arc, key, out, asJSON)
	return errors.Join(err, out.Close())
}
