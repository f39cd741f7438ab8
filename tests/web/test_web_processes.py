"""``beredskab serve --processes N``: several server processes on one address and one register
(the real command, real sockets, a real SQLite file)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import csrf_of

pytestmark = pytest.mark.skipif(os.name == "nt", reason="signals and /proc: the POSIX side of serve --processes")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _wait_gone(pids: list[int], seconds: float = 10) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def served(tmp_path):
    """``beredskab serve --port 0 --processes 2`` on a fresh register: (process, port)."""
    env = {**os.environ, "BEREDSKAB_DB": str(tmp_path / "register.sqlite3"), "BEREDSKAB_USER": "lokal"}
    process = subprocess.Popen([sys.executable, "-m", "beredskab", "serve", "--port", "0", "--processes", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, line + process.stderr.read()
    yield process, int(match.group(1))
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)
    process.stdout.close()
    process.stderr.close()


def _request(port: int, method: str, path: str, body: str | None = None, cookie: str = ""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a new connection each time
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read().decode("utf-8")
    conn.close()
    return response.status, response.getheader("Set-Cookie") or "", data


def test_two_processes_serve_one_register_and_share_the_session(served, tmp_path):
    process, port = served
    servers = [p for p in _children(process.pid) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
    assert len(servers) == 2
    status, set_cookie, page = _request(port, "GET", "/sager/ny")
    assert status == 200
    cookie, token = set_cookie.split(";", 1)[0], csrf_of(page)

    def new_case(number: int) -> int:
        body = f"csrf_token={token}&incident.case_id=PROC-{number:02d}&incident.location=Skranke&_action=save"
        return _request(port, "POST", "/sager/ny", body, cookie)[0]

    # Many new connections at once: the OS hands them to both processes; the CSRF token in the
    # session made by one is valid in the other, and every save is a version in the one register.
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(new_case, range(40)))
    assert statuses == [303] * 40
    with sqlite3.connect(tmp_path / "register.sqlite3") as conn:
        saved = conn.execute("SELECT count(*) FROM versions WHERE case_id LIKE 'PROC-%'").fetchone()[0]
        logged = conn.execute("SELECT count(*) FROM access_log WHERE action = 'save'").fetchone()[0]
    assert (saved, logged) == (40, 40)


def test_stopping_the_server_stops_its_processes_and_frees_the_port(served):
    process, port = served
    children = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0
    assert _wait_gone(children)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # nothing holds the port any more


def test_ctrl_c_stops_every_process_without_a_traceback(served):
    process, _ = served
    children = _children(process.pid)
    os.killpg(process.pid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole group
    process.wait(10)
    assert _wait_gone(children)
    assert "Traceback" not in process.stderr.read()


def test_processes_end_when_the_server_is_killed(served):
    process, port = served
    children = _children(process.pid)
    assert children
    process.kill()  # no clean-up at all in the parent
    process.wait(10)
    assert _wait_gone(children), "a server process outlived the killed parent"


def test_a_process_that_cannot_start_is_a_danish_error(tmp_path, runner):
    from beredskab.cli.commands import cli

    result = runner.invoke(cli, ["serve", "--port", "0", "--processes", "2", "--db", str(tmp_path / "r.sqlite3"),
                                 "--plan", str(tmp_path / "findes-ikke")])
    assert result.exit_code == 2 and result.output.startswith("Fejl: ") and "Traceback" not in result.output
