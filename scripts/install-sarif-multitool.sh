#!/usr/bin/env bash
# Installs Microsoft's SARIF Multitool from npm into a cache folder, so that the
# SARIF tests can validate every SARIF the project writes (schema + GitHub rules).
# Idempotent: does nothing when the pinned version is already there.
#
#   SARIF_TOOLS_DIR  where to install (default ~/.cache/sarif-tools)
#
# Prints the path of the Sarif.Multitool binary on stdout. Export it as
# SARIF_MULTITOOL for `go test ./sarif` (the test also looks in the default folder).
set -euo pipefail
version=5.7.0
dir="${SARIF_TOOLS_DIR:-$HOME/.cache/sarif-tools}"
bin="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
stamp="$dir/.modelgate-multitool-$version"
if [[ ! -x "$bin" || ! -f "$stamp" ]]; then
  command -v npm >/dev/null || { echo "install-sarif-multitool: npm not found" >&2; exit 1; }
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" "@microsoft/sarif-multitool@$version" >&2
  chmod +x "$bin"
  touch "$stamp"
fi
"$bin" --version >/dev/null 2>&1 || { echo "install-sarif-multitool: $bin does not run" >&2; exit 1; }
echo "$bin"
