package archivetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Dump reads everything a store answers about its pages, through the
// Store interface only: every page's status, versions, snapshots, changes
// and captures, and every raw body's digest and length. Two stores with
// the same Dump hold the same history, whatever their engines (capture
// ids are left out: each engine numbers its own rows).
func Dump(ctx context.Context, a relwatch.Store) (string, error) {
	pages, err := a.Pages(ctx)
	if err != nil {
		return "", err
	}
	type change struct {
		To          int
		Change      relwatch.ChangeRecord
		WindowStart any
	}
	type page struct {
		Status    relwatch.PageStatus
		Versions  []relwatch.VersionInfo
		Snapshots []json.RawMessage
		Changes   []change
		Captures  []relwatch.StoredCapture
		Bodies    map[string]int
	}
	var out []page
	for _, ps := range pages {
		p := page{Status: ps, Bodies: map[string]int{}}
		if p.Versions, err = a.Versions(ctx, ps.Page); err != nil {
			return "", err
		}
		for _, v := range p.Versions {
			s, err := a.Snapshot(ctx, ps.Page, v.Version)
			if err != nil {
				return "", err
			}
			p.Snapshots = append(p.Snapshots, snapshots.Marshal(s))
			if v.Version > 1 {
				cr, ws, err := a.Change(ctx, ps.Page, v.Version)
				if err != nil {
					return "", err
				}
				p.Changes = append(p.Changes, change{v.Version, cr, ws})
			}
		}
		if p.Captures, err = a.Captures(ctx, ps.Page); err != nil {
			return "", err
		}
		for i := range p.Captures {
			c := &p.Captures[i]
			c.ID = 0
			if d := c.BodyDigest; d != "" {
				raw, err := a.RawBody(ctx, d)
				if err != nil {
					return "", fmt.Errorf("body %s of %s: %w", d, ps.Page, err)
				}
				p.Bodies[d] = len(raw)
			}
		}
		if _, _, err := a.Change(ctx, ps.Page, 1); !errors.Is(err, relwatch.ErrNotFound) {
			return "", fmt.Errorf("%s has a change into version 1: %v", ps.Page, err)
		}
		out = append(out, p)
	}
	b, err := json.MarshalIndent(out, "", " ")
	return string(b), err
}
