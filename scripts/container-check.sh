#!/usr/bin/env bash
# Builds the action's Dockerfile and runs the image the way the Actions runner runs a Docker
# container action (../shared/tools/container-check: buildah, no Docker engine), over a
# temporary workspace holding a malicious pickle. Asserts:
#   - the container exits 1 (the gate fails at fail-on: high),
#   - the SARIF file is in the workspace, is JSON and has at least one result,
#   - every output of action.yml is set, findings > 0, highest-severity critical or high;
#   - with scan-scope: changed on a pull_request event (the image has no git), only the file the
#     pull request added is reported, not the one already in the base commit.
#
# Skips (exit 0, with a line saying why) when the check cannot run here: no action.yml or
# Dockerfile yet, no ../shared/tools/container-check, not root, no buildah and no apt-get to
# install it, no python3 with PyYAML, or MODELGATE_CONTAINER_CHECK=skip.
#
# The first run builds Debian stand-ins for the base images (debootstrap) and needs about
# 3 GB in ~/.cache/container-check; see docs/release.md for measured times.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

tool="${CONTAINER_CHECK_TOOL:-../shared/tools/container-check}"
skip() { echo "container-check: SKIP: $*"; exit 0; }
fail() { echo "container-check: FAIL: $*" >&2; status=1; }

[[ "${MODELGATE_CONTAINER_CHECK:-}" == skip ]] && skip "MODELGATE_CONTAINER_CHECK=skip"
[[ -f action.yml ]] || skip "no action.yml in the repository yet"
[[ -f Dockerfile ]] || skip "no Dockerfile in the repository yet"
[[ -x "$tool" ]] || skip "$tool not found (the shared folder sits beside the clone on the dev machines only)"
[[ $(id -u) -eq 0 ]] || skip "buildah with vfs storage and chroot isolation needs root"
command -v buildah >/dev/null || command -v apt-get >/dev/null || skip "no buildah, and no apt-get to install it"
py=""
for p in "${PYTHON:-}" python3 /usr/bin/python3; do
  [[ -n "$p" ]] && "$p" -c 'import yaml' 2>/dev/null && { py="$p"; break; }
done
[[ -n "$py" ]] || skip "no python3 with PyYAML (container-check reads action.yml with it)"

ws="$(mktemp -d)"
log="$(mktemp)"
trap 'rm -rf "$ws" "$log"' EXIT
mkdir -p "$ws/models"
if [[ -f testdata/examples/suspicious_model.pkl ]]; then
  cp testdata/examples/suspicious_model.pkl "$ws/models/"
else
  # GLOBAL os.system, MARK, STRING, TUPLE, REDUCE, STOP: written, never loaded.
  printf "cos\nsystem\n(S'echo modelgate-test'\ntR." > "$ws/models/suspicious_model.pkl"
fi
printf 'not a model\n' > "$ws/README.txt"

echo "container-check: building the Dockerfile and running the action over $(ls "$ws/models")"
start=$SECONDS
PYTHON="$py" "$tool" --workspace "$ws" path=. fail-on=high sarif-file=modelgate.sarif > "$log" 2>&1
rc=$?
elapsed=$((SECONDS - start))
if [[ $rc -eq 2 ]] && grep -qE 'could not install|needs root|lacks PyYAML' "$log"; then
  skip "$(grep -m1 -E 'could not install|needs root|lacks PyYAML' "$log")"
fi

status=0
[[ $rc -eq 1 ]] || fail "container exit code $rc, want 1 (a malicious pickle at fail-on: high)"
sarif="$ws/modelgate.sarif"
if [[ ! -s "$sarif" ]]; then
  fail "no SARIF at modelgate.sarif in the workspace"
elif ! results=$("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(r.get("results") or []) for r in d["runs"]))' "$sarif" 2>&1); then
  fail "the SARIF is not readable: $results"
elif [[ "$results" -lt 1 ]]; then
  fail "the SARIF has no result"
fi

# The report lists outputs as "  name = value" under "== outputs (GITHUB_OUTPUT) ==".
outputs="$(awk '/^== outputs/ { on = 1; next } /^== / { on = 0 } on' "$log")"
value() { sed -n "s/^  $1 = //p" <<< "$outputs" | head -n 1; }
for name in $("$py" -c 'import sys,yaml; print(" ".join((yaml.safe_load(open("action.yml")) or {}).get("outputs") or {}))'); do
  [[ -n "$(value "$name")" ]] || fail "output $name is not set"
done
findings="$(value findings)"
[[ "$findings" =~ ^[0-9]+$ && "$findings" -gt 0 ]] || fail "output findings is '$findings', want a number > 0"
case "$(value highest-severity)" in
  critical|high) ;;
  *) fail "output highest-severity is '$(value highest-severity)', want critical or high" ;;
esac

if [[ $status -ne 0 ]]; then
  echo "---- container-check report ----" >&2
  cat "$log" >&2
  exit 1
fi
echo "container-check: ok in ${elapsed}s (exit $rc, $results SARIF result(s), findings=$findings, highest-severity=$(value highest-severity))"

# scan-scope: changed in the image, which has no git: a pull request that adds a malicious pickle
# to a repository that already holds one. The image must read the repository itself and report
# the added file only (the old one is unchanged since the base commit).
command -v git >/dev/null || skip "no git here to build the pull-request workspace (the first check passed)"
pr="$(mktemp -d)"
trap 'rm -rf "$ws" "$log" "$pr"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com \
  GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com
git -C "$pr" init -q -b main
mkdir -p "$pr/models"
cp "$ws/models/suspicious_model.pkl" "$pr/models/already_there.pkl"
printf 'readme\n' > "$pr/README.md"
git -C "$pr" add -A && git -C "$pr" commit -qm base
base="$(git -C "$pr" rev-parse HEAD)"
cp "$ws/models/suspicious_model.pkl" "$pr/models/added_by_pr.pkl"
git -C "$pr" add -A && git -C "$pr" commit -qm "pull request"
git -C "$pr" gc -q   # packed objects, as a fetch leaves them
printf '{"pull_request": {"base": {"sha": "%s"}}}' "$base" > "$pr/.git/event.json"
PYTHON="$py" "$tool" --workspace "$pr" --env GITHUB_EVENT_NAME=pull_request \
  --env GITHUB_EVENT_PATH=/github/workspace/.git/event.json scan-scope=changed sarif-file=pr.sarif > "$log" 2>&1
rc=$?
[[ $rc -eq 1 ]] || fail "scan-scope changed: container exit code $rc, want 1"
uris="$("$py" -c 'import json,sys; print(" ".join(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for run in json.load(open(sys.argv[1]))["runs"] for r in run.get("results") or []))' "$pr/pr.sarif" 2>&1)"
[[ "$uris" == "models/added_by_pr.pkl" ]] || fail "scan-scope changed: results on '$uris', want models/added_by_pr.pkl only"
grep -q "no git program here" "$log" || fail "scan-scope changed: the step summary does not say how the changes were read"
if [[ $status -ne 0 ]]; then
  echo "---- container-check report (scan-scope changed) ----" >&2
  cat "$log" >&2
  exit 1
fi
echo "container-check: ok: scan-scope changed in the image reported $uris only"
