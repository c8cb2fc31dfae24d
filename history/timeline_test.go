package history

import (
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
)

func TestTimelineProblems(t *testing.T) {
	ctx := t.Context()
	if probs, err := TimelineProblems(ctx, historyFake()); err != nil || len(probs) != 0 {
		t.Fatalf("an ordered history: %v, %v", probs, err)
	}
	f := historyFake()
	// A version dated in the future, followed by one seen today.
	f.Add("georgia/en", page("Relations with Georgia", "", "Caucasus."), onDay(3000), relwatch.Provenance{Source: relwatch.SourceImport})
	f.Add("georgia/en", page("Relations with Georgia", "", "Black Sea security."), onDay(31), relwatch.Provenance{})
	probs, err := TimelineProblems(ctx, f)
	if err != nil || len(probs) != 1 {
		t.Fatalf("got %v, %v; want one problem", probs, err)
	}
	if p := probs[0]; p.Kind != "timeline" || !strings.Contains(p.Detail, "georgia/en: version 3 first seen 2035-01-18") || !strings.Contains(p.Detail, "after version 4") {
		t.Errorf("problem %v", p)
	}
}
