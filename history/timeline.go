package history

import (
	"context"
	"fmt"
	"time"

	"github.com/relwatch/relwatch"
)

// TimelineProblems checks what every store's own check cannot see: that
// each page's versions are in the order relwatch saw them. A version
// first seen after the version that follows it was (a capture dated in the
// future, say) would make a later check say the page changed back in time.
// It reads through one consistent view.
func TimelineProblems(ctx context.Context, h relwatch.History) ([]relwatch.Problem, error) {
	var probs []relwatch.Problem
	err := h.ReadView(ctx, func(r relwatch.Reader) error {
		pages, err := r.Pages(ctx)
		if err != nil {
			return err
		}
		for _, p := range pages {
			versions, err := r.Versions(ctx, p.Page)
			if err != nil {
				return err
			}
			for i := 1; i < len(versions); i++ {
				prev, cur := versions[i-1], versions[i]
				if prev.FirstSeen.After(cur.FirstSeen) {
					probs = append(probs, relwatch.Problem{Kind: "timeline", Detail: fmt.Sprintf(
						"%s: version %d first seen %s, after version %d (first seen %s)", p.Page,
						prev.Version, prev.FirstSeen.UTC().Format(time.RFC3339), cur.Version, cur.FirstSeen.UTC().Format(time.RFC3339))})
				}
			}
		}
		return nil
	})
	return probs, err
}
