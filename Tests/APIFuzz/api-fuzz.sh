#!/usr/bin/env bash
# schemathesis against a running `interchange serve`: openapi.yaml must describe what the gateway answers, and the
# gateway must never answer 5xx except the documented 503s. Not part of `make test` (it needs pip and minutes).
#
# Starts the gateway with a throw-away config (plain loopback listeners, token auth for one agency and one
# operator), then runs schemathesis twice: the `agency` operations against the agency listener with the agency's
# token, the `operator` operations against the operator listener with the operator's token.
# One worker: with several, hypothesis parses lambdas in threads and CPython 3.11 fails ("AST constructor
# recursion depth mismatch"), which schemathesis reports as a runtime error.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${BIN:-$ROOT/.build/debug/interchange}
SCHEMATHESIS=${SCHEMATHESIS:-$ROOT/.build/venv/bin/schemathesis}
MAX_EXAMPLES=${API_FUZZ_EXAMPLES:-50}
CHECKS=${API_FUZZ_CHECKS:-not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance}

WORK=$(mktemp -d /tmp/interchange-api-fuzz.XXXXXX)
AGENCY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OPERATOR_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
AGENCY_TOKEN=agency-$(openssl rand -hex 16)
OPERATOR_TOKEN=operator-$(openssl rand -hex 16)
echo "$AGENCY_TOKEN" > "$WORK/agency.token"
echo "$OPERATOR_TOKEN" > "$WORK/operator.token"
cat > "$WORK/gateway.json" <<JSON
{
  "node": "fuzz",
  "listeners": [
    {"name": "agency", "host": "127.0.0.1", "port": $AGENCY_PORT, "role": "agency", "plain": true},
    {"name": "ops", "host": "127.0.0.1", "port": $OPERATOR_PORT, "role": "operator", "plain": true}
  ],
  "operators": [{"name": "fuzzer", "role": "operator", "tokenFile": "$WORK/operator.token"}],
  "store": "sqlite:$WORK/data/interchange.db",
  "agencies": [
    {"id": "fuzz-hospital", "kind": "hospital", "name": "Fuzz hospital", "code": "01013", "province": "01",
     "auth": {"tokenFile": "$WORK/agency.token"},
     "types": ["hospital.visit", "hospital.checkin", "court.verdict", "procuracy.record",
               "vneid.certificate-request", "judicial.certificate", "test.note"]}
  ],
  "destinations": [
    {"id": "sink", "url": "http://127.0.0.1:9/sink", "format": "canonical.json", "timeoutMs": 500,
     "retry": {"maxAttempts": 2, "initialBackoffMs": 100, "maxBackoffMs": 200, "maxAgeHours": 1}}
  ],
  "routes": [{"type": "test.note", "destinations": ["sink"]}]
}
JSON

"$BIN" serve --config "$WORK/gateway.json" > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; echo "gateway log and config: $WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$OPERATOR_PORT/healthz" >/dev/null && break; sleep 0.1; done

status=0
run() {
    local tag=$1 port=$2 token=$3
    echo "== schemathesis: $tag operations on 127.0.0.1:$port"
    "$SCHEMATHESIS" run openapi.yaml --url "http://127.0.0.1:$port" -H "Authorization: Bearer $token" \
        --include-tag "$tag" --checks "$CHECKS" --max-examples "$MAX_EXAMPLES" --workers 1 \
        --suppress-health-check all --warnings off --seed 1 || status=1
}
run agency "$AGENCY_PORT" "$AGENCY_TOKEN"
run operator "$OPERATOR_PORT" "$OPERATOR_TOKEN"
if grep -q "Fatal\|fatal error" "$WORK/serve.log"; then echo "the gateway crashed:"; tail -20 "$WORK/serve.log"; status=1; fi
exit $status
