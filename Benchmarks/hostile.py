#!/usr/bin/env python3
"""Hostile clients against the gateway (`make hostile`): slowloris, slow body, slow read and 10,000 idle connections.

Starts the release gateway in a temporary directory with a development PKI, a plain loopback agency listener and a TLS
agency listener (`clientCertificates: optional`, bearer tokens), and a stub destination. For each listener it measures
a normal client posting small `test.note` messages at a fixed rate, first without an attack (baseline), then during
each slowhttptest attack, and reports success rate and p50/p99 latency. Then it opens and holds 10,000 idle
connections against `maxConnections` 5,000 while the normal client keeps posting.

All traffic stays on 127.0.0.1; every loop is bounded in time. Usage: hostile.py BINARY OUTPUT [--seconds N]
"""
import http.client
import re
import http.server
import json
import os
import resource
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

BINARY = os.path.abspath(sys.argv[1])
OUTPUT = os.path.abspath(sys.argv[2])
SECONDS = int(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 30
RATE = 20  # normal client requests per second
MAX_CONNECTIONS = 5000
IDLE = 10_000

lines = []


def report(text=""):
    print(text, flush=True)
    lines.append(text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stub(http.server.BaseHTTPRequestHandler):
    """The destination: accepts every delivery."""
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def normal_client(url_host, port, tls_context, token, seconds, label):
    """Posts RATE small notes a second for `seconds`, each on a new connection; returns (ok, total, latencies)."""
    results = []
    lock = threading.Lock()
    start = time.monotonic()
    threads = []

    def one(n):
        body = json.dumps({"key": f"{label}-{n}-{time.time_ns()}", "text": "hostile-run"})
        t0 = time.monotonic()
        status = 0
        try:
            if tls_context:
                conn = http.client.HTTPSConnection(url_host, port, timeout=10, context=tls_context)
            else:
                conn = http.client.HTTPConnection(url_host, port, timeout=10)
            conn.request("POST", "/v1/test/notes", body=body, headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            response.read()
            status = response.status
            conn.close()
        except Exception as error:  # noqa: BLE001 - any failure counts as a failed request
            status = f"{type(error).__name__}"
        elapsed = time.monotonic() - t0
        with lock:
            results.append((status, elapsed))

    n = 0
    while time.monotonic() - start < seconds:
        due = start + n / RATE
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        thread = threading.Thread(target=one, args=(n,), daemon=True)
        thread.start()
        threads.append(thread)
        n += 1
    for thread in threads:
        thread.join(15)
    ok = [elapsed for status, elapsed in results if status in (200, 202)]
    failures = {}
    for status, _ in results:
        if status not in (200, 202):
            failures[str(status)] = failures.get(str(status), 0) + 1
    return len(ok), n, sorted(ok), failures


def percentile(values, p):
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[index]


def summary(label, result):
    ok, total, latencies, failures = result
    rate = 100.0 * ok / total if total else 0.0
    text = (f"{label:<34} success {ok}/{total} = {rate:5.1f} %   p50 {percentile(latencies, 50) * 1000:7.1f} ms"
            f"   p99 {percentile(latencies, 99) * 1000:7.1f} ms")
    if failures:
        text += "   failures " + ", ".join(f"{k}×{v}" for k, v in sorted(failures.items()))
    report(text)


def slowhttptest(mode, url, seconds, log):
    """Starts one slowhttptest attack (1,000 connections at 200/s) for `seconds`; returns the process."""
    common = ["-c", "1000", "-r", "200", "-l", str(seconds), "-p", "3", "-u", url]
    if mode == "H":
        args = ["-H", "-i", "5", "-x", "24", "-t", "POST"] + common
    elif mode == "B":
        args = ["-B", "-i", "5", "-s", "65536", "-x", "16", "-t", "POST", "-f", "application/json"] + common
    else:
        args = ["-X", "-w", "16", "-y", "64", "-n", "3", "-z", "16", "-k", "10"] + common
    return subprocess.Popen(["slowhttptest"] + args, stdout=log, stderr=subprocess.STDOUT)


def gateway_stats(pid):
    """Open descriptors and CPU seconds of the gateway process."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return fds, cpu


class Sampler:
    """Samples the gateway's open descriptors and CPU time every half second while a phase runs."""

    def __init__(self, pid):
        self.pid = pid
        self.max_fds = 0
        self.running = True
        _, self.cpu0 = gateway_stats(pid)
        self.start = time.monotonic()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            try:
                fds, _ = gateway_stats(self.pid)
                self.max_fds = max(self.max_fds, fds)
            except OSError:
                pass
            time.sleep(0.5)

    def stop(self):
        self.running = False
        self.thread.join()
        _, cpu1 = gateway_stats(self.pid)
        return self.max_fds, 100 * (cpu1 - self.cpu0) / (time.monotonic() - self.start)


def slowhttptest_summary(path):
    """Largest 'connected' count, final 'closed' count and how often the probe found the service unavailable."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", open(path, errors="replace").read())
    connected = [int(n) for n in re.findall(r"connected:\s+(\d+)", text)]
    closed = [int(n) for n in re.findall(r"closed:\s+(\d+)", text)]
    available = re.findall(r"service available:\s+(\w+)", text)
    return (f"attack held up to {max(connected, default=0)} connections, {closed[-1] if closed else 0} closed by the "
            f"server; its probe saw the service unavailable {available.count('NO')} of {len(available)} times")


def attack_round(name, host, port, scheme, tls_context, token, pid, workdir):
    report(f"--- {name} listener ({scheme}://{host}:{port}), normal client {RATE} req/s, new connection each ---")
    sampler = Sampler(pid)
    result = normal_client(host, port, tls_context, token, SECONDS, f"{name}-base")
    fds, cpu = sampler.stop()
    summary("baseline (no attack)", result)
    report(f"{'':<34} gateway max fds {fds}, CPU {cpu:.0f} % of a core")
    for mode, title in (("H", "slow headers (-H)"), ("B", "slow body (-B)"), ("X", "slow read (-X)")):
        path = "/v1/test/notes" if mode != "X" else "/healthz"
        log = open(os.path.join(workdir, f"slowhttptest-{name}-{mode}.log"), "w")
        attacker = slowhttptest(mode, f"{scheme}://{host}:{port}{path}", SECONDS + 10, log)
        time.sleep(5)  # let the attack ramp up to its 1,000 connections
        sampler = Sampler(pid)
        result = normal_client(host, port, tls_context, token, SECONDS, f"{name}-{mode}")
        fds, cpu = sampler.stop()
        attacker.wait(timeout=SECONDS + 60)
        log.close()
        summary(f"during {title}", result)
        report(f"{'':<34} gateway max fds {fds}, CPU {cpu:.0f} % of a core; {slowhttptest_summary(log.name)}")
        time.sleep(3)


def idle_round(host, port, token, pid):
    report(f"--- {IDLE} idle connections, plain listener, maxConnections {MAX_CONNECTIONS} ---")
    sockets = []
    refused_connect = 0
    start = time.monotonic()
    for _ in range(IDLE):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect((host, port))
            s.setblocking(False)
            sockets.append(s)
        except OSError:
            refused_connect += 1
            s.close()
    opened = time.monotonic() - start
    time.sleep(3)
    fds, _ = gateway_stats(pid)
    result = normal_client(host, port, None, token, SECONDS, "idle")
    # Which connections did the gateway close (503 + close over the cap), which does it still hold?
    closed = 0
    answered_503 = 0
    for s in sockets:
        try:
            data = s.recv(4096)
            if data == b"":
                closed += 1
            else:
                closed += 1 if b"503" in data else 0
                answered_503 += 1 if b"503" in data else 0
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    report(f"opened {len(sockets)} of {IDLE} in {opened:.1f} s ({refused_connect} connect errors); gateway held "
           f"{fds} descriptors; {closed} closed by the gateway ({answered_503} with a 503), "
           f"{len(sockets) - closed} still open")
    summary("normal client while held", result)
    for s in sockets:
        s.close()
    time.sleep(2)
    summary("normal client after release", normal_client(host, port, None, token, 10, "idle-after"))


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    workdir = tempfile.mkdtemp(prefix="interchange-hostile-")
    os.chdir(workdir)
    stub = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    plain_port, tls_port = free_port(), free_port()
    config = {
        "node": "hostile",
        "listeners": [
            {"name": "dev", "host": "127.0.0.1", "port": plain_port, "role": "agency", "plain": True},
            {"name": "agency", "host": "127.0.0.1", "port": tls_port, "role": "agency",
             "tls": {"certificate": "pki/gateway.crt", "key": "pki/gateway.key", "clientCA": "pki/ca.crt",
                     "clientCertificates": "optional"}},
        ],
        "limits": {"maxConnections": MAX_CONNECTIONS},
        "store": "sqlite:data/interchange.db",
        "agencies": [{"id": "notes", "kind": "hospital", "name": "Notes", "auth": {"tokenFile": "pki/tokens/notes.token"},
                      "types": ["test.note"]}],
        "destinations": [{"id": "stub", "url": f"http://127.0.0.1:{stub.server_address[1]}/notes",
                          "format": "canonical.json"}],
        "routes": [{"type": "test.note", "destinations": ["stub"]}],
    }
    with open("gateway.json", "w") as f:
        json.dump(config, f, indent=1)
    subprocess.run([BINARY, "certs", "init", "pki", "--config", "gateway.json"], check=True, stdout=subprocess.DEVNULL)
    token = open("pki/tokens/notes.token").read().strip()
    log = open("serve.log", "w")
    gateway = subprocess.Popen([BINARY, "serve", "--config", "gateway.json"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", plain_port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gateway did not come up; see " + os.path.join(workdir, "serve.log"))
        tls_context = ssl.create_default_context(cafile="pki/ca.crt")
        report(f"# Hostile clients, {time.strftime('%Y-%m-%d %H:%M:%S')}, {os.cpu_count()} cores, gateway "
               f"{os.path.basename(BINARY)} (release), loopback; slowhttptest 1,000 connections at 200/s per attack, "
               f"{SECONDS} s measured per phase")
        attack_round("plain", "127.0.0.1", plain_port, "http", None, token, gateway.pid, workdir)
        attack_round("tls", "127.0.0.1", tls_port, "https", tls_context, token, gateway.pid, workdir)
        idle_round("127.0.0.1", plain_port, token, gateway.pid)
        report(f"gateway still running: {gateway.poll() is None}")
    finally:
        gateway.terminate()
        try:
            gateway.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gateway.kill()
        stub.shutdown()
        os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
        with open(OUTPUT, "w") as f:
            f.write("\n".join(lines) + "\n")
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
