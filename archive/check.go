package archive

import (
	"context"
)

// Problem is one thing Check found wrong.
type Problem struct {
	Kind, Detail string
}

func (p Problem) String() string { return p.Kind + ": " + p.Detail }

// Check verifies the archive. Stub, filled in below.
func (a *Archive) Check(ctx context.Context) ([]Problem, error) { return nil, nil }
