#!/usr/bin/env bash
# Pins a release to its published image: rewrites action.yml's runs.image from Dockerfile
# to docker://IMAGE@DIGEST, and the image of the modelgate-docker pre-commit hook from the
# moving major tag (IMAGE:vN) to the same digest. The release workflow runs it on the
# commit being released, commits the result and creates the version tag on that commit,
# once: a user's job then pulls exactly the image that was tested and published, and never
# builds modelgate from source. Only the two image lines change; comments stay as written.
#
#   scripts/pin-release.sh IMAGE DIGEST [DIR]     e.g. ghcr.io/modelgate/modelgate sha256:...
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: scripts/pin-release.sh IMAGE DIGEST [DIR]" >&2
  exit 2
fi
image="$1" digest="$2" dir="${3:-.}"
if ! [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "pin-release: digest '$digest' is not sha256:<64 hex digits>" >&2
  exit 2
fi
ref="$image@$digest"
sed -i -E "s|^([[:space:]]+image:[[:space:]]*)['\"]?Dockerfile['\"]?[[:space:]]*$|\1'docker://$ref'|" "$dir/action.yml"
if ! grep -qF "image: 'docker://$ref'" "$dir/action.yml"; then
  echo "pin-release: action.yml runs.image was not Dockerfile" >&2
  exit 1
fi
sed -i -E "s|^([[:space:]]+entry:[[:space:]]*)$image:v[0-9]+ |\1$ref |" "$dir/.pre-commit-hooks.yaml"
if ! grep -qF "entry: $ref " "$dir/.pre-commit-hooks.yaml"; then
  echo "pin-release: no pre-commit hook runs $image:vN" >&2
  exit 1
fi
