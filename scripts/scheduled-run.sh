#!/usr/bin/env bash
# One scheduled relwatch run in a git checkout: scrape, export, commit what
# changed, push. Used by .github/workflows/scrape.yml; works the same from
# cron or a systemd timer (see docs/scheduling.md).
#
# Run it from the top of the checkout that holds the archive and the export.
# Environment (all optional):
#   RELWATCH_BIN            relwatch binary to use (default: build ./cmd/relwatch
#                           of the repository this script lives in; in a
#                           repository without it, go install
#                           github.com/relwatch/relwatch/cmd/relwatch@$RELWATCH_VERSION)
#   RELWATCH_VERSION        the version go install fetches then (default latest)
#   RELWATCH_CONFIG         config file (relwatch's own variable; default ./relwatch.yaml)
#   RELWATCH_DB             archive file to commit (default relwatch.db); passed as --db
#   RELWATCH_EXPORT_DIR     export folder to commit (default data)
#   RELWATCH_PUSH           auto (default: push when the branch has a remote), or 0
#   RELWATCH_HEARTBEAT_DAYS when > 0 and nothing was committed for that many days,
#                           commit .github/relwatch-heartbeat so that GitHub keeps
#                           the schedule enabled (default 0: off)
#   GITHUB_STEP_SUMMARY     set by GitHub Actions: scrape writes its Markdown summary
#                           there and this script appends what it committed
#
# Exit status: 0 when every page was checked (changed or not); 3 when some
# page failed or is stale: what succeeded is still exported, committed and
# pushed first; any other code of relwatch (2 config, 4 archive unusable,
# 130 interrupted) stops the run at once, before anything is committed;
# 1 when the commit could not be pushed (see step 5).
set -euo pipefail

db=${RELWATCH_DB:-relwatch.db}
export_dir=${RELWATCH_EXPORT_DIR:-data}
push=${RELWATCH_PUSH:-auto}
heartbeat_days=${RELWATCH_HEARTBEAT_DAYS:-0}

log() { echo "scheduled-run: $*" >&2; }

bin=${RELWATCH_BIN:-}
if [[ -z $bin ]]; then
  src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  bin=$tmp/relwatch
  if [[ -f $src/cmd/relwatch/main.go ]]; then
    # A fork or clone of relwatch: build the code it holds.
    log "building relwatch from $src"
    (cd "$src" && go build -o "$bin" ./cmd/relwatch)
  else
    # The script copied into a repository of its own: install a release.
    pkg=github.com/relwatch/relwatch/cmd/relwatch@${RELWATCH_VERSION:-latest}
    log "installing $pkg"
    GOBIN=$tmp go install "$pkg"
  fi
fi

git rev-parse --is-inside-work-tree >/dev/null

# git needs an author; CI runners have none configured.
if [[ -z $(git config user.email || true) ]]; then
  export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-relwatch} GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-relwatch@users.noreply.github.com}
  export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME} GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}
fi

out=$(mktemp)
trap 'rm -f "$out"; [[ -n ${tmp:-} ]] && rm -rf "$tmp"' EXIT

# 1. Scrape. 0 = nothing changed, 1 = something changed, 3 = some page
#    failed or is stale (the others were archived): go on, fail at the end.
status=0
"$bin" --db "$db" scrape --exit-code | tee "$out" || status=$?
case $status in
  0 | 1) final=0 ;;
  3) final=3; log "some pages failed or are stale: exporting and committing the rest" ;;
  *) log "relwatch scrape exited $status: stopping"; exit "$status" ;;
esac
summary=$(tail -n 1 "$out")

# 2. Export. The tree holds archive dates only: with nothing new, no byte moves.
"$bin" --db "$db" export "$export_dir"

# 3. Commit the archive and the export, only when the export changed. The
#    archive alone changes on every run (each check is recorded); committing
#    it only with a change keeps the history to one commit per change.
committed=""
if [[ -n $(git status --porcelain --untracked-files=all -- "$export_dir") ]]; then
  git add -A -- "$export_dir"
  # -f: the archive is committed even where a .gitignore covers it (*.db).
  git add -f -- "$db"
  git commit -q -m "relwatch: $summary" -- "$export_dir" "$db"
  committed=$(git rev-parse --short HEAD)
  log "committed $committed: $summary"
else
  log "nothing changed: no commit"
fi

# 4. Heartbeat: GitHub disables scheduled workflows after 60 days without
#    repository activity. A quiet page means no commits, so commit a small
#    file when the last commit is older than RELWATCH_HEARTBEAT_DAYS.
if [[ -z $committed && $heartbeat_days -gt 0 ]]; then
  last=$(git log -1 --format=%ct 2>/dev/null || echo 0)
  if (( $(date +%s) - last > heartbeat_days * 86400 )); then
    mkdir -p .github
    date -u +%Y-%m-%dT%H:%M:%SZ > .github/relwatch-heartbeat
    git add -- .github/relwatch-heartbeat
    git commit -q -m "relwatch: heartbeat (no change for $heartbeat_days days)" -- .github/relwatch-heartbeat
    committed=$(git rev-parse --short HEAD)
    log "committed heartbeat $committed"
  fi
fi

# 5. Push, when there is something to push and somewhere to push it. A
#    push rejected because the branch moved meanwhile (someone else pushed)
#    is retried on top of it: fetch, rebase, push, a few times. The archive
#    is a binary file: when the other commits changed it (or the same export
#    files), the rebase cannot merge them, and the run fails saying so.
push_attempts=4
if [[ -n $committed && $push != 0 && -n $(git remote) ]]; then
  remote=$(git remote | head -n 1)
  branch=$(git symbolic-ref --short -q HEAD || true)
  attempt=1
  until git push -q "$remote" HEAD; do
    if [[ -z $branch ]]; then
      log "git push to $remote failed, and HEAD is not on a branch to rebase: giving up (commit $committed is not pushed)"
      exit 1
    fi
    if (( attempt >= push_attempts )); then
      log "git push to $remote/$branch failed $attempt times: giving up (commit $committed is not pushed)"
      exit 1
    fi
    if ! git fetch -q "$remote" "$branch"; then
      log "git push to $remote/$branch failed and so did git fetch: giving up (commit $committed is not pushed)"
      exit 1
    fi
    if git merge-base --is-ancestor FETCH_HEAD HEAD; then
      # Nothing new on the remote: not a race. Most often the token may not
      # push (GitHub: permissions: contents: write, and Settings > Actions >
      # General > Workflow permissions: Read and write permissions).
      log "git push to $remote/$branch failed, and the remote branch has nothing new: check that this job may push (commit $committed is not pushed)"
      exit 1
    fi
    log "git push to $remote/$branch rejected: the branch moved meanwhile; rebasing on it and retrying ($attempt/$((push_attempts - 1)))"
    if ! git rebase -q FETCH_HEAD >/dev/null 2>&1; then
      conflicts=$(git diff --name-only --diff-filter=U | paste -sd ' ' -)
      git rebase --abort >/dev/null 2>&1 || true
      log "cannot rebase commit $committed on $remote/$branch: a commit pushed meanwhile also changed ${conflicts:-the same files}; $db is a binary SQLite file and cannot be merged. Nothing was pushed: resolve by hand (keep one archive) or run again from a fresh checkout."
      exit 1
    fi
    committed=$(git rev-parse --short HEAD)
    attempt=$((attempt + 1))
    sleep $(( (attempt - 2) * 2 ))
  done
  log "pushed $committed"
fi

if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
  if [[ -n $committed ]]; then
    echo -e "\nCommitted \`$committed\`: $summary" >> "$GITHUB_STEP_SUMMARY"
  else
    echo -e "\nNothing new to commit." >> "$GITHUB_STEP_SUMMARY"
  fi
fi
exit "$final"
