#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, vet, staticcheck, the workflow lint,
# and every test with the race detector. The SARIF tests validate each SARIF
# they write with Microsoft's SARIF Multitool, installed here from npm (it is
# required when npm is available or CI=true; without npm, locally, those
# checks are skipped with a message and the JSON-schema checks still run).
# The oracle's quick mode (oracle/, docs/oracle.md) loads candidates with
# Debian's python3 libraries inside a sandbox: in CI (CI=true, root) the
# packages are installed here and a missing one fails the run; elsewhere
# they are checked, and the oracle's tests skip saying what is missing.
# The knowledge generator's analysis (scripts/knowledge) has unit tests of
# its own, run with /usr/bin/python3. Last, the Docker image is built from the Dockerfile and run the way the
# Actions runner runs it (scripts/container-check.sh: buildah, needs root;
# it skips with a message where it cannot run). MODELGATE_CONTAINER_CHECK=skip
# leaves it out; the first run builds base-image stand-ins and takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './testdata/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi
go vet ./...
# staticcheck at a pinned version, fetched from the Go module proxy.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
if command -v npm >/dev/null || [ "${CI:-}" = true ]; then
  SARIF_MULTITOOL="$(./scripts/install-sarif-multitool.sh)"
  export SARIF_MULTITOOL SARIF_MULTITOOL_REQUIRED=1
fi
./scripts/lint-workflows.sh
if [ "${CI:-}" = true ]; then
  ./oracle/deps.sh install
else
  ./oracle/deps.sh check || echo "oracle: its tests will skip here (in CI they fail instead)"
fi
# The knowledge generator's own analysis tests (standard library only).
(cd scripts/knowledge && /usr/bin/python3 -m unittest -q test_analyse)
go test -race -count=1 ./...
./scripts/container-check.sh
