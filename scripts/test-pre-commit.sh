#!/usr/bin/env bash
# Test the pre-commit hook with pre-commit itself (from PyPI) on a real git repository.
#
# The hooks tested are those .pre-commit-hooks.yaml defines, every field kept
# (pass_filenames, always_run, files, ...) but two: each runs as a `repo: local` hook with
# `language: system` and the locally built binary (target/debug/pipeline, or $PIPELINE_BIN),
# so that pre-commit does not build pipeline again. `git commit` runs it through the hook
# `pre-commit install` writes, as in a catalogue repository.
#
# Cases (issue #24): the shipped catalogue commits; replacing `_collections.yaml` with
# `x: {title: X}` is refused (X004); `git rm` of a record another lists in `related` is refused
# (X003); a rename that no longer matches the id is refused (X002); an invalid record is
# refused; a valid edit commits. With pipeline-fix beside it: a commit of a record whose date
# fix rewrites stops with the record fixed, and commits once staged again; a change to
# `_collections.yaml` is not handed to fix (it used to be rewritten as if it were a record).
#
# Usage: scripts/test-pre-commit.sh   (after `cargo build`; $HOOKS_FILE tests another hooks file)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bin=${PIPELINE_BIN:-$root/target/debug/pipeline}
hooks_file=${HOOKS_FILE:-$root/.pre-commit-hooks.yaml}
[[ -x $bin ]] || { echo "test-pre-commit: $bin is not built (cargo build)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

venv=${XDG_CACHE_HOME:-$HOME/.cache}/pipeline-pre-commit
if ! "$venv/bin/pre-commit" --version >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'pre-commit==4.7.0'
fi
"$venv/bin/pre-commit" --version

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME=$work/pre-commit-home
# validate's outline cache (used for files named on the command line) stays in the test.
export PIPELINE_CACHE_DIR=$work/pipeline-cache
repo=$work/catalogue
mkdir -p "$repo"
cp -R "$root/input" "$repo/input"

# config HOOK_ID...: the documented hooks, as local hooks running the built binary (PyYAML
# comes with pre-commit).
config() {
  "$venv/bin/python" - "$hooks_file" "$bin" "$@" >"$repo/.pre-commit-config.yaml" <<'PY'
import sys, yaml
hooks_file, binary, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
hooks = []
for hook in yaml.safe_load(open(hooks_file)):
    if hook["id"] not in ids:
        continue
    entry = hook["entry"].split(" ", 1)
    assert entry[0] == "pipeline", hook["entry"]
    hook["entry"] = " ".join([binary] + entry[1:])
    hook["language"] = "system"
    hooks.append(hook)
assert len(hooks) == len(ids), ids
print(yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False))
PY
}
config pipeline-validate
echo "--- .pre-commit-config.yaml of the test repository"
cat "$repo/.pre-commit-config.yaml"

git_() { git -C "$repo" -c user.name=test -c user.email=test@example.org -c commit.gpgsign=false "$@"; }
git_ init -q -b main
git_ add -A
git_ commit -q --no-verify -m "the shipped catalogue"
(cd "$repo" && "$venv/bin/pre-commit" install >/dev/null)
base=$(git_ rev-parse HEAD)

failures=0
# expect passes|fails CODE DESCRIPTION: commit what is staged; check the outcome and, for a
# refusal, that the hook's output names the finding code. Each case starts again from the
# shipped catalogue (a commit let through is undone too).
expect() {
  local want=$1 code=$2 what=$3 out status=0
  out=$(git_ commit -m "$what" 2>&1) || status=$?
  if [[ $want == passes && $status -eq 0 ]] || [[ $want == fails && $status -ne 0 && $out == *"$code"* ]]; then
    echo "ok: $what: the commit $want"
  else
    echo "FAILED: $what: the commit should have $want (exit $status)"
    echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  fi
  git_ reset -q --hard "$base"
}

echo 'x: {title: X}' >"$repo/input/_collections.yaml"
git_ add -A
expect fails X004 "_collections.yaml replaced by one without the records' collections"

git_ rm -q input/liu-shaoqi-cable-1950-01-22.yaml
expect fails X003 "git rm of a record another record lists in related"

git_ mv input/kapitsa-conversation-1958-06-17.yaml input/kapitsa-conversation.yaml
expect fails X002 "a rename that no longer matches the record's id"

sed -i 's/^title:.*/title: ""/' "$repo/input/premier-reception-1958-11-22.yaml"
git_ add -A
expect fails S005 "an invalid record"

echo 'x: {title: X}' >"$repo/input/_authorities.yaml"
git_ add -A
expect fails S003 "_authorities.yaml replaced by a file that is not an authority file"

sed -i 's/^title: /title: Edited, /' "$repo/input/premier-reception-1958-11-22.yaml"
git_ add -A
expect passes - "a valid edit of a title"

echo "x" >"$repo/notes.txt"
git_ add -A
expect passes - "a commit outside the catalogue"

# pipeline-fix beside pipeline-validate: a commit of a record whose date fix rewrites is
# stopped with the record fixed in the working tree; staged again, it commits. A change to
# `_collections.yaml` is not handed to fix.
config pipeline-validate pipeline-fix
echo "--- with pipeline-fix"
cat "$repo/.pre-commit-config.yaml"
git_ add -A
git_ commit -q --no-verify -m "pipeline-fix too"
base=$(git_ rev-parse HEAD)
record=input/border-crossing-cable-1957-12-17.yaml
sed -i 's/^type: Cable$/type: Telegram/' "$repo/$record"
git_ add -A
status=0
out=$(git_ commit -m "an edit of a record fix rewrites" 2>&1) || status=$?
if [[ $status -ne 0 && $out == *"files were modified by this hook"* ]] \
  && grep -qxF 'date: {expression: "December 17, 1957", normal: 1957-12-17}' "$repo/$record" \
  && grep -qx 'type: Telegram' "$repo/$record"; then
  echo "ok: an edit of a record fix rewrites: the commit stops with the record fixed"
else
  echo "FAILED: an edit of a record fix rewrites (exit $status)"
  echo "$out" | sed 's/^/    /'
  failures=$((failures + 1))
fi
git_ add -A
expect passes - "the fixed record staged again"
sed -i 's/^  title: Repatriation to North Korea$/  title: Repatriation to  North Korea/' "$repo/input/_collections.yaml"
git_ add -A
expect passes - "a change to _collections.yaml, which fix leaves alone"

if ((failures > 0)); then
  echo "test-pre-commit: $failures cases failed"
  exit 1
fi
echo "test-pre-commit: all cases passed"
