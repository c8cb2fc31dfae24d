package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestScheduledRunScript runs scripts/scheduled-run.sh, as the GitHub
// workflow does, in a temporary git repository whose config points at a
// local page: a first run commits the first version, an edit of the page
// gives exactly one new change file, feed entry and commit (pushed to a
// local remote), a run with nothing new changes no byte and commits
// nothing, a failing page exits 3 without a commit, after a long quiet
// spell the heartbeat commit keeps the schedule alive, a push racing
// another clone's is rebased and retried, and a race on the archive itself
// fails clearly.
func TestScheduledRunScript(t *testing.T) {
	for _, tool := range []string{"bash", "git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: %v", tool, err)
		}
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "scheduled-run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	bin := relwatchBinary(t)

	s := newSite(t)

	repo := t.TempDir()
	env := append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "GITHUB_STEP_SUMMARY=") || strings.HasPrefix(kv, "RELWATCH_") || strings.HasPrefix(kv, "GIT_")
	}),
		"RELWATCH_BIN="+bin, "RELWATCH_CONFIG=relwatch.yaml",
		"GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1", // no user identity: the script brings its own
	)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = repo, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	commits := func() int {
		n, err := strconv.Atoi(git("rev-list", "--count", "HEAD"))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	runScript := func(wantCode int, extraEnv ...string) string {
		t.Helper()
		cmd := exec.Command("bash", script)
		cmd.Dir, cmd.Env = repo, append(slices.Clone(env), extraEnv...)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != wantCode {
			t.Fatalf("scheduled-run.sh: exit %d, want %d\n%s", code, wantCode, out)
		}
		return string(out)
	}
	changeFiles := func() []string {
		entries, _ := os.ReadDir(filepath.Join(repo, "data", "changes"))
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	feedEntries := func() int {
		data, err := os.ReadFile(filepath.Join(repo, "data", "feed.atom"))
		if err != nil {
			t.Fatal(err)
		}
		return len(checkAtom(t, data).Entries)
	}

	git("init", "-q", "-b", "main")
	cfg := fmt.Sprintf("delay: 0s\nretries: 0\ntimeout: 5s\ntargets:\n  - id: kazakhstan\n    lang: fr\n    url: %s/cps/fr/natohq/topics_49598.htm?selectedLocale=fr\n", s.URL)
	if err := os.WriteFile(filepath.Join(repo, "relwatch.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// The repository's own .gitignore: a fork runs the script under it.
	gitignore, err := os.ReadFile(filepath.Join("..", "..", ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, ".gitignore"), gitignore, 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "relwatch.yaml", ".gitignore")
	git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "config")

	// Run 1: the first version, committed; no remote, so no push.
	runScript(0)
	if commits() != 2 || git("log", "-1", "--format=%s") != "relwatch: 1 page: 1 new" {
		t.Fatalf("run 1: %d commits, last %q", commits(), git("log", "-1", "--format=%s"))
	}
	if files := git("ls-files"); !strings.Contains(files, "relwatch.db") || !strings.Contains(files, "data/kazakhstan/fr.json") || !strings.Contains(files, "data/feed.atom") {
		t.Fatalf("run 1 committed:\n%s", files)
	}
	if len(changeFiles()) != 0 || feedEntries() != 0 {
		t.Fatalf("run 1: change files %v, feed entries %d; want none", changeFiles(), feedEntries())
	}

	// Run 2: the page was edited; the commit is pushed to the remote.
	remote := filepath.Join(t.TempDir(), "remote.git")
	git("init", "-q", "--bare", "-b", "main", remote)
	git("remote", "add", "origin", remote)
	s.serve(200, "kazakhstan-fr-v2.html")
	runScript(0)
	if got := changeFiles(); len(got) != 2 || !strings.HasSuffix(got[0], "-kazakhstan-fr-efbfeae710a2.html") || !strings.HasSuffix(got[1], "-kazakhstan-fr-efbfeae710a2.md") {
		t.Fatalf("run 2: change files %v, want the HTML and Markdown reports of v2", got)
	}
	if feedEntries() != 1 || commits() != 3 {
		t.Fatalf("run 2: %d feed entries, %d commits; want 1 and 3", feedEntries(), commits())
	}
	if msg := git("--git-dir", remote, "log", "-1", "--format=%s", "main"); msg != "relwatch: 1 page: 1 changed" {
		t.Fatalf("run 2: remote has %q", msg)
	}
	// Nothing left over: data/ and the archive committed, the archive's
	// companions (-wal, -shm, .lock) ignored.
	if status := git("status", "--porcelain", "--untracked-files=all"); status != "" {
		t.Fatalf("run 2 left the checkout unclean:\n%s", status)
	}

	// Run 3: nothing new. No byte of data/ moves, no commit (the weekly
	// heartbeat does not fire either: the last commit is fresh).
	before := readTree(t, filepath.Join(repo, "data"))
	out := runScript(0, "RELWATCH_HEARTBEAT_DAYS=50")
	after := readTree(t, filepath.Join(repo, "data"))
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatal("run 3 changed data/ with nothing new")
	}
	if commits() != 3 || !strings.Contains(out, "no commit") {
		t.Fatalf("run 3: %d commits, want 3\n%s", commits(), out)
	}

	// Run 4: the page fails. Exit 3, after exporting; nothing to commit.
	s.serve(500, "kazakhstan-fr-v2.html")
	runScript(exitFailed)
	if commits() != 3 {
		t.Fatalf("run 4: %d commits, want 3", commits())
	}

	// Run 5: nothing new, but the last commit is years old: the weekly
	// run commits a heartbeat so that GitHub keeps the schedule.
	cmd := exec.Command("git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "long ago")
	cmd.Dir, cmd.Env = repo, append(slices.Clone(env), "GIT_COMMITTER_DATE=2020-01-01T00:00:00Z")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("old commit: %v\n%s", err, out)
	}
	s.serve(200, "kazakhstan-fr-v2.html")
	runScript(0, "RELWATCH_HEARTBEAT_DAYS=50")
	if commits() != 5 || !strings.HasPrefix(git("log", "-1", "--format=%s"), "relwatch: heartbeat") || git("show", "--name-only", "--format=", "HEAD") != ".github/relwatch-heartbeat" {
		t.Fatalf("run 5: %d commits, last %q, want a heartbeat commit", commits(), git("log", "-1", "--format=%s %n%b"))
	}

	// pushFromElsewhere commits file to the remote from a second clone, as
	// a concurrent push to the branch would.
	pushFromElsewhere := func(file string, data []byte) {
		t.Helper()
		other := filepath.Join(t.TempDir(), "other")
		git("clone", "-q", remote, other)
		if err := os.WriteFile(filepath.Join(other, file), data, 0o644); err != nil {
			t.Fatal(err)
		}
		git("-C", other, "add", "-f", file)
		git("-C", other, "-c", "user.name=o", "-c", "user.email=o@example.org", "commit", "-q", "-m", "elsewhere: "+file)
		git("-C", other, "push", "-q", "origin", "main")
	}

	// Run 6: someone pushed another file meanwhile. The push is rejected,
	// the script rebases on the remote branch and pushes again.
	pushFromElsewhere("NOTES.md", []byte("notes\n"))
	s.serve(200, "kazakhstan-fr-v1.html")
	out = runScript(0)
	if got := git("--git-dir", remote, "log", "-2", "--format=%s", "main"); got != "relwatch: 1 page: 1 changed\nelsewhere: NOTES.md" {
		t.Fatalf("run 6: remote has\n%s\n%s", got, out)
	}
	if git("rev-parse", "HEAD") != git("--git-dir", remote, "rev-parse", "main") {
		t.Fatalf("run 6: local HEAD is not the remote's\n%s", out)
	}

	// Run 7: someone pushed another archive meanwhile. Binary files cannot
	// be merged: the script says so and fails, leaving no rebase going on.
	pushFromElsewhere("relwatch.db", []byte("not the same archive"))
	s.serve(200, "kazakhstan-fr-v2.html")
	out = runScript(1)
	if !strings.Contains(out, "cannot be merged") || !strings.Contains(out, "relwatch.db") {
		t.Fatalf("run 7: no clear message about the conflict:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(repo, ".git", "rebase-merge")); err == nil {
		t.Fatalf("run 7 left a rebase in progress")
	}
	if msg := git("--git-dir", remote, "log", "-1", "--format=%s", "main"); msg != "elsewhere: relwatch.db" {
		t.Fatalf("run 7: remote has %q", msg)
	}
}

// TestScheduledRunScriptIgnoredArchive: a repository whose own .gitignore
// covers the archive (*.db, common in a user's repository) still gets it
// committed: the archive is what the script is for.
func TestScheduledRunScriptIgnoredArchive(t *testing.T) {
	for _, tool := range []string{"bash", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: %v", tool, err)
		}
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "scheduled-run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	bin := relwatchBinary(t)
	s := newSite(t)

	repo := t.TempDir()
	env := append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "GITHUB_STEP_SUMMARY=") || strings.HasPrefix(kv, "RELWATCH_") || strings.HasPrefix(kv, "GIT_")
	}), "RELWATCH_BIN="+bin, "RELWATCH_CONFIG=relwatch.yaml", "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = repo, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("git", "init", "-q", "-b", "main")
	cfg := fmt.Sprintf("delay: 0s\nretries: 0\ntargets:\n  - {id: kazakhstan, lang: fr, url: '%s/cps/fr/natohq/topics_49598.htm'}\n", s.URL)
	if err := os.WriteFile(filepath.Join(repo, "relwatch.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, ".gitignore"), []byte("*.db\n*.db-*\n*.db.lock\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("bash", script)
	if files := strings.Split(run("git", "ls-files"), "\n"); !slices.Contains(files, "relwatch.db") || slices.Contains(files, "relwatch.db.lock") {
		t.Fatalf("committed: %q", files)
	}
}

// TestScheduledRunScriptOutsideRelwatch: the script copied into a
// repository that does not hold relwatch's code installs relwatch with go
// install instead of building ./cmd/relwatch (here with the module proxy
// off, so the install fails without touching the network).
func TestScheduledRunScriptOutsideRelwatch(t *testing.T) {
	for _, tool := range []string{"bash", "git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: %v", tool, err)
		}
	}
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "scheduled-run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	if err := os.MkdirAll(filepath.Join(repo, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "scripts", "scheduled-run.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "RELWATCH_") || strings.HasPrefix(kv, "GOPROXY=") || strings.HasPrefix(kv, "GOFLAGS=")
	}), "GOPROXY=off", "GOFLAGS=")
	cmd := exec.Command("git", "init", "-q")
	cmd.Dir, cmd.Env = repo, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	cmd = exec.Command("bash", "scripts/scheduled-run.sh")
	cmd.Dir, cmd.Env = repo, env
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("scheduled-run.sh succeeded with the module proxy off:\n%s", out)
	}
	if !strings.Contains(string(out), "installing github.com/relwatch/relwatch/cmd/relwatch@latest") || strings.Contains(string(out), "building relwatch") {
		t.Fatalf("scheduled-run.sh did not go install relwatch:\n%s", out)
	}
}
