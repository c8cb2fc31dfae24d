package history

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Page health: is a page still being checked successfully (stale), and has
// one language of a page fallen behind another (lag)? The functions here
// are pure and take the clock as a parameter, so tests can pin it.

// IsStale reports whether a page has had no successful check for longer
// than staleAfter at now. A page that was never checked successfully is not
// stale (there is no success to be stale relative to): it shows as failing.
func IsStale(p relwatch.PageStatus, now time.Time, staleAfter time.Duration) bool {
	return p.LastSuccess != nil && now.Sub(*p.LastSuccess) > staleAfter
}

// PageHealth is one page's state and health at a time.
type PageHealth struct {
	Status relwatch.PageStatus
	// LastContentChange is when relwatch first saw the latest version that
	// changed content (see LastContentChange); zero when none did.
	LastContentChange time.Time
	Stale             bool
	Lag               string // "" or e.g. "last changed 38 days before kazakhstan/en"
	// Behind is the lag that Lag words; nil when the page does not lag.
	Behind *Lag
	// Removed is the removal the page is in (see relwatch.Removal): its
	// latest checks say it is gone. nil when it is not removed.
	Removed *relwatch.Removal
}

// Health is the page's health in a few words: "ok", "stale", and the
// failures in a row with the last error.
func (h PageHealth) Health() string {
	var parts []string
	if h.Stale {
		parts = append(parts, "stale")
	}
	if h.Removed != nil {
		parts = append(parts, "removed since "+ShortTime(h.Removed.Since)+": "+h.Removed.Reason())
	}
	if p := h.Status; p.ConsecutiveFailures > 0 {
		parts = append(parts, fmt.Sprintf("%d failed in a row: %s", p.ConsecutiveFailures, cmp.Or(p.LastError, "-")))
	}
	if len(parts) == 0 {
		return "ok"
	}
	return strings.Join(parts, "; ")
}

// Overview reads every page's health at now, in the archive's page order:
// stale after staleAfter without a successful check, lagging when its
// latest content change is older than a sibling language's by more than
// lagAfter. It reads in one view, so the pages and their changes fit
// together.
func Overview(ctx context.Context, r relwatch.History, now time.Time, staleAfter, lagAfter time.Duration) ([]PageHealth, error) {
	var out []PageHealth
	err := r.ReadView(ctx, func(v relwatch.Reader) (err error) {
		out, err = overview(ctx, v, now, staleAfter, lagAfter)
		return err
	})
	return out, err
}

func overview(ctx context.Context, r relwatch.Reader, now time.Time, staleAfter, lagAfter time.Duration) ([]PageHealth, error) {
	pages, err := r.Pages(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]PageHealth, len(pages))
	states := make([]LangState, len(pages))
	for i, p := range pages {
		out[i] = PageHealth{Status: p, Stale: IsStale(p, now, staleAfter)}
		last, err := lastContentChangeOf(ctx, r, p)
		if err != nil {
			return nil, err
		}
		out[i].LastContentChange = last
		states[i] = LangState{Key: p.Page, LastContentChange: last}
		if out[i].Removed, err = currentRemoval(ctx, r, p); err != nil {
			return nil, err
		}
	}
	lags := Lags(states, lagAfter)
	for i := range out {
		if l, ok := lags[out[i].Status.Page]; ok {
			out[i].Lag, out[i].Behind = l.Note(), &l
		}
	}
	return out, nil
}

// currentRemoval is the removal page p is in, nil when it is not removed.
// Only a failing page can be, so only a failing page's checks are read.
func currentRemoval(ctx context.Context, r relwatch.Reader, p relwatch.PageStatus) (*relwatch.Removal, error) {
	if p.ConsecutiveFailures == 0 {
		return nil, nil
	}
	removals, err := Removals(ctx, r, p.Page)
	if err != nil || len(removals) == 0 {
		return nil, err
	}
	last := removals[len(removals)-1]
	if last.Restored != nil {
		return nil, nil
	}
	return &last, nil
}

// LangState is one language of a page as lag detection sees it.
type LangState struct {
	Key snapshots.PageKey
	// LastContentChange is when relwatch first saw the latest version that
	// changed content (not version 1, a stamp-only or a parser-only
	// change); zero when the page has no such change.
	LastContentChange time.Time
}

// LastContentChange is the first-seen time of the newest version that
// changed the page's content: a version after the first whose change was
// neither stamp-only nor a parser change. Version 1 is not a change (it is
// the first capture, which for a language just added to the config is
// today, whatever the page's age), so a page with no real change yet gives
// zero and is left out of lag detection.
func LastContentChange(versions []relwatch.VersionInfo) time.Time {
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		if v.Version > 1 && !v.StampOnly && !v.ParserChange {
			return v.FirstSeen
		}
	}
	return time.Time{}
}

// lastContentChangeOf is LastContentChange of a page's versions, read
// from the latest version back: a change record per version up to the
// newest content change (usually the latest or one before it, past
// stamp-only changes), and that version's snapshot for when it was first
// seen, instead of the page's whole history (thousands of versions, for
// every page, on every overview).
func lastContentChangeOf(ctx context.Context, r relwatch.Reader, p relwatch.PageStatus) (time.Time, error) {
	for n := p.Latest; n > 1; n-- {
		rec, _, err := r.Change(ctx, p.Page, n)
		switch {
		case err != nil && !errors.Is(err, relwatch.ErrNotFound):
			return time.Time{}, fmt.Errorf("%s: change into version %d: %w", p.Page, n, err)
		case err == nil && (rec.StampOnly || rec.ParserChange):
			continue
		}
		// A content change, or a version without a change record, which
		// Versions lists as a change of unknown kind.
		s, err := r.Snapshot(ctx, p.Page, n)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s: version %d: %w", p.Page, n, err)
		}
		if s.FirstSeen == nil {
			return time.Time{}, fmt.Errorf("%s: version %d has no first sighting", p.Page, n)
		}
		return *s.FirstSeen, nil
	}
	return time.Time{}, nil
}

// Lag is one language of a page behind a sibling language: its latest
// content change is older than the sibling's by more than lag_after.
type Lag struct {
	Page, Ahead              snapshots.PageKey
	LastChange, AheadChanged time.Time
}

// Note words the lag: "last changed 38 days before kazakhstan/en".
func (l Lag) Note() string {
	return fmt.Sprintf("last changed %s before %s", days(l.AheadChanged.Sub(l.LastChange)), l.Ahead)
}

// LanguageLags flags, for each page id tracked in several languages, every
// language whose latest content change is older than the newest one among
// its sibling languages by more than lagAfter. The note reads "last changed
// 38 days before kazakhstan/en".
func LanguageLags(states []LangState, lagAfter time.Duration) map[snapshots.PageKey]string {
	out := map[snapshots.PageKey]string{}
	for k, l := range Lags(states, lagAfter) {
		out[k] = l.Note()
	}
	return out
}

// Lags are the lags LanguageLags words.
func Lags(states []LangState, lagAfter time.Duration) map[snapshots.PageKey]Lag {
	byID := map[string][]LangState{}
	for _, s := range states {
		if !s.LastContentChange.IsZero() {
			byID[s.Key.ID] = append(byID[s.Key.ID], s)
		}
	}
	lags := map[snapshots.PageKey]Lag{}
	for _, langs := range byID {
		if len(langs) < 2 {
			continue
		}
		newest := slices.MaxFunc(langs, func(a, b LangState) int {
			// Newest change first; on a tie, the first language in order wins.
			return cmp.Or(a.LastContentChange.Compare(b.LastContentChange), cmp.Compare(b.Key.Lang, a.Key.Lang))
		})
		for _, s := range langs {
			gap := newest.LastContentChange.Sub(s.LastContentChange)
			if s.Key != newest.Key && gap > lagAfter {
				lags[s.Key] = Lag{Page: s.Key, Ahead: newest.Key, LastChange: s.LastContentChange, AheadChanged: newest.LastContentChange}
			}
		}
	}
	return lags
}

// days says a duration in whole days: "1 day", "38 days".
func days(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
