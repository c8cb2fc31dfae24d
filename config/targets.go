package config

import (
	"fmt"
	"slices"

	"github.com/relwatch/relwatch/snapshots"
)

// Select keeps the targets the page references in only name (<id> for
// every language of a page, or <id>/<lang>), each once, in the order
// named; every target when only is empty. A reference that names no
// target is an error; what names it ("--only") starts the message.
func (c Config) Select(what string, only []string) ([]Target, error) {
	if len(only) == 0 {
		return c.Targets, nil
	}
	var out []Target
	for _, ref := range only {
		key, err := snapshots.ParsePageRef(ref)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, t := range c.Targets {
			if t.ID == key.ID && (key.Lang == "" || t.Lang == key.Lang) {
				if !slices.ContainsFunc(out, func(o Target) bool { return o.Key() == t.Key() }) {
					out = append(out, t)
				}
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s %s: no such target in the config", what, ref)
		}
	}
	return out, nil
}

// TargetNamed is the one target a page reference names: backfill and
// import take a page before it has any version, so the config, not the
// archive, says which pages there are. An id alone with several languages
// is an error naming one of them.
func (c Config) TargetNamed(ref string) (Target, error) {
	key, err := snapshots.ParsePageRef(ref)
	if err != nil {
		return Target{}, err
	}
	var found []Target
	for _, t := range c.Targets {
		if t.ID == key.ID && (key.Lang == "" || t.Lang == key.Lang) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return Target{}, fmt.Errorf("page %s is not a target in the config (%s)", ref, c.Source)
	case 1:
		return found[0], nil
	}
	return Target{}, fmt.Errorf("page %s has several languages in the config: say which, e.g. %s", ref, found[0].Key())
}

// TargetOf is the config's target for a page, and whether it has one.
func (c Config) TargetOf(key snapshots.PageKey) (Target, bool) {
	i := slices.IndexFunc(c.Targets, func(t Target) bool { return t.Key() == key })
	if i < 0 {
		return Target{}, false
	}
	return c.Targets[i], true
}
