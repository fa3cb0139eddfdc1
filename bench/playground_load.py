#!/usr/bin/env python3
"""Load benchmark of the Axone Playground server (localhost only, bounded in sessions and time).

Starts `axone-playground` on a free port of 127.0.0.1 (or uses --url with --pid), opens SESSIONS
sessions of --hidden-layers layers of --units units (default 2 × 60), presses Play in each and
polls each one's status like a browser tab would (every --poll-interval seconds, one keep-alive
connection per tab) for SECONDS. Reports the latency of the status request (p50/p90/p99/max), the
errors, the epochs and gradient steps per second reached per session, and the server's resident
memory (VmRSS) at start, at the baseline, during the run (peak) and after the sessions were freed
by the session timeout. The baseline is taken after a 3-second warm-up round of the same sessions
(closed at once), so that memory the process keeps once it has served any sessions at all (thread
stacks, allocator arenas, caches) is not counted as sessions not freed.

Goals: p99 < 200 ms; RSS after within 10 % of the baseline. Exits 0 when both are met, 1 otherwise.

    swift build -c release --product axone-playground
    python3 bench/playground_load.py --playground .build/release/axone-playground
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASETS = ["xor", "moons", "circles", "spirals", "blobs"]
# The server's defaults: 400 points, half of them for training, in batches of 10.
POINTS, TRAIN_RATIO, BATCH_SIZE = 400, 0.5, 10
STEPS_PER_EPOCH = -(-round(POINTS * TRAIN_RATIO) // BATCH_SIZE)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class Client:
    """One keep-alive connection to the server (reconnects after an error)."""

    def __init__(self, host, port):
        self.host, self.port, self.connection = host, port, None

    def request(self, method, path, body=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            self.connection.request(method, path, body=None if body is None else json.dumps(body),
                                    headers={"Content-Type": "application/json"})
            response = self.connection.getresponse()
            payload = response.read()
            return response.status, json.loads(payload) if payload else None
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise


def start_server(playground, session_timeout):
    process = subprocess.Popen([playground, "--port", "0", "--session-timeout", str(session_timeout)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()   # "Axone Playground: http://127.0.0.1:PORT/"
    if "http://" not in line:
        process.kill()
        sys.exit(f"the server did not start: {line!r}")
    return process, line.split()[-1]


def tab(client, settings, seconds, interval, latencies, failures, epochs, lock, sessions):
    """One browser tab: open a session, play, poll its status."""
    try:
        status, created = client.request("POST", "/api/sessions", settings)
        if status != 201:
            raise RuntimeError(f"opening a session answered {status}: {created}")
        session = created["id"]
        with lock:
            sessions.append(session)
        client.request("POST", f"/api/sessions/{session}/play")
    except (OSError, RuntimeError, http.client.HTTPException) as error:
        with lock:
            failures.append(f"setup: {error}")
        return
    end, epoch = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        start = time.monotonic()
        try:
            status, body = client.request("GET", f"/api/sessions/{session}/status")
            elapsed = time.monotonic() - start
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(f"status {status}")
            epoch = body.get("epoch", epoch) if body else epoch
        except (OSError, http.client.HTTPException) as error:
            with lock:
                failures.append(f"request: {error!r}")
        time.sleep(max(0.0, interval - (time.monotonic() - start)))
    with lock:
        epochs.append(epoch)


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--playground", help="the axone-playground executable "
                        "(default: .build/release/axone-playground, else .build/debug/axone-playground)")
    parser.add_argument("--url", help="use a running server instead of starting one (needs --pid for memory)")
    parser.add_argument("--pid", type=int, help="the process id of the server given by --url")
    parser.add_argument("--sessions", type=int, default=20, choices=range(1, 65), metavar="1..64")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--poll-interval", type=float, default=0.2)
    parser.add_argument("--session-timeout", type=float, default=5, help="seconds (for a server this script starts)")
    parser.add_argument("--hidden-layers", type=int, default=2, choices=range(0, 9), metavar="0..8")
    parser.add_argument("--units", type=int, default=60, choices=range(1, 101), metavar="1..100")
    args = parser.parse_args()
    if not 0 < args.seconds <= 600:
        sys.exit("--seconds must be in (0, 600]")

    process = None
    if args.url:
        url, pid, timeout = args.url, args.pid, 60.0
    else:
        playground = args.playground or next((p for p in (f"{ROOT}/.build/release/axone-playground",
                                                          f"{ROOT}/.build/debug/axone-playground") if os.access(p, os.X_OK)), None)
        if not playground:
            sys.exit("no axone-playground executable: run `swift build -c release --product axone-playground` or pass --playground")
        process, url = start_server(playground, args.session_timeout)
        pid, timeout = process.pid, args.session_timeout
    parsed = urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing to load {parsed.hostname}: this benchmark only targets the loopback interface")
    host, port = parsed.hostname, parsed.port or 80

    def run_tabs(seconds):
        """Runs the tabs for `seconds`; returns latencies, failures, epochs, session ids and the peak RSS."""
        latencies, failures, epochs, sessions, lock = [], [], [], [], threading.Lock()
        threads = [threading.Thread(target=tab, args=(
            Client(host, port), {"dataset": DATASETS[i % len(DATASETS)], "seed": i, "hiddenLayers": args.hidden_layers,
                                 "units": args.units, "points": POINTS, "trainRatio": TRAIN_RATIO, "batchSize": BATCH_SIZE},
            seconds, args.poll_interval, latencies, failures, epochs, lock, sessions)) for i in range(args.sessions)]
        for thread in threads:
            thread.start()
        peak, end = 0, time.monotonic() + seconds
        while time.monotonic() < end and pid:
            peak = max(peak, rss_mib(pid))
            time.sleep(0.5)
        for thread in threads:
            thread.join()
        return latencies, failures, epochs, sessions, peak

    try:
        probe = Client(host, port)
        probe.request("GET", "/api/catalogue")
        cold = rss_mib(pid) if pid else None
        for session in run_tabs(3)[3]:
            probe.request("POST", f"/api/sessions/{session}/close")
        time.sleep(1)
        baseline = rss_mib(pid) if pid else None
        latencies, failures, epochs, _, peak = run_tabs(args.seconds)
        open_sessions, freed_by = None, time.monotonic() + timeout + 5
        while time.monotonic() < freed_by:
            open_sessions = probe.request("GET", "/api/health")[1]["sessions"]
            if open_sessions == 0:
                break
            time.sleep(0.25)
        time.sleep(1)
        after = rss_mib(pid) if pid else None
    finally:
        if process:
            process.terminate()
            process.wait(timeout=10)

    latencies.sort()
    ms = lambda seconds: f"{seconds * 1000:.1f} ms"
    print(f"sessions: {args.sessions} of {args.hidden_layers} × {args.units} units, "
          f"{args.seconds:g} s of polling every {args.poll_interval:g} s")
    print(f"status requests: {len(latencies)}, failures: {len(failures)} {sorted(set(failures))[:5]}")
    if latencies:
        print(f"latency: p50 {ms(percentile(latencies, 0.5))}, p90 {ms(percentile(latencies, 0.9))}, "
              f"p99 {ms(percentile(latencies, 0.99))}, max {ms(latencies[-1])}")
    if epochs:
        print(f"epochs reached per session: min {min(epochs)}, median {statistics.median(epochs):g}, max {max(epochs)}")
        steps = sorted(epoch * STEPS_PER_EPOCH / args.seconds for epoch in epochs)
        print(f"gradient steps per second per session ({STEPS_PER_EPOCH} per epoch): min {steps[0]:.0f}, "
              f"median {statistics.median(steps):.0f}, max {steps[-1]:.0f}; all sessions together {sum(steps):.0f}")
    print(f"sessions open after the timeout: {open_sessions}")
    goals = [bool(latencies) and percentile(latencies, 0.99) < 0.2, not failures, open_sessions == 0]
    if baseline is not None:
        change = (after - baseline) / baseline * 100
        print(f"RSS: at start {cold:.1f} MiB, baseline (warm) {baseline:.1f} MiB, peak during {peak:.1f} MiB, "
              f"after {after:.1f} MiB ({change:+.1f} % of the baseline)")
        goals.append(abs(change) <= 10)
    print("goals (p99 < 200 ms, no failures, sessions freed, RSS within 10 %):", "met" if all(goals) else "NOT met")
    sys.exit(0 if all(goals) else 1)


if __name__ == "__main__":
    main()
