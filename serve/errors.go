package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/history"
)

// Error kinds, the "kind" of a JSON error.
const (
	KindBadInput     = "bad_input"          // 400: the request cannot be answered as asked
	KindNotFound     = "not_found"          // 404: no such page, version or route
	KindMethod       = "method_not_allowed" // 405
	KindUnauthorized = "unauthorized"       // 401: the token is missing or wrong
	KindBusy         = "busy"               // 503: too many heavy requests at once
	KindTimeout      = "timeout"            // 503: the request ran out of time
	KindUnusable     = "archive_unusable"   // 500: the archive cannot be read
	KindInternal     = "internal"           // 500: anything else
)

// Error is an answer other than 200: a status, a kind and a message that
// says what was asked and why it cannot be answered.
type Error struct {
	Status int
	Kind   string
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

func badInput(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Kind: KindBadInput, Msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *Error {
	return &Error{Status: http.StatusNotFound, Kind: KindNotFound, Msg: fmt.Sprintf(format, args...)}
}

// asError turns an error from the read side into an answer.
func asError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, history.ErrBadInput):
		return &Error{Status: http.StatusBadRequest, Kind: KindBadInput, Msg: err.Error()}
	case errors.Is(err, relwatch.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Kind: KindNotFound, Msg: err.Error()}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Kind: KindTimeout, Msg: "the request took too long and was stopped: " + err.Error()}
	case errors.Is(err, relwatch.ErrUnusable):
		return &Error{Status: http.StatusInternalServerError, Kind: KindUnusable, Msg: err.Error()}
	}
	return &Error{Status: http.StatusInternalServerError, Kind: KindInternal, Msg: err.Error()}
}

// isAPI reports whether a request is for the JSON API, whose errors are
// JSON too.
func isAPI(r *http.Request) bool {
	return r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
}

// writeError answers with e: JSON {"error", "kind"} for the API, an HTML
// page for the rest.
func writeError(w http.ResponseWriter, r *http.Request, e *Error) {
	h := w.Header()
	h.Del("ETag")
	h.Set("Cache-Control", "no-store")
	if !isAPI(r) {
		var buf bytes.Buffer
		if err := renderErrorPage(&buf, e); err == nil {
			h.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(e.Status)
			if r.Method != http.MethodHead {
				w.Write(buf.Bytes())
			}
			return
		}
	}
	body, _ := json.Marshal(struct {
		Error string `json:"error"`
		Kind  string `json:"kind"`
	}{e.Msg, e.Kind})
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		w.Write(append(body, '\n'))
	}
}
