"""What a request uses: the app's engine and the register, opened once per worker thread.

The register's functions take an open :class:`Register` and know nothing of Flask, so the
command line uses them too. Each waitress worker thread keeps its own connection for the
app's life instead of one per request (Flask's tutorial opens one per request): closing the
last connection to a WAL database checkpoints and syncs it, which cost more than the page.
"""

from __future__ import annotations

import threading
from datetime import date

from flask import Flask, current_app, g, request

from ..engine import Engine
from ..errors import CaseError, Problem
from ..register.session import Register


#: The views whose posts save a version of a case.
SAVING_ENDPOINTS = {"cases.new", "cases.section", "documents.plan"}


def engine() -> Engine:
    return current_app.extensions["beredskab.engine"]


def register() -> Register:
    """The register of this worker thread, acting as the signed-in user (or nobody yet)."""
    opened = g.get("register")
    if opened is None:
        local: threading.local = current_app.extensions["beredskab.registers"]
        opened = getattr(local, "register", None)
        if opened is None:
            opened = local.register = Register.open(current_app.config["DB"], engine=engine(), user="-")
        # A request that saves no case writes just its access-log line: committed without waiting
        # for the disk (WAL, synchronous=NORMAL: kept through a crash of the program, may be
        # lost only with the last moments before a power cut). Saves of a case keep FULL.
        saves = request.method == "POST" and request.endpoint in SAVING_ENDPOINTS
        mode = "FULL" if saves else "NORMAL"
        opened.conn.execute(f"PRAGMA synchronous = {mode}")
        g.register = opened
    opened.user = g.user.name if g.get("user") is not None else "-"
    return opened


def today() -> date:
    return register().now().date()


def problems_of(data: dict) -> list[Problem]:
    """The Danish problems of case data (none when it is valid)."""
    try:
        engine().validate(data)
    except CaseError as err:
        return list(err.problems)
    return []


def end_request(_error=None) -> None:
    opened = g.pop("register", None)
    if opened is not None and opened.conn.in_transaction:  # never carry a transaction over
        opened.conn.rollback()


def init_app(app: Flask) -> None:
    app.extensions["beredskab.registers"] = threading.local()
    app.teardown_appcontext(end_request)
