package main

import (
	"context"
	"fmt"

	"github.com/relwatch/relwatch/history"
	"github.com/spf13/cobra"
)

func newCheckCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify the archive: integrity, raw body digests, content hashes, references",
		Long: `Verify the whole archive: SQLite's integrity check, every raw body's SHA-256
recomputed, every version's content hash recomputed from its snapshot,
every reference between tables intact, and every page's versions in the
order they were first seen. Prints each problem found and exits 4
if there is any; prints "ok" and exits 0 otherwise.`,
		Example: `  relwatch check --db relwatch.db`,
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, _ []string) error { return runCheck(cmd.Context(), g) },
	}
}

func runCheck(ctx context.Context, g *globals) error {
	arc, err := g.openArchive(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	problems, err := arc.Check(ctx)
	if err != nil {
		return err
	}
	timeline, err := history.TimelineProblems(ctx, arc)
	if err != nil {
		return err
	}
	problems = append(problems, timeline...)
	for _, p := range problems {
		fmt.Fprintln(g.io.Out, p)
	}
	if len(problems) > 0 {
		return &exitError{code: exitUnusable, err: fmt.Errorf("%s: %d problems found", arc.Path(), len(problems))}
	}
	_, err = fmt.Fprintf(g.io.Out, "%s: ok\n", arc.Path())
	return err
}
