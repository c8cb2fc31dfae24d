package output

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"

	"golang.org/x/term"
)

// NewLogger builds the stderr logger: text on a terminal, JSON otherwise
// (cron mail and CI logs), unless --log-format says which.
func NewLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	if format == "" {
		format = "json"
		if IsTerminal(w) {
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

// RouteStdlibLog sends what Go's own libraries print through the standard
// log package — net/http's "Unsolicited response received on idle HTTP
// channel" after a too-short Content-Length, for one — to logger as
// warnings, so that --log-format json stays JSON.
func RouteStdlibLog(logger *slog.Logger) {
	log.SetFlags(0)
	log.SetOutput(slog.NewLogLogger(logger.Handler(), slog.LevelWarn).Writer())
}

// IsTerminal reports whether w (or the writer a SafeWriter writes to) is
// a terminal.
func IsTerminal(w io.Writer) bool {
	if s, ok := w.(*SafeWriter); ok {
		w = s.Unwrap()
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
