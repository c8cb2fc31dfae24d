package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/nicholas-fedor/shoutrrr/pkg/router"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"

	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
)

// channel sends messages to one destination.
type channel interface {
	// send delivers one event; digest several in one message, where the
	// channel can (a webhook cannot: its receiver wants one event each).
	send(ctx context.Context, v view) error
	digest(ctx context.Context, views []view) (ok bool, err error)
	// dedupes reports whether the receiver can tell a repeat by the
	// event's id (relwatch's webhook: X-Relwatch-Delivery), so that a
	// send whose outcome is unknown may simply be sent again.
	dedupes() bool
}

// unknownOutcome is a send that got no answer in time: the message may
// still arrive. A channel whose receiver cannot drop a repeat sends such
// an event at most once more (see Sender.send).
type unknownOutcome struct{ msg string }

func (e *unknownOutcome) Error() string { return e.msg }

// retryAfterError is a refusal that says when to come back (429 with
// Retry-After).
type retryAfterError struct {
	msg   string
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.msg }

// newChannel makes the channel of d. For a shoutrrr URL that shoutrrr
// cannot use, the error says why, without the URL.
func newChannel(d Destination, client *http.Client, timeout time.Duration) (channel, error) {
	if d.Kind == KindWebhook {
		return &webhook{d: d, client: client}, nil
	}
	svc, err := Service(d.URL)
	if err != nil {
		return nil, errors.New(d.Scrub(err.Error()))
	}
	return &shoutrrrChannel{d: d, svc: svc, timeout: timeout}, nil
}

// Service is the shoutrrr service of a URL, initialised (nothing is sent).
func Service(rawURL string) (types.Service, error) {
	r, err := router.New(nil)
	if err != nil {
		return nil, err
	}
	return r.Locate(rawURL)
}

// Schemes are the shoutrrr services known to this relwatch.
func Schemes() []string {
	r, _ := router.New(nil)
	return r.ListServices()
}

type shoutrrrChannel struct {
	d       Destination
	svc     types.Service
	timeout time.Duration
}

func (c *shoutrrrChannel) dedupes() bool { return false }

func (c *shoutrrrChannel) send(ctx context.Context, v view) error {
	return c.message(ctx, v.render(c.d.Format))
}

func (c *shoutrrrChannel) digest(ctx context.Context, views []view) (bool, error) {
	return true, c.message(ctx, digest(views, c.d.Format))
}

// message sends m. shoutrrr's Send takes no context: it runs in a
// goroutine, and a send that outlasts the timeout (or a stop signal) has
// an unknown outcome: it may still arrive.
func (c *shoutrrrChannel) message(ctx context.Context, m Message) error {
	done := make(chan error, 1)
	go func() {
		params := types.Params{}
		params.SetTitle(m.Title)
		done <- c.svc.Send(m.Body, &params)
	}()
	t := time.NewTimer(c.timeout)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil {
			return errors.New(c.d.Scrub(err.Error()))
		}
		return nil
	case <-t.C:
		return &unknownOutcome{fmt.Sprintf("no answer within %s; it may still arrive", c.timeout)}
	case <-ctx.Done():
		return &unknownOutcome{fmt.Sprintf("stopped while sending (%v); it may still arrive", ctx.Err())}
	}
}

// webhook is relwatch's own JSON webhook: one POST per event, signed as
// GitHub signs its webhooks.
type webhook struct {
	d      Destination
	client *http.Client
}

func (w *webhook) digest(context.Context, []view) (bool, error) { return false, nil }

func (w *webhook) dedupes() bool { return true }

func (w *webhook) send(ctx context.Context, v view) error {
	body, err := Payload(v)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.d.URL, bytes.NewReader(body))
	if err != nil {
		return errors.New(w.d.Scrub(err.Error()))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "relwatch-webhook")
	req.Header.Set("X-Relwatch-Event", v.Kind)
	req.Header.Set("X-Relwatch-Delivery", v.ID)
	req.Header.Set("X-Relwatch-Signature", Sign(w.d.Secret, body))
	resp, err := w.client.Do(req)
	if err != nil {
		return errors.New(w.d.Scrub(err.Error()))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		if after, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return &retryAfterError{msg: fmt.Sprintf("receiver answered %s, retry after %s", resp.Status, after), after: after}
		}
	}
	return fmt.Errorf("receiver answered %s", resp.Status)
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Sign is the X-Relwatch-Signature of body: "sha256=" and the hex
// HMAC-SHA256 of the body with the secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// WebhookPayload is the JSON body of relwatch's webhook. Every field is
// always there, null when it does not apply.
type WebhookPayload struct {
	ID              string              `json:"id"`
	Event           string              `json:"event"`
	Page            string              `json:"page"`
	URL             string              `json:"url"`
	Version         *int                `json:"version"`
	PreviousVersion *int                `json:"previous_version"`
	ContentHash     *string             `json:"content_hash"`
	PreviousHash    *string             `json:"previous_hash"`
	FirstSeen       *snapshots.JSONTime `json:"first_seen"`
	WindowStart     *snapshots.JSONTime `json:"window_start"`
	UpdatedRaw      *string             `json:"updated_raw"`
	UpdatedAt       *string             `json:"updated_at"`
	Summary         string              `json:"summary"`
	Changes         json.RawMessage     `json:"changes"` // the `diff --format json` body; null unless a change whose versions read back
	StampOnly       bool                `json:"stamp_only"`
	ParserChange    bool                `json:"parser_change"`
	Suspect         *string             `json:"suspect"`
	Source          string              `json:"source"`
	ErrorKind       *string             `json:"error_kind"`
	Error           *string             `json:"error"`
	Failures        *int                `json:"failures"`
	LastSuccess     *snapshots.JSONTime `json:"last_success"`  // of a stale page
	StaleSince      *snapshots.JSONTime `json:"stale_since"`   // of a stale page
	LastChange      *snapshots.JSONTime `json:"last_change"`   // of a lagging language: its latest content change
	Ahead           *string             `json:"ahead"`         // of a lagging language: the sibling that changed later
	AheadChanged    *snapshots.JSONTime `json:"ahead_changed"` // and when
	RemovedSince    *snapshots.JSONTime `json:"removed_since"` // of a removed or restored event: the first check that found the page gone
	Status          *int                `json:"status"`        // of a removed or restored event: the HTTP status that said so (404, 410); null for a redirect or an empty page
	Reason          *string             `json:"reason"`        // of a removed or restored event: "HTTP 404 Not Found", "redirected to another site", "no content"
	Created         snapshots.JSONTime  `json:"created"`
	Links           WebhookLinks        `json:"links"`
}

// WebhookLinks are the links of a webhook event.
type WebhookLinks struct {
	Page string  `json:"page"`
	Diff *string `json:"diff"` // serve's diff page, when a base URL is configured
}

// Payload is the webhook body of v.
func Payload(v view) ([]byte, error) {
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	num := func(n int) *int {
		if n == 0 {
			return nil
		}
		return &n
	}
	p := WebhookPayload{
		ID: v.ID, Event: v.Kind, Page: v.Page, URL: v.URL,
		Version: num(v.Version), PreviousVersion: num(v.PreviousVersion),
		ContentHash: str(v.ContentHash), PreviousHash: str(v.PreviousHash),
		FirstSeen: snapshots.JSONTimePtr(v.FirstSeen), WindowStart: snapshots.JSONTimePtr(v.WindowStart),
		UpdatedRaw: str(v.UpdatedRaw), UpdatedAt: str(v.UpdatedAt),
		Summary: v.Line, Changes: json.RawMessage("null"),
		StampOnly: v.StampOnly, ParserChange: v.ParserChange, Suspect: str(v.Suspect),
		Source: v.Source, ErrorKind: str(v.ErrorKind), Error: str(v.Error), Failures: num(v.Failures),
		LastSuccess: snapshots.JSONTimePtr(v.LastSuccess), StaleSince: snapshots.JSONTimePtr(v.StaleSince),
		LastChange: snapshots.JSONTimePtr(v.LastChange), Ahead: str(v.Ahead), AheadChanged: snapshots.JSONTimePtr(v.AheadChanged),
		RemovedSince: snapshots.JSONTimePtr(v.RemovedSince), Status: num(v.Status), Reason: str(v.Reason),
		Created: snapshots.JSONTimeOf(v.Created), Links: WebhookLinks{Page: v.PageLink, Diff: str(v.DiffLink)},
	}
	if v.Report != nil {
		var buf bytes.Buffer
		if err := diff.Render(&buf, "json", *v.Report, diff.RenderOptions{}); err != nil {
			return nil, err
		}
		p.Changes = bytes.TrimSpace(buf.Bytes())
	}
	return json.Marshal(p)
}
