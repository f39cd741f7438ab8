"""Latency of the web form under load: form page, save and live preview with N concurrent clients.

Run from the repository root after ``pip install -e .``::

    python bench/web.py                    # 20 clients, 30 s per request kind (bench/README.md)
    python bench/web.py --clients 5 --seconds 5

The server is the real one (``beredskab serve`` on waitress, a separate process, local user)
on a temporary register holding one case per client (the counter-violence example). Each
client is a thread with one keep-alive connection that sends its next request as soon as the
last one is answered (no think time: the hardest case for a given number of clients; ``--think S``
makes each wait about S seconds between requests, as people do):

- form: GET the incident section of its case (widgets from the forms, the page template);
- save: POST the incident section with a changed location (parse, validate, a new version in
  the register with its tasks, synced to disk); the form page it redirects to is "form";
- preview: POST the unsaved form to the live preview (parse, validate, render the incident note).

Printed: requests, requests per second, median and 95th percentile in ms, per kind.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "vold-skranke.json"

#: Targets of issue 14 (p95, ms).
TARGETS = {"form": 150, "save": 150, "preview": 250}


def start_server(db: Path, processes: int | None = None) -> tuple[subprocess.Popen, int]:
    code = ("import logging, sys; from beredskab.web.server import serve; "
            # waitress warns of every queued request; 20 clients on its 8 threads queue by design
            "logging.getLogger('waitress.queue').setLevel(logging.ERROR); "
            "serve(host='127.0.0.1', port=0, db=sys.argv[1], echo=lambda t: print(t, flush=True), "
            "processes=None if sys.argv[2] == 'default' else int(sys.argv[2]))")
    process = subprocess.Popen([sys.executable, "-c", code, str(db), str(processes or "default")],
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    port = int(re.search(r":(\d+)/", line).group(1))
    return process, port


def seed(db: Path, clients: int) -> list[str]:
    from beredskab import Engine
    from beredskab.register import Register
    from beredskab.register import save

    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    ids = []
    with Register.open(db, engine=Engine.load(), user="bench") as reg:
        for index in range(clients):
            data["incident"]["case_id"] = f"BENCH-{index:03d}"
            save(reg, data)
            ids.append(data["incident"]["case_id"])
    return ids


class Client:
    """One browser: a keep-alive connection, the session cookie, the form's fields."""

    def __init__(self, port: int, case_id: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.case_id = case_id
        self.cookie = ""
        self.fields: list[tuple[str, str]] = []
        self.version = 1
        self.count = 0

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data

    def form(self) -> None:
        status, data = self.request("GET", f"/sager/{self.case_id}/incident")
        assert status == 200, status
        html = data.decode("utf-8")
        self.fields = form_fields(html)

    def _post(self, path: str, extra: dict[str, str], headers: dict | None = None):
        self.count += 1
        fields = [(k, v) for k, v in self.fields if k not in extra] + list(extra.items())
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                   **(headers or {})})

    def save(self) -> None:
        status, _ = self._post(f"/sager/{self.case_id}/incident", {
            "incident.location": f"Borgerservice, skranke {self.count}", "_action": "save",
            "_base_version": str(self.version)})
        assert status in (302, 303), status  # the page it redirects to is a form page (measured as "form")
        self.version += 1

    def preview(self) -> None:
        status, data = self._post(f"/sager/{self.case_id}/incident/forhaandsvisning",
                                  {"incident.location": f"Borgerservice, skranke {self.count}",
                                   "_preview": "incident_note"}, {"X-Requested-With": "fetch"})
        assert status == 200 and b'class="preview"' in data, status


def form_fields(html: str) -> list[tuple[str, str]]:
    """The values a browser posts for the case form (inputs, checked options, textareas)."""
    form = html[html.index("data-case-form"):html.index("</form>", html.index("data-case-form"))]
    form = re.sub(r"<template.*?</template>", "", form, flags=re.S)
    fields = []
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]*)"', tag)
        if not name or (kind and kind.group(1) in ("radio", "checkbox") and " checked" not in tag):
            continue
        fields.append((unescape(name.group(1)), unescape(value.group(1) if value else "")))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', form, flags=re.S):
        fields.append((unescape(name), unescape(text)))
    return fields


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def run_kind(clients: list[Client], kind: str, seconds: float, think: float = 0.0) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work(client: Client) -> None:
        mine = []
        action = getattr(client, kind)
        while time.monotonic() < stop:
            start = time.perf_counter()
            action()
            mine.append((time.perf_counter() - start) * 1000)
            if think:
                time.sleep(random.uniform(0.5, 1.5) * think)  # a person reading and typing
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    from beredskab.web.server import DEFAULT_PROCESSES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each client waits between requests (0: none, the default)")
    parser.add_argument("--processes", type=int, default=None,
                        help="server processes (default: beredskab serve's own default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "register.sqlite3"
        ids = seed(db, args.clients)
        process, port = start_server(db, args.processes)
        try:
            clients = [Client(port, case_id) for case_id in ids]
            for client in clients:
                client.form()  # session, CSRF token and fields, as a browser that opened the page
            print(f"{args.clients} clients, {args.seconds:g} s per kind, think time {args.think:g} s, "
                  f"server pid {process.pid} (waitress, {args.processes or DEFAULT_PROCESSES} process(es), "
                  f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")
            print(f"{'kind':<8} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'target p95':>10}")
            for kind in ("form", "save", "preview"):
                run_kind(clients, kind, min(2.0, args.seconds))  # warm up
                latencies = run_kind(clients, kind, args.seconds, args.think)
                print(f"{kind:<8} {len(latencies):>8} {len(latencies) / args.seconds:>7.1f} "
                      f"{statistics.median(latencies):>7.1f} {percentile(latencies, 0.95):>7.1f} "
                      f"{'< ' + str(TARGETS[kind]):>10}")
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
