#!/usr/bin/env bash
# Writes the fuzz seeds of package gitread from a small repository made by
# git itself: index files (versions 2, 3 and 4), a pack with offset deltas
# and its version 2 index, the same with reference deltas and a version 1
# index, and a loose tree object. Run from this directory; needs git.
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)/seeds"
repo="$(mktemp -d)"
trap 'rm -rf "$repo"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=seed \
  GIT_AUTHOR_EMAIL=seed@example.com GIT_COMMITTER_NAME=seed GIT_COMMITTER_EMAIL=seed@example.com \
  GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
cd "$repo"
git init -q -b main
mkdir -p models/deep/er
for i in $(seq 1 12); do echo "file $i" > "models/m$i.pkl"; done
echo deep > models/deep/er/d.pkl
ln -s models/m1.pkl link.pkl
git add -A && git commit -qm one
for i in 1 2 3; do echo "change $i" >> models/m5.pkl; git add -A; git commit -qm "c$i"; done
git tag -a -m tag v1 HEAD~1
rm -rf "$out" && mkdir -p "$out"
cp .git/index "$out/index-v2"
tree="$(git rev-parse HEAD^{tree})"
cp ".git/objects/${tree:0:2}/${tree:2}" "$out/loose-tree"
git add -N link.pkl 2>/dev/null || true
echo new > new.pkl && git add -N new.pkl
cp .git/index "$out/index-v3"
git update-index --index-version 4
cp .git/index "$out/index-v4"
git repack -adq --window=50 --depth=50
cp .git/objects/pack/*.idx "$out/ofs.idx"
cp .git/objects/pack/*.pack "$out/ofs.pack"
git -c repack.useDeltaBaseOffset=false -c pack.indexVersion=1 repack -adfq --window=50 --depth=50
cp .git/objects/pack/*.idx "$out/ref.idx"
cp .git/objects/pack/*.pack "$out/ref.pack"
chmod 644 "$out"/*
ls -l "$out"
