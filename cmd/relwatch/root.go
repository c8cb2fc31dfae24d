package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/output"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/stores"
)

// streams are a command's standard streams; tests pass buffers.
type streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// colorOut reports whether stdout is a terminal that wants colour.
func (s streams) colorOut() bool {
	return output.IsTerminal(s.Out) && os.Getenv("NO_COLOR") == ""
}

// globals are the flags every command takes, and what they resolve to.
type globals struct {
	io         streams
	configFlag string
	dbFlag     string
	logLevel   string
	logFormat  string
	log        *slog.Logger
}

// config loads the configuration the flags and environment point at.
func (g *globals) config() (config.Config, error) {
	return config.Load(config.Find(g.configFlag))
}

// archivePath is --db, else $RELWATCH_DB, else the config's archive, else
// ./relwatch.db: a file, or a PostgreSQL connection string.
func (g *globals) archivePath(cfg config.Config) string {
	switch {
	case g.dbFlag != "":
		return g.dbFlag
	case envArchive() != "":
		return envArchive()
	case cfg.Archive != "":
		return cfg.Archive
	default:
		return config.DefaultArchive
	}
}

// openArchive opens the archive for reading; it never creates one.
func (g *globals) openArchive(ctx context.Context) (relwatch.Store, error) {
	cfg, err := g.config()
	if err != nil {
		return nil, err
	}
	return stores.Open(ctx, g.archivePath(cfg), false)
}

// openArchiveAs opens the archive, for writing when write. When that creates a new archive
// it says so (a warning, so that a mistyped --db in a cron line shows at
// once instead of quietly starting a second history).
func (g *globals) openArchiveAs(ctx context.Context, cfg config.Config, write bool) (relwatch.Store, error) {
	arc, err := stores.Open(ctx, g.archivePath(cfg), write)
	if c, ok := arc.(interface{ Created() bool }); err == nil && ok && c.Created() {
		g.log.Warn("created a new archive at "+arc.Path(), "archive", arc.Path())
	}
	return arc, err
}

// closeArchive closes arc and keeps its error in *err: the final write-back
// of a writing command can fail (a full disk), which is an archive problem
// even when everything before it went well.
func closeArchive(arc relwatch.Store, err *error) {
	if cerr := arc.Close(); cerr != nil {
		*err = errors.Join(*err, cerr)
	}
}

// openPage opens the archive for reading and resolves a PAGE argument in
// it. The caller closes the archive.
func (g *globals) openPage(ctx context.Context, ref string) (relwatch.Store, snapshots.PageKey, error) {
	arc, err := g.openArchive(ctx)
	if err != nil {
		return nil, snapshots.PageKey{}, err
	}
	key, err := history.ResolvePage(ctx, arc, ref)
	if err != nil {
		arc.Close()
		return nil, key, err
	}
	return arc, key, nil
}

func newRootCommand(io streams) *cobra.Command {
	g := &globals{io: io}
	root := &cobra.Command{
		Use:   "relwatch",
		Short: "Track changes to official web pages, with evidence",
		Long: `relwatch fetches each configured page politely, turns it into a structured
snapshot (title, update stamp, lead, captions, sections, paragraphs, bullets),
archives every distinct version in an SQLite file, and tells you what changed
and when.

Configuration: --config FILE, else $RELWATCH_CONFIG, else ./relwatch.yaml,
else the built-in targets (NATO "Relations with Kazakhstan", en and fr).
Pages are named <id>/<lang>, e.g. kazakhstan/fr; <id> alone works when the
page has one language.`,
		Version:       relwatchVersion(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				msg := fmt.Sprintf("unknown command %q", args[0])
				if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
					msg += fmt.Sprintf(": did you mean %s?", strings.Join(s, " or "))
				}
				return usageError(fmt.Errorf("%s (see relwatch --help)", msg))
			}
			return nil
		},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := refuseNegativeDurations(cmd); err != nil {
				return usageError(err)
			}
			logger, err := output.NewLogger(io.Err, g.logLevel, g.logFormat)
			if err != nil {
				return usageError(err)
			}
			g.log = logger
			output.RouteStdlibLog(logger)
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.PersistentFlags().StringVar(&g.configFlag, "config", "", "config file (default $RELWATCH_CONFIG, else ./relwatch.yaml, else built-in targets)")
	root.PersistentFlags().StringVar(&g.dbFlag, "db", "", "archive: a file or a PostgreSQL connection string postgres://… (default $RELWATCH_DB, else the config's archive:, else ./relwatch.db)")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "warn", "stderr log level: debug, info, warn or error")
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "", "stderr log format: text or json (default: text on a terminal, else json)")
	root.SetUsageTemplate(root.UsageTemplate() + "\n" + exitCodesHelp + "\n")

	root.AddCommand(
		newScrapeCommand(g),
		newLogCommand(g),
		newShowCommand(g),
		newDiffCommand(g),
		newPagesCommand(g),
		newSearchCommand(g),
		newCheckCommand(g),
		newReparseCommand(g),
		newWatchCommand(g),
		newConfigCommand(g),
		newExportCommand(g),
		newFeedCommand(g),
		newServeCommand(g),
		newBackfillCommand(g),
		newImportCommand(g),
		newNotifyCommand(g),
		newDevCommand(g),
		newArchiveCommand(g),
		newWorkerCommand(g),
	)
	return root
}

// exactArgs is cobra.ExactArgs with a usage exit code and the usage line.
func exactArgs(n int) cobra.PositionalArgs { return withUsage(cobra.ExactArgs(n)) }

// maxArgs is cobra.MaximumNArgs with a usage exit code and the usage line.
func maxArgs(n int) cobra.PositionalArgs { return withUsage(cobra.MaximumNArgs(n)) }

// withUsage makes an argument check's error a usage error that shows how
// the command is called.
func withUsage(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError(fmt.Errorf("%v\nusage: %s", err, cmd.UseLine()))
		}
		return nil
	}
}

// refuseNegativeDurations refuses a negative value for any duration flag
// (--lock-timeout -1s, --deadline -5m): none of them has a meaning for one.
func refuseNegativeDurations(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Value.Type() != "duration" || err != nil {
			return
		}
		if d, perr := time.ParseDuration(f.Value.String()); perr == nil && d < 0 {
			err = fmt.Errorf("--%s %v: want a duration of 0 or more", f.Name, d)
		}
	})
	return err
}

// lockArchive takes the archive's writer lock, waiting up to wait for
// another run to release it, and says on stderr whom it waits for.
func (g *globals) lockArchive(ctx context.Context, arc relwatch.Store, wait time.Duration) (unlock func() error, err error) {
	return stores.Lock(ctx, arc, wait, g.io.Err)
}

// dbEnv names the environment variable that gives the archive when --db
// does not: a connection string's password need not then be in a file or
// on a command line.
const dbEnv = "RELWATCH_DB"

// envArchive is $RELWATCH_DB, "" when unset.
func envArchive() string { return os.Getenv(dbEnv) }
