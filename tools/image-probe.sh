#!/bin/sh
# The PROBE for `make image-check`: one documented call per vendor and the control plane's
# health, against the image's container on 127.0.0.1:8080 (its default port, host network),
# then the Models API and Outharm on their hosts' own ports (8084, 8082).
# Any non-2xx answer or unreachable port fails the check (curl -f).
set -eu
url=${IMAGE_URL:-http://127.0.0.1:8080}
json='Content-Type: application/json'
say() { printf 'probe: %s\n' "$*"; }

curl -fsS "$url/_mockserver/health" | grep -q '"status": *"ok"'
say "control plane: /_mockserver/health ok"
curl -fsS "$url/_mockserver/ui" | grep -q 'reviewer console'
say "console: /_mockserver/ui ok"
curl -fsS -H 'Authorization: Bearer probe-key' "$url/v1/test" >/dev/null
say "hitl: GET /v1/test ok"
curl -fsS -X POST -H 'Authorization: Bearer probe-token' -H "$json" "$url/moderation/automated" \
  -d '{"schema_id": "550e8400-e29b-41d4-a716-446655440000", "content": {"title": ["hello"]}}' \
  | grep -q '"is_harmful"'
say "outharm: POST /moderation/automated ok"
curl -fsS -X POST -H 'Authorization: token probe-key' -H "$json" "$url/api/v1/task/sync" \
  -d '{"text_data": "hello", "post_id": "p1", "user_id": "u1"}' | grep -q '"task_id"'
say "hive: POST /api/v1/task/sync ok"
# The image serves each vendor's real host on a port of its own (MOCKSERVER_HOST_PORTS=all).
models=${IMAGE_MODELS_URL:-http://127.0.0.1:8084}
curl -fsS -X POST -H 'Authorization: token probe-key' "$models/api/v2/task/sync" \
  -F 'text_data=hello' | grep -q '"moderated_classes"'
say "hive: the api.thehive.ai port serves the Models API at /api/v2/task/sync"
outharm=${IMAGE_OUTHARM_URL:-http://127.0.0.1:8082}
curl -sS "$outharm/_mockserver/health" | grep -q '"status_code": *"404"'
say "outharm: the api.outharm.com port answers any other path in Outharm's error shape"
curl -fsS "$url/_mockserver/journal" | grep -q '"count": *5'
say "journal: the five vendor calls are recorded"
