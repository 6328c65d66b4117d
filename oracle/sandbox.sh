#!/usr/bin/env bash
# The walls around the oracle's loader (docs/oracle.md, "Safety"). Run as
# root, it starts loader.py in new network and mount namespaces: no network
# but a loopback that is down, every mount read-only, fresh empty tmpfs on
# /tmp, /var/tmp and /dev/shm (the throwaway directories live there and
# vanish with the namespace), then drops to the nobody user with no
# capabilities and no new privileges, under CPU, memory, file-size and
# process limits. loader.py checks these walls itself and refuses to load
# anything without them. Usage: sandbox.sh LOADER.py [ARGS...]
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "oracle sandbox: needs root (namespaces, mounts, dropping to nobody); refusing to run" >&2
  exit 3
fi
for tool in unshare setpriv prlimit mount; do
  command -v "$tool" >/dev/null || { echo "oracle sandbox: $tool missing; refusing to run" >&2; exit 3; }
done
loader=$1; shift
exec unshare --mount --net --propagation private -- /bin/bash -euo pipefail -c '
  loader=$1; shift
  src=$(cat "$loader")
  watch=$(cat "$(dirname "$loader")/watch.py")
  # Read-only everywhere: every mount point, deepest last so none is missed.
  awk "{print \$5}" /proc/self/mountinfo | sort -u | while read -r mp; do
    mp=$(printf "%b" "$mp")
    mount -o remount,bind,ro "$mp" 2>/dev/null || true
  done
  for d in /tmp /var/tmp /dev/shm; do
    [ -d "$d" ] && mount -t tmpfs -o size=512m,mode=1777,nosuid,nodev tmpfs "$d"
  done
  mkdir -m 0755 /tmp/.oracle
  printf "%s\n" "$src" >/tmp/.oracle/loader.py
  printf "%s\n" "$watch" >/tmp/.oracle/watch.py
  chmod 0444 /tmp/.oracle/*.py
  chmod 0555 /tmp/.oracle
  exec prlimit --as=6442450944 --cpu=7200 --fsize=67108864 --nproc=256 --core=0 -- \
    setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- \
    env -i PATH=/usr/bin:/bin HOME=/tmp OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    /usr/bin/python3 -I /tmp/.oracle/loader.py "$@"
' oracle-sandbox "$loader" "$@"
