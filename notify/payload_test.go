package notify

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

// TestWebhookBodyHasEveryDocumentedField: the webhook's body has exactly
// the fields the README's webhook table lists, every one of them in every
// event (null when it does not apply), and its times at the one width of
// every JSON output.
func TestWebhookBodyHasEveryDocumentedField(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "**The webhook.**")
	end := strings.Index(text[start:], "Every field is always there")
	if start < 0 || end < 0 {
		t.Fatal("no webhook table in the README")
	}
	var documented []string
	for _, line := range strings.Split(text[start:start+end], "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		for _, m := range regexp.MustCompile("`([a-z_.]+)`").FindAllStringSubmatch(cells[1], -1) {
			documented = append(documented, m[1])
		}
	}
	slices.Sort(documented)

	created := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	for _, kind := range []string{relwatch.EventNew, relwatch.EventFailed, relwatch.EventRemoved, relwatch.EventStale} {
		body, err := Payload(view{Event: relwatch.Event{ID: "x", Kind: kind, Page: "kazakhstan/fr", Created: created, Source: relwatch.SourceLive}})
		if err != nil {
			t.Fatal(err)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(body, &fields); err != nil {
			t.Fatal(err)
		}
		var got []string
		for k, v := range fields {
			if k != "links" {
				got = append(got, k)
				continue
			}
			var links map[string]json.RawMessage
			if err := json.Unmarshal(v, &links); err != nil {
				t.Fatal(err)
			}
			for l := range links {
				got = append(got, "links."+l)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, documented) {
			t.Errorf("%s event: body fields\n%v\nREADME's webhook table\n%v", kind, got, documented)
		}
		if string(fields["created"]) != `"2026-11-28T06:00:00.000000000Z"` {
			t.Errorf("created %s", fields["created"])
		}
	}
}
