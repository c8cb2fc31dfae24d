package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestToken(t *testing.T) {
	dir := t.TempDir()
	n := 0
	file := func(data string) string {
		n++
		p := filepath.Join(dir, fmt.Sprintf("token%d", n))
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	long := "0123456789abcdef0123"
	for _, c := range []struct{ flag, file, want, err string }{
		{"", "", "", ""},
		{" " + long + " ", "", long, ""},
		{"", file(long + "\nsecond line ignored\n"), long, ""},
		{long, file(long), "", "not both"},
		{"", file("\n"), "", "the file is empty"},
		{"", filepath.Join(dir, "missing"), "", "--auth-token-file"},
		{"short", "", "", "has 5 characters: use at least 16"},
	} {
		got, err := Token(c.flag, c.file)
		if got != c.want || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("Token(%q, %q) = %q, %v; want %q, %q", c.flag, c.file, got, err, c.want, c.err)
		}
	}
}
