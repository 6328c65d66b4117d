#!/usr/bin/env bash
# What the oracle needs from the machine: Debian's /usr/bin/python3 with
# the libraries whose loaders it watches, and the sandbox's tools.
#   deps.sh check    says what is missing; exits 1 if anything is
#   deps.sh install  installs the Debian packages (root, apt-get), then checks
# scripts/test.sh installs in CI (CI=true) and checks elsewhere.
set -euo pipefail
packages=(python3 python3-torch python3-numpy python3-joblib python3-sklearn python3-pandas
  python3-sympy python3-dill python3-h5py python3-py7zr python3-scipy util-linux)
modules=(torch numpy joblib sklearn pandas sympy dill h5py py7zr scipy)
check() {
  local missing=()
  [ -x /usr/bin/python3 ] || missing+=(python3)
  if [ -x /usr/bin/python3 ]; then
    for m in "${modules[@]}"; do
      /usr/bin/python3 -c "import $m" 2>/dev/null || missing+=("python3-${m#sk}")
    done
  fi
  for tool in unshare setpriv prlimit mount; do
    command -v "$tool" >/dev/null || missing+=("$tool (util-linux/mount)")
  done
  [ "$(id -u)" = 0 ] || missing+=("root (the sandbox makes namespaces and drops to nobody)")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "oracle: missing: ${missing[*]}" >&2
    echo "oracle: install with: apt-get update && apt-get install -y ${packages[*]}" >&2
    return 1
  fi
  echo "oracle: prerequisites present" >&2
}
case "${1:-check}" in
  check) check ;;
  install)
    if ! check 2>/dev/null; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    fi
    check ;;
  *) echo "usage: oracle/deps.sh check|install" >&2; exit 2 ;;
esac
