#!/usr/bin/env bash
# Lints every GitHub Actions workflow of the repository and every workflow example in
# README.md with actionlint, so that neither the CI nor what users copy can be broken.
#
#   - .github/workflows/*.yml|*.yaml are linted in place. actionlint checks the inputs given
#     to `uses: ./` against action.yml (and that the Dockerfile it names exists).
#   - Every ```yaml block of README.md with a top-level `on:` and `jobs:` is written into a
#     temporary `.github/workflows` tree beside a copy of action.yml and the Dockerfile.
#     actionlint never fetches remote actions, so `uses: modelgate/modelgate@REF` is
#     rewritten to `uses: ./` there: the README's inputs are checked against action.yml.
#     Errors are reported at README.md line numbers.
#
# actionlint runs from the module proxy at a pinned version (it does not enter go.mod);
# set ACTIONLINT to use another binary. shellcheck is used for `run:` scripts when it is on
# PATH. Exit status: 0 clean, 1 lint errors, 2 the tool could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=v1.7.12
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

actionlint="${ACTIONLINT:-}"
if [[ -z "$actionlint" ]]; then
  if ! GOBIN="$tmp/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"; then
    echo "lint-workflows: cannot build actionlint $ACTIONLINT_VERSION" >&2
    exit 2
  fi
  actionlint="$tmp/bin/actionlint"
fi
echo "lint-workflows: $("$actionlint" -version | head -n 1)"
if command -v shellcheck >/dev/null; then
  echo "lint-workflows: run: scripts checked with $(command -v shellcheck)"
else
  echo "lint-workflows: shellcheck not found, run: scripts are not checked"
fi

status=0

# 1. The repository's workflows.
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob
if [[ ${#workflows[@]} -eq 0 ]]; then
  echo "lint-workflows: no workflow in .github/workflows"
else
  [[ -f action.yml ]] || echo "lint-workflows: no action.yml yet: inputs of 'uses: ./' are not checked"
  echo "lint-workflows: checking ${workflows[*]}"
  "$actionlint" "${workflows[@]}" || status=1
fi

# 2. The README's workflow examples.
if [[ ! -f README.md ]]; then
  echo "lint-workflows: no README.md yet: skipping its workflow examples"
elif [[ ! -f action.yml ]]; then
  echo "lint-workflows: no action.yml yet: skipping README.md's workflow examples"
else
  tree="$tmp/readme"
  mkdir -p "$tree/.git" "$tree/.github/workflows"
  cp action.yml "$tree/"
  [[ -f Dockerfile ]] && cp Dockerfile "$tree/"
  # Each block goes to example-N.yml; map.txt holds "example-N.yml FIRST_LINE" where
  # FIRST_LINE is the README line of the block's first YAML line.
  awk -v dir="$tree/.github/workflows" '
    function flush() {
      if (body ~ /(^|\n)on:/ && body ~ /(^|\n)jobs:/) {
        n++; f = sprintf("%s/example-%d.yml", dir, n)
        printf "%s", body > f; close(f)
        printf "example-%d.yml %d\n", n, start
      }
    }
    /^[ \t]*```/ {
      if (!inblock && $0 ~ /^[ \t]*```[ \t]*(yaml|yml)([ \t].*)?$/) { inblock = 1; body = ""; start = NR + 1; next }
      if (inblock) { flush(); inblock = 0; next }
    }
    inblock {
      line = $0
      sub(/uses:[ \t]*modelgate\/modelgate@[^ \t#]*/, "uses: ./", line)
      body = body line "\n"
    }
  ' README.md > "$tmp/map.txt"
  count=$(wc -l < "$tmp/map.txt")
  if [[ "$count" -eq 0 ]]; then
    echo "lint-workflows: README.md has no workflow example (a yaml block with on: and jobs:)"
  else
    echo "lint-workflows: checking $count workflow example(s) of README.md at line(s)" \
      "$(awk '{printf "%s%d", (NR > 1 ? ", " : ""), $2}' "$tmp/map.txt")"
    out="$tmp/readme.out"
    rc=0
    # shellcheck disable=SC2016 # a Go template, not a shell expansion
    (cd "$tree" && "$actionlint" -format '{{range $err := .}}{{$err.Filepath}}:{{$err.Line}}:{{$err.Column}}: {{$err.Message}} [{{$err.Kind}}]\n{{end}}' \
      .github/workflows/*.yml) > "$out" 2>&1 || rc=$?
    if [[ $rc -ne 0 ]]; then
      status=1
      # .github/workflows/example-N.yml:L:C: msg -> README.md:(FIRST_LINE+L-1):C: msg
      awk 'NR == FNR { first[$1] = $2; next }
        match($0, /^\.github\/workflows\/example-[0-9]+\.yml:[0-9]+:/) {
          head = substr($0, 1, RLENGTH - 1); rest = substr($0, RLENGTH + 1)
          split(head, p, ":"); sub(/^\.github\/workflows\//, "", p[1])
          printf "README.md:%d:%s\n", first[p[1]] + p[2] - 1, rest; next
        }
        { print }' "$tmp/map.txt" "$out"
    fi
  fi
fi

if [[ $status -eq 0 ]]; then
  echo "lint-workflows: ok"
else
  echo "lint-workflows: errors found" >&2
fi
exit "$status"
