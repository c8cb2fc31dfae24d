package notify

import (
	"context"
	"fmt"
	"io"
	"slices"
)

// Named keeps the destination called name, or every destination when
// name is "". An unknown name is an error listing the known ones, and so
// is a config (source) with no destination at all.
func Named(dests []Destination, name, source string) ([]Destination, error) {
	if name != "" {
		i := slices.IndexFunc(dests, func(d Destination) bool { return d.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("no destination %q in %s (known: %s)", name, source, destinationNames(dests))
		}
		dests = dests[i : i+1]
	}
	if len(dests) == 0 {
		return nil, fmt.Errorf("%s has no notify: destinations", source)
	}
	return dests, nil
}

func destinationNames(dests []Destination) string {
	if len(dests) == 0 {
		return "none"
	}
	names := make([]string, len(dests))
	for i, d := range dests {
		names[i] = d.Name
	}
	return fmt.Sprint(names)
}

// TestEach sends a sample event to each destination now (Test), and
// writes a line per destination on out: sent, or why it failed, with the
// destination's secrets scrubbed from the reason. It returns how many
// failed.
func TestEach(ctx context.Context, dests []Destination, p Policy, out io.Writer) (failed int) {
	for _, d := range dests {
		if err := Test(ctx, d, p, nil); err != nil {
			failed++
			fmt.Fprintf(out, "%-16s failed  %s: %s\n", d.Name, d.Shown, d.Scrub(err.Error()))
			continue
		}
		fmt.Fprintf(out, "%-16s sent    %s\n", d.Name, d.Shown)
	}
	return failed
}
