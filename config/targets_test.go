package config

import (
	"strings"
	"testing"
)

func TestSelectAndTargetNamed(t *testing.T) {
	c := Config{Source: "relwatch.yaml", Targets: []Target{{ID: "kazakhstan", Lang: "en"}, {ID: "kazakhstan", Lang: "fr"}, {ID: "georgia", Lang: "en"}}}
	got, err := c.Select("--only", []string{"georgia", "kazakhstan/fr", "kazakhstan"})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, t := range got {
		keys = append(keys, t.Key().String())
	}
	if strings.Join(keys, " ") != "georgia/en kazakhstan/fr kazakhstan/en" {
		t.Errorf("Select: %v, want each once in the order named", keys)
	}
	if all, _ := c.Select("--only", nil); len(all) != 3 {
		t.Errorf("Select with none named: %d targets, want all 3", len(all))
	}
	if _, err := c.Select("--only", []string{"armenia"}); err == nil || !strings.Contains(err.Error(), "--only armenia: no such target") {
		t.Errorf("Select of an unknown page: %v", err)
	}
	if tg, err := c.TargetNamed("georgia"); err != nil || tg.Lang != "en" {
		t.Errorf("TargetNamed(georgia): %v, %v", tg, err)
	}
	if _, err := c.TargetNamed("kazakhstan"); err == nil || !strings.Contains(err.Error(), "say which, e.g. kazakhstan/en") {
		t.Errorf("TargetNamed of an id in two languages: %v", err)
	}
	if _, err := c.TargetNamed("armenia/hy"); err == nil || !strings.Contains(err.Error(), "not a target in the config (relwatch.yaml)") {
		t.Errorf("TargetNamed of an unknown page: %v", err)
	}
}
