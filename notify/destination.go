// Package notify delivers the events of checks (relwatch.Event) from an
// archive's outbox to the destinations of the config: relwatch's own
// signed JSON webhook, and every channel shoutrrr speaks (Slack, Teams,
// Discord, Matrix, Telegram, SMTP email, ntfy, Gotify, generic webhooks…).
//
// Delivery loses nothing and repeats nothing that it can help: an event
// is in the outbox from the moment its check is archived (the same
// transaction), and leaves a destination's queue only when the destination
// accepted it, when it is older than the maximum age (dropped, logged and
// counted), or when the destination's filters do not want it. A send with
// no answer in time may still arrive: the webhook, whose receiver can drop
// a repeat by its id, is retried; other channels send it once more at
// most (see Sender.attempt). Destinations are independent: one that fails
// never holds up another.
//
// notify works through Store, a few methods any archive engine provides;
// it knows nothing of SQL.
package notify

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Store is what delivery needs of an archive: the outbox, and the two
// versions of a change to show it.
type Store interface {
	relwatch.Outbox
	Snapshot(ctx context.Context, page snapshots.PageKey, version int) (snapshots.Snapshot, error)
}

// Kinds of destination.
const (
	KindShoutrrr = "shoutrrr" // url: is a shoutrrr service URL
	KindWebhook  = "webhook"  // url: is an http(s) URL that gets relwatch's signed JSON
)

// Formats of a message's text.
var Formats = []string{"text", "markdown", "html"}

// Events a destination may ask for (events:).
var EventKinds = []string{relwatch.EventNew, relwatch.EventChanged, relwatch.EventFailed, relwatch.EventRecovered,
	relwatch.EventStale, relwatch.EventLag, relwatch.EventRemoved, relwatch.EventRestored, "suspect"}

// DefaultEvents are what a destination gets when it does not say: all
// but suspect.
var DefaultEvents = []string{relwatch.EventNew, relwatch.EventChanged, relwatch.EventFailed, relwatch.EventRecovered,
	relwatch.EventStale, relwatch.EventLag, relwatch.EventRemoved, relwatch.EventRestored}

// DefaultDigestAbove is how many events one delivery may send as separate
// messages; more are sent as one digest.
const DefaultDigestAbove = 5

// Destination is one entry of the config's notify: list.
type Destination struct {
	Name string
	Kind string // KindShoutrrr or KindWebhook
	// URL is the destination's address with ${VAR}s expanded. It often
	// holds a token: it is never printed or logged (Shown is).
	URL string
	// Shown is the URL as the config wrote it when it came from the
	// environment (${SLACK_URL}), else its scheme alone.
	Shown  string
	Secret string // of a webhook: the key of the HMAC signature

	Pages                []snapshots.PageKey // empty: every page; a key with no lang: every language
	Events               []string            // of EventKinds; empty: DefaultEvents
	IncludeStampOnly     bool
	IncludeParserChanges bool
	Format               string // of Formats; "" is text
	DigestAbove          int    // 0: DefaultDigestAbove
	// BaseURL is where `relwatch serve` is reachable, for links to a
	// change's diff page; "" when not configured.
	BaseURL string
}

// ReportsDestination is the outbox name of a scrape's own reports (the
// printed results, --exit-code, --report-dir and --summary): a run that
// dies before it reports leaves its changes owed to it, and the next run
// reports them. Config destinations may not use the name.
const ReportsDestination = "(reports)"

// SettleReports marks the events ids as reported: their run has printed
// them, so that no later run reports them as left over by a run that died.
func SettleReports(ctx context.Context, store relwatch.Outbox, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return store.Settle(ctx, ReportsDestination, ids, relwatch.Delivery{State: relwatch.DeliveryDelivered, At: time.Now()})
}

// Wants reports whether d is to be told of ev.
func (d Destination) Wants(ev relwatch.Event) bool {
	if len(d.Pages) > 0 && !slices.ContainsFunc(d.Pages, func(k snapshots.PageKey) bool {
		return k.String() == ev.Page || (k.Lang == "" && strings.HasPrefix(ev.Page, k.ID+"/"))
	}) {
		return false
	}
	events := cmpOrEvents(d.Events)
	versionEvent := ev.Kind == relwatch.EventNew || ev.Kind == relwatch.EventChanged
	if versionEvent && ev.StampOnly && !d.IncludeStampOnly {
		return false
	}
	if versionEvent && ev.ParserChange && !d.IncludeParserChanges {
		return false
	}
	return slices.Contains(events, ev.Kind) || (ev.Suspect != "" && slices.Contains(events, "suspect"))
}

// AnyWants reports whether one of dests may want events of kind (its
// events: list has it), so that a run works out stale and lag events only
// when someone is to be told of them.
func AnyWants(dests []Destination, kind string) bool {
	return slices.ContainsFunc(dests, func(d Destination) bool {
		return slices.Contains(cmpOrEvents(d.Events), kind)
	})
}

// WantsHealth reports whether one of dests may want stale or lag events.
func WantsHealth(dests []Destination) bool {
	return AnyWants(dests, relwatch.EventStale) || AnyWants(dests, relwatch.EventLag)
}

func cmpOrEvents(events []string) []string {
	if len(events) == 0 {
		return DefaultEvents
	}
	return events
}

func (d Destination) digestAbove() int {
	if d.DigestAbove > 0 {
		return d.DigestAbove
	}
	return DefaultDigestAbove
}

// Scrub takes d's secrets out of a message from a library (shoutrrr puts
// the URL in its errors), so that it can be logged and stored.
func (d Destination) Scrub(msg string) string {
	for _, s := range d.secrets() {
		msg = strings.ReplaceAll(msg, s, "xxxxx")
	}
	return msg
}

// secrets are the strings of d's URL and secret that may be secret, the
// longest first so that a part never hides the whole: the URL itself,
// its user info, and its longer path segments and query values (where
// chat services put their tokens). The scheme and host stay readable.
func (d Destination) secrets() []string {
	var out []string
	add := func(s string) {
		if len(s) >= 4 && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	add(d.URL)
	add(d.Secret)
	if u, err := url.Parse(d.URL); err == nil {
		if u.User != nil {
			add(u.User.String())
			add(u.User.Username())
			if p, ok := u.User.Password(); ok {
				add(p)
			}
		}
		if len(u.Path) > 1 {
			add(u.Path)
			add(u.EscapedPath())
		}
		for _, seg := range strings.Split(u.Path, "/") {
			if len(seg) >= 8 {
				add(seg)
			}
		}
		add(u.RawQuery)
		for _, vs := range u.Query() {
			for _, v := range vs {
				if len(v) >= 8 {
					add(v)
				}
			}
		}
		add(u.Fragment)
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

func (d Destination) String() string { return fmt.Sprintf("%s (%s)", d.Name, d.Shown) }
