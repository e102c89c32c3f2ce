#!/usr/bin/env bash
# TLS audit of the agency listener (`make tls-audit`): testssl.sh against the release gateway with the development
# PKI, plus openssl s_client checks that testssl 3.0 cannot make with mutual TLS. Loopback only.
# Usage: Benchmarks/tls-audit.sh BINARY OUTPUT
set -euo pipefail
binary=$(realpath "$1")
output=$(realpath -m "$2")
work=$(mktemp -d /tmp/interchange-tls-audit-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cd "$work"
cat > gateway.json <<EOF
{
  "node": "audit",
  "listeners": [{"name": "agency", "host": "127.0.0.1", "port": $port, "role": "agency",
                 "tls": {"certificate": "pki/gateway.crt", "key": "pki/gateway.key", "clientCA": "pki/ca.crt",
                         "clientCertificates": "required"}}],
  "store": "sqlite:data/interchange.db",
  "agencies": [{"id": "notes", "kind": "hospital", "name": "Notes", "auth": {"certificate": "pki/agencies/notes.crt"},
                "types": ["test.note"]}],
  "destinations": [{"id": "sink", "url": "http://127.0.0.1:9/notes", "format": "canonical.json"}],
  "routes": [{"type": "test.note", "destinations": ["sink"]}]
}
EOF
"$binary" certs init pki --config gateway.json > /dev/null
cat pki/agencies/notes.crt pki/agencies/notes.key > client.pem
# Same CN as the agency, but self-signed: not from the client CA.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key -out other.crt \
    -subj /CN=notes -days 2 2> /dev/null
cat other.crt other.key > other.pem
"$binary" serve --config gateway.json > serve.log 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null; wait $gateway 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    curl -s -o /dev/null --cacert pki/ca.crt --cert client.pem "https://127.0.0.1:$port/healthz" && break
    sleep 0.2
done

out=()
say() { out+=("$*"); echo "$*"; }
check() {  # check NAME EXPECTATION(pass|fail) COMMAND...: a handshake that must succeed or fail
    local name=$1 want=$2
    shift 2
    local got=fail
    if "$@" < /dev/null > "check.log" 2>&1; then got=pass; fi
    local detail
    detail=$(grep -E -m1 -o 'alert [a-z ]+|Protocol *: *[A-Za-z0-9.]+|Cipher *: *[A-Z0-9_-]+|no (protocols|ciphers) available|certificate required|HTTP/1.1 [0-9]+' check.log | head -1 || true)
    if [ "$got" = "$want" ]; then say "OK    $name (handshake ${got}ed as required) ${detail}"
    else say "FAIL  $name (handshake ${got}ed, expected $want) ${detail}"; fi
}
s_client() { timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile pki/ca.crt -verify_return_error "$@"; }
# A TLS 1.3 server asks for the certificate after the handshake; send a request so the failure surfaces.
get() { printf 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' | s_client -quiet "$@" 2>&1 | grep -q 'HTTP/1.1 200'; }

say "# TLS audit, $(date -u '+%Y-%m-%d %H:%M:%S') UTC, $(openssl version), testssl.sh $(dpkg-query -W -f='${Version}' testssl.sh 2>/dev/null || echo '?')"
say "## handshake checks (openssl s_client)"
check "TLS 1.3 with client certificate"            pass get -tls1_3 -cert client.pem
check "TLS 1.2 with client certificate"            pass get -tls1_2 -cert client.pem
check "TLS 1.3 without client certificate"         fail get -tls1_3
check "TLS 1.2 without client certificate"         fail get -tls1_2
check "TLS 1.1 (with certificate)"                 fail s_client -tls1_1 -cert client.pem
check "TLS 1.0 (with certificate)"                 fail s_client -tls1 -cert client.pem
check "TLS 1.2 CBC suites only"                    fail s_client -tls1_2 -cert client.pem -cipher 'ECDHE+AES256+SHA384:ECDHE+AES128+SHA256:AES128-SHA:AES256-SHA'
check "TLS 1.2 RSA key exchange only"              fail s_client -tls1_2 -cert client.pem -cipher 'kRSA'
check "TLS 1.2 renegotiation refused (alert)"    pass sh -c "(printf 'R\\n'; sleep 2) | openssl s_client -connect 127.0.0.1:$port -tls1_2 -CAfile pki/ca.crt -cert client.pem 2>&1 | grep -qi 'no renegotiation'"
check "self-signed client cert, agency's CN (1.3)" fail get -tls1_3 -cert other.pem
check "self-signed client cert, agency's CN (1.2)" fail get -tls1_2 -cert other.pem

say "## testssl (protocols, ciphers per protocol, server defaults, vulnerabilities); testssl 3.0 has no --mtls,"
say "## so it runs its handshake-level checks against the mTLS-required listener and notes client authentication"
testssl --quiet --color 0 --warnings off --openssl-timeout 10 -p -E -S -U --jsonfile testssl.json \
    "127.0.0.1:$port" > testssl.txt 2>&1 || true
grep -E -i 'client auth|SSLv2|SSLv3|TLS 1(\.[0-3])? |TLS 1\.[0-3] +|offered|Client Authentication|Renegotiation|CBC|LUCKY|BEAST|POODLE|SWEET32|FREAK|LOGJAM|DROWN|ROBOT|CRIME|BREACH|Heartbleed|CCS|Ticketbleed|Secure Client|Forward Secrecy|Cipher order|Negotiated|x[0-9a-f]+ +' testssl.txt \
    | sed -e 's/[[:space:]]\+$//' | grep -v '^$' > testssl-summary.txt || true
while IFS= read -r line; do say "$line"; done < testssl-summary.txt
flagged=$(python3 - <<'PY'
import json
items = json.load(open("testssl.json"))
bad = [f"{i['id']}: {i['severity']} {i['finding']}" for i in items
       if i.get("severity") in ("LOW", "MEDIUM", "HIGH", "CRITICAL")]
print("\n".join(bad) if bad else "(none)")
PY
)
say "## testssl findings of severity LOW or above"
while IFS= read -r line; do say "$line"; done <<< "$flagged"
mkdir -p "$(dirname "$output")"
printf '%s\n' "${out[@]}" > "$output"
