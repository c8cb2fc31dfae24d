package main

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"

	"github.com/relwatch/relwatch/output"
	"golang.org/x/term"
)

// newLogger builds the stderr logger: text on a terminal, JSON otherwise
// (cron mail and CI logs), unless --log-format says which.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	if format == "" {
		format = "json"
		if isTerminal(w) {
			format = "text"
		}
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// routeStdlibLog sends what Go's own libraries print through the standard
// log package — net/http's "Unsolicited response received on idle HTTP
// channel" after a too-short Content-Length, for one — to logger as
// warnings, so that --log-format json stays JSON.
func routeStdlibLog(logger *slog.Logger) {
	log.SetFlags(0)
	log.SetOutput(slog.NewLogLogger(logger.Handler(), slog.LevelWarn).Writer())
}

func isTerminal(w io.Writer) bool {
	if s, ok := w.(*output.SafeWriter); ok {
		w = s.Unwrap()
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
