package main

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/snapshots"
)

// Page health: is a page still being checked successfully (stale), and has
// one language of a page fallen behind another (lag)? The functions here
// are pure and take the clock as a parameter, so tests can pin it.

// isStale reports whether a page has had no successful check for longer
// than staleAfter at now. A page that was never checked successfully is not
// stale (there is no success to be stale relative to): it shows as failing.
func isStale(p relwatch.PageStatus, now time.Time, staleAfter time.Duration) bool {
	return p.LastSuccess != nil && now.Sub(*p.LastSuccess) > staleAfter
}

// staleTargets lists, in target order, the targets whose page is stale at
// now. Targets the archive has never seen are not stale.
func staleTargets(pages []relwatch.PageStatus, targets []config.Target, now time.Time, staleAfter time.Duration) []string {
	byKey := make(map[snapshots.PageKey]relwatch.PageStatus, len(pages))
	for _, p := range pages {
		byKey[p.Page] = p
	}
	var stale []string
	for _, t := range targets {
		if p, ok := byKey[t.Key()]; ok && isStale(p, now, staleAfter) {
			stale = append(stale, t.Key().String())
		}
	}
	return stale
}

// withStale folds stale pages into a scrape's exit: an interrupted or
// failed run keeps its exit, anything else becomes exit 3 naming the stale
// pages.
func withStale(exit error, stale []string, staleAfter time.Duration) error {
	if len(stale) == 0 {
		return exit
	}
	var ee *exitError
	if errors.As(exit, &ee) && (ee.code == exitInterrupted || ee.code == exitFailed) {
		return exit
	}
	return &exitError{code: exitFailed, err: fmt.Errorf("stale (no successful check for over %s): %s", staleAfter, strings.Join(stale, ", "))}
}

// langState is one language of a page as lag detection sees it.
type langState struct {
	Key   snapshots.PageKey
	Stamp string // the declared stamp of the latest version, "" when none
	// LastContentChange is when relwatch first saw the latest version that
	// changed content (not version 1, a stamp-only or a parser-only
	// change); zero when the page has no such change.
	LastContentChange time.Time
}

// lastContentChange is the first-seen time of the newest version that
// changed the page's content: a version after the first whose change was
// neither stamp-only nor a parser change. Version 1 is not a change (it is
// the first capture, which for a language just added to the config is
// today, whatever the page's age), so a page with no real change yet gives
// zero and is left out of lag detection.
func lastContentChange(versions []relwatch.VersionInfo) time.Time {
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		if v.Version > 1 && !v.StampOnly && !v.ParserChange {
			return v.FirstSeen
		}
	}
	return time.Time{}
}

// languageLags flags, for each page id tracked in several languages, every
// language whose latest content change is older than the newest one among
// its sibling languages by more than lagAfter. The note reads "last changed
// 38 days before kazakhstan/en".
func languageLags(states []langState, lagAfter time.Duration) map[snapshots.PageKey]string {
	byID := map[string][]langState{}
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
		newest := slices.MaxFunc(langs, func(a, b langState) int {
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
