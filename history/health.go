package history

import (
	"cmp"
	"context"
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
}

// Health is the page's health in a few words: "ok", "stale", and the
// failures in a row with the last error.
func (h PageHealth) Health() string {
	var parts []string
	if h.Stale {
		parts = append(parts, "stale")
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
// lagAfter.
func Overview(ctx context.Context, r relwatch.Reader, now time.Time, staleAfter, lagAfter time.Duration) ([]PageHealth, error) {
	pages, err := r.Pages(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]PageHealth, len(pages))
	states := make([]LangState, len(pages))
	for i, p := range pages {
		out[i] = PageHealth{Status: p, Stale: IsStale(p, now, staleAfter)}
		states[i] = LangState{Key: p.Page}
		if p.Latest == 0 {
			continue
		}
		versions, err := r.Versions(ctx, p.Page)
		if err != nil {
			return nil, fmt.Errorf("%s: versions: %w", p.Page, err)
		}
		out[i].LastContentChange = LastContentChange(versions)
		states[i].LastContentChange = out[i].LastContentChange
	}
	lags := LanguageLags(states, lagAfter)
	for i := range out {
		out[i].Lag = lags[out[i].Status.Page]
	}
	return out, nil
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

// LanguageLags flags, for each page id tracked in several languages, every
// language whose latest content change is older than the newest one among
// its sibling languages by more than lagAfter. The note reads "last changed
// 38 days before kazakhstan/en".
func LanguageLags(states []LangState, lagAfter time.Duration) map[snapshots.PageKey]string {
	byID := map[string][]LangState{}
	for _, s := range states {
		if !s.LastContentChange.IsZero() {
			byID[s.Key.ID] = append(byID[s.Key.ID], s)
		}
	}
	lags := map[snapshots.PageKey]string{}
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
				lags[s.Key] = fmt.Sprintf("last changed %s before %s", days(gap), newest.Key)
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
