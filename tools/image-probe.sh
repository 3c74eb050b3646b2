#!/bin/sh
# The PROBE for `make image-check`, against the image's container (host network; its default
# port 8080 unless IMAGE_URL says otherwise): the control plane's health and the reviewer
# console, then every vendor the image serves, as GET /_mockserver/vendors declares them (each
# vendor's smoke calls on the main port and on its hosts' own ports, each host port answering
# as its vendor alone, and the journal counting what was sent: tools/image_probe.py, which the
# tests run too). No vendor is named here. Any wrong answer or unreachable port fails the check.
set -eu
url=${IMAGE_URL:-http://127.0.0.1:8080}
say() { printf 'probe: %s\n' "$*"; }

curl -fsS "$url/_mockserver/health" | grep -q '"status": *"ok"'
say "control plane: /_mockserver/health ok"
curl -fsS "$url/_mockserver/ui" | grep -q 'reviewer console'
say "console: /_mockserver/ui ok"
exec python3 "$(dirname "$0")/image_probe.py" "$url"
