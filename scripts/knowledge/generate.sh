#!/bin/sh
# Regenerates policy/data/knowledge.tsv.gz from the Debian packages installed
# on this machine (see docs/knowledge.md). Needs Debian's /usr/bin/python3 and:
#   apt-get install -y python3-torch python3-numpy python3-scipy python3-sklearn \
#     python3-pandas python3-joblib python3-sympy python3-dateutil python3-tz \
#     python3-requests python3-jinja2 python3-h5py
set -eu
cd "$(dirname "$0")"
# No network, no writes outside the output; imports only, nothing called.
exec env -i PATH=/usr/bin:/bin HOME=/nonexistent KNOWLEDGE_TRACE="${KNOWLEDGE_TRACE:-}" PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0 \
	/usr/bin/python3 -W ignore generate.py "$@"
