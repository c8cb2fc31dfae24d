package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/postgres"
	"github.com/relwatch/relwatch/track"
)

// newDevCommand groups the developer tools; it is hidden from help.
func newDevCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "dev",
		Short:  "Developer tools (benchmark fixtures)",
		Hidden: true,
		Args:   exactArgs(0),
		RunE:   func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newGenArchiveCommand(g))
	return cmd
}

type genArchiveOptions struct {
	pages, versions int
	seed            uint64
	noDiff          bool
}

func newGenArchiveCommand(g *globals) *cobra.Command {
	var opts genArchiveOptions
	cmd := &cobra.Command{
		Use:   "gen-archive --db FILE",
		Short: "Write a synthetic archive of P pages × V versions, for benchmarks",
		Long: `Write a new synthetic archive (the file must not exist) of --pages pages with
--versions versions each: realistic relations pages edited one bullet at a
time, the stamp moving with every version, one or two unchanged checks
between versions. The same --seed gives the same archive. The phrase
"` + archive.GenerateRarePhrase + `" appears in exactly one version.

Durability is relaxed while generating (synchronous=OFF); do not point it at
anything you would mind losing. See docs/performance.md.`,
		Example: `  relwatch dev gen-archive --pages 200 --versions 5000 --db /tmp/big.db`,
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, _ []string) error { return runGenArchive(cmd.Context(), g, opts) },
	}
	f := cmd.Flags()
	f.IntVar(&opts.pages, "pages", 200, "pages")
	f.IntVar(&opts.versions, "versions", 5000, "versions per page")
	f.Uint64Var(&opts.seed, "seed", 1, "random seed")
	f.BoolVar(&opts.noDiff, "no-diff", false, "store the generator's summary and a null diff instead of running the differ (faster)")
	return cmd
}

func runGenArchive(ctx context.Context, g *globals, opts genArchiveOptions) error {
	if g.dbFlag == "" {
		return usageError(fmt.Errorf("gen-archive: --db FILE is required"))
	}
	if postgres.IsDSN(g.dbFlag) {
		// The generator writes SQLite only. Say so without echoing the
		// connection string's password.
		return usageError(fmt.Errorf("gen-archive: %s is a PostgreSQL connection string; gen-archive writes a new SQLite file: generate one, then load it with relwatch archive copy FILE postgres://…",
			postgres.Redact(g.dbFlag)))
	}
	gen := archive.GenerateOptions{Pages: opts.pages, Versions: opts.versions, Seed: opts.seed}
	if !opts.noDiff {
		gen.Compare = track.Compare
	}
	start := time.Now()
	stats, err := archive.Generate(ctx, g.dbFlag, gen)
	if err != nil {
		return err
	}
	var size int64
	if fi, err := os.Stat(g.dbFlag); err == nil {
		size = fi.Size()
	}
	_, err = fmt.Fprintf(g.io.Out, "%s: %d pages, %d versions, %d captures, %.1f MB in %s\n",
		g.dbFlag, stats.Pages, stats.Versions, stats.Captures, float64(size)/1e6, time.Since(start).Round(time.Millisecond))
	return err
}
