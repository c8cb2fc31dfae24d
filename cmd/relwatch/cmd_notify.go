package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/notify"
)

func newNotifyCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Test the notify: destinations and see what they were sent",
		Long: `The destinations of the config's notify: list get an event for each change
(and each failure streak, and each recovery) that scrape or watch archives.
Events wait in the archive's outbox until delivered; see "Get notified" in
the README.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	test := &cobra.Command{
		Use:   "test [DESTINATION]",
		Short: "Send a sample event to every destination (or one) and say what happened",
		Long: `Send a sample event (event "test", page relwatch/test) to every destination
of the config, or to the one named, now, outside the outbox, and print one
line per destination: sent, or the reason it failed. Exits 3 when one
failed. Nothing is written to the archive.`,
		Example: `  relwatch notify test
  relwatch notify test desk-email`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runNotifyTest(cmd.Context(), g, args) },
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Show pending, delivered and dropped events per destination",
		Long: `Show, for each destination, the events it is owed (pending, and of those how
many were tried and failed), delivered, dropped (older than notify_max_age)
and filtered out (not wanted by its pages: or events:), the oldest pending
event, the last attempt and the last error. "(reports)" is scrape's own
output: an event there is a change a run archived but did not report yet.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runNotifyStatus(cmd.Context(), g) },
	}
	cmd.AddCommand(test, status)
	return cmd
}

func runNotifyTest(ctx context.Context, g *globals, args []string) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	name := ""
	if len(args) == 1 {
		name = args[0]
	}
	dests, err := notify.Named(cfg.Notify.Destinations, name, cfg.Source)
	if err != nil {
		return usageError(err)
	}
	if failed := notify.TestEach(ctx, dests, cfg.Notify.Policy, g.io.Out); failed > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d destinations failed", failed, len(dests))}
	}
	return nil
}

func runNotifyStatus(ctx context.Context, g *globals) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	arc, err := g.openArchive(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	status, err := arc.OutboxStatus(ctx)
	if err != nil {
		return err
	}
	return notify.WriteStatus(g.io.Out, cfg.Notify.Destinations, status)
}
