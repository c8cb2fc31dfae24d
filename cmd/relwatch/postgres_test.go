package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relwatch/relwatch/postgres"
)

// pgEnv is a testEnv whose archive is a PostgreSQL schema of its own,
// given by $RELWATCH_DB (the config still names history.db, which must
// stay untouched). It skips without a test server.
func pgEnv(t *testing.T) (*testEnv, string) {
	t.Helper()
	dsn := postgres.TestDSN(t)
	e := newTestEnv(t)
	t.Setenv(dbEnv, dsn)
	return e, dsn
}

// password is the DSN's password, which no output may show.
func password(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := u.User.Password()
	return p
}

// TestCommandsOnPostgres runs every command against a PostgreSQL archive
// chosen by $RELWATCH_DB: the same exits and the same history as on a
// file, and the password nowhere in what relwatch prints.
func TestCommandsOnPostgres(t *testing.T) {
	e, dsn := pgEnv(t)
	secret := password(t, dsn)
	var printed strings.Builder
	run := func(want int, args ...string) string {
		t.Helper()
		out, errOut, code := e.relwatch(args...)
		printed.WriteString(out + errOut)
		if code != want {
			t.Fatalf("relwatch %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errOut)
		}
		return out
	}
	run(0, "scrape")
	run(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	if out := run(exitChanged, "scrape", "--exit-code"); !strings.Contains(out, "changed") || !strings.Contains(out, "v2") {
		t.Fatalf("edited page: %q", out)
	}
	if out := run(0, "log", "kazakhstan/fr"); !strings.Contains(out, "first version") || !strings.Contains(out, "14 Nov. 2026 10:05") {
		t.Errorf("log:\n%s", out)
	}
	if out := run(0, "diff", "kazakhstan/fr"); !strings.Contains(out, "multinationaux") {
		t.Errorf("diff:\n%s", out)
	}
	if out := run(0, "show", "kazakhstan/fr", "--version", "1"); !strings.Contains(out, "Relations avec le Kazakhstan") {
		t.Errorf("show:\n%s", out)
	}
	if out := run(0, "search", "cooperation", "--page", "kazakhstan/fr"); !strings.Contains(out, "coopération") {
		t.Errorf("search (accent-insensitive):\n%s", out)
	}
	if out := run(0, "pages"); !strings.Contains(out, "kazakhstan/fr") {
		t.Errorf("pages:\n%s", out)
	}
	if out := run(0, "check"); !strings.Contains(out, "ok") || !strings.Contains(out, "xxxxx") {
		t.Errorf("check:\n%s", out)
	}
	run(0, "export", filepath.Join(e.dir, "export"))
	if out := run(0, "feed"); !strings.Contains(out, "<feed") {
		t.Errorf("feed:\n%.300s", out)
	}
	run(0, "reparse", "--dry-run")
	run(0, "reparse")
	run(0, "check")
	if out := run(0, "config", "check"); strings.Contains(out, secret) || !strings.Contains(out, "postgres://") {
		t.Errorf("config check:\n%s", out)
	}
	if _, err := os.Stat(e.db); !os.IsNotExist(err) {
		t.Errorf("with $%s set, the config's %s was created", dbEnv, filepath.Base(e.db))
	}
	if strings.Contains(printed.String(), secret) {
		t.Errorf("the DSN's password was printed")
	}
}

// TestPostgresArchiveInConfig: `archive: postgres://…` in the config file
// is a connection string, not a path relative to the config's folder.
func TestPostgresArchiveInConfig(t *testing.T) {
	dsn := postgres.TestDSN(t)
	e := newTestEnv(t)
	cfg, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg = []byte(strings.Replace(string(cfg), "archive: history.db", "archive: "+dsn, 1))
	if err := os.WriteFile(e.cfg, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustRun(0, "scrape")
	if out := e.mustRun(0, "check"); !strings.Contains(out, ": ok") || strings.Contains(out, password(t, dsn)) {
		t.Errorf("check: %q", out)
	}
}

// TestPostgresBadInput: what cannot be used is exit 4 with a message that
// says why, and never the password.
func TestPostgresBadInput(t *testing.T) {
	dsn := postgres.TestDSN(t)
	e := newTestEnv(t)
	u, _ := url.Parse(dsn)
	u.User = url.UserPassword(u.User.Username(), "wrong-password-123")
	for _, c := range []struct{ dsn, want string }{
		{u.String(), "refused the login"},
		{"postgres://relwatch:pw-456@127.0.0.1:1/x?connect_timeout=5", "cannot reach the database server"},
	} {
		for _, args := range [][]string{{"scrape"}, {"log", "kazakhstan/fr"}, {"check"}} {
			out, stderr, code := e.relwatch(append([]string{"--db", c.dsn}, args...)...)
			if code != exitUnusable || !strings.Contains(stderr, c.want) {
				t.Errorf("relwatch %v on %s: exit %d, stderr %q; want exit 4 and %q", args, postgres.Redact(c.dsn), code, stderr, c.want)
			}
			if strings.Contains(out+stderr, "wrong-password-123") || strings.Contains(out+stderr, "pw-456") {
				t.Errorf("the password was printed: %s", out+stderr)
			}
		}
	}
}

// TestGenArchiveRefusesAConnectionString: the generator writes SQLite
// files only; handed a DSN it says so, as a usage error, without the
// password, and creates nothing.
func TestGenArchiveRefusesAConnectionString(t *testing.T) {
	e := newTestEnv(t)
	t.Chdir(e.dir) // a path "postgres://…" would be made here
	dsn := "postgres://relwatch:pw-789@127.0.0.1:1/x"
	out, stderr, code := e.relwatch("dev", "gen-archive", "--pages", "1", "--versions", "2", "--db", dsn)
	if code != exitUsage || !strings.Contains(stderr, "archive copy") {
		t.Errorf("gen-archive --db %s: exit %d, stderr %q; want exit %d naming archive copy", postgres.Redact(dsn), code, stderr, exitUsage)
	}
	if strings.Contains(out+stderr, "pw-789") {
		t.Errorf("the password was printed: %s", out+stderr)
	}
	if _, err := os.Stat("postgres:"); err == nil {
		t.Errorf("gen-archive created a file for the connection string")
	}
}
