#!/bin/sh
# Regenerates policy/data/knowledge.tsv from the Debian packages installed
# on this machine (see docs/knowledge.md). Needs Debian's /usr/bin/python3 and:
#   apt-get install -y --no-install-recommends python3-torch python3-numpy \
#     python3-scipy python3-sklearn python3-pandas python3-joblib python3-sympy \
#     python3-dateutil python3-tz python3-requests python3-jinja2 python3-h5py \
#     python3-traits python3-pyface python3-envisage python3-apptools \
#     python3-cobra python3-optlang python3-babel python3-astroquery \
#     python3-statsmodels python3-networkx python3-matplotlib python3-pil \
#     python3-astropy python3-gensim python3-nltk python3-skimage
set -eu
cd "$(dirname "$0")"
# matplotlib writes its font cache into its configuration directory when it
# is first imported: a directory of our own, removed afterwards, keeps that
# write out of HOME and /tmp's shared space.
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
# No network, no writes outside the output; imports only, nothing called.
# ETS_TOOLKIT=null: pyface picks its GUI toolkit on import; "null" is its
# toolkit without a window system, so importing it opens no display.
# MPLBACKEND=Agg: matplotlib's non-interactive backend, for the same reason.
env -i PATH=/usr/bin:/bin HOME=/nonexistent KNOWLEDGE_TRACE="${KNOWLEDGE_TRACE:-}" PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0 \
	ETS_TOOLKIT=null MPLBACKEND=Agg MPLCONFIGDIR="$cfg" \
	/usr/bin/python3 -W ignore generate.py "$@"
