package archive

import (
	"context"
	"testing"
)

// TestStmtCacheNestedQueries: the same statement text queried again while
// the first query's rows are still open gets a statement of its own, and
// both read their own rows; afterwards the cached statement is reused.
func TestStmtCacheNestedQueries(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	conn, err := a.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE nums (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := conn.ExecContext(ctx, `INSERT INTO nums VALUES (?)`, i); err != nil {
			t.Fatal(err)
		}
	}
	const sel = `SELECT n FROM nums WHERE n <= ? ORDER BY n`
	outer, err := conn.QueryContext(ctx, sel, 3)
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]int
	for outer.Next() {
		var o int
		if err := outer.Scan(&o); err != nil {
			t.Fatal(err)
		}
		inner, err := conn.QueryContext(ctx, sel, o)
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			var n int
			if err := inner.Scan(&n); err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, [2]int{o, n})
		}
		inner.Close()
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if len(pairs) != 6 || pairs[0] != [2]int{1, 1} || pairs[5] != [2]int{3, 3} {
		t.Errorf("nested queries read %v, want 1×1, 2×2, 3×3", pairs)
	}
	// Run again: the statement is back in the cache and reset.
	var n int
	if err := conn.QueryRowContext(ctx, sel, 2).Scan(&n); err != nil || n != 1 {
		t.Errorf("after the nested queries: %d, %v; want 1", n, err)
	}
}

func TestIsScript(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":                         false,
		"SELECT 1;":                        false,
		" SELECT 1 ; \n":                   false,
		"CREATE TABLE a (x); DROP TABLE a": true,
		"UPDATE a SET x = 1;\nUPDATE b SET y = 2;": true,
	} {
		if got := isScript(q); got != want {
			t.Errorf("isScript(%q) = %v, want %v", q, got, want)
		}
	}
}
