"""What a request uses: the app's engine and one open register per request.

The register is opened on first use and closed in ``teardown_appcontext`` (the pattern of
Flask's tutorial, ``flaskr/db.py``); the register's functions take it and know nothing of
Flask, so the command line uses them too.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app, g

from ..engine import Engine
from ..errors import CaseError, Problem
from ..register.session import Register


def engine() -> Engine:
    return current_app.extensions["beredskab.engine"]


def register() -> Register:
    """The request's register, acting as the signed-in user (or nobody yet, at the login page)."""
    user = g.user.name if g.get("user") is not None else "-"
    if "register" not in g:
        g.register = Register.open(current_app.config["DB"], engine=engine(), user=user)
    g.register.user = user  # opened before sign-in is known (the users table tells the role)
    return g.register


def today() -> date:
    return register().now().date()


def problems_of(data: dict) -> list[Problem]:
    """The Danish problems of case data (none when it is valid)."""
    try:
        engine().validate(data)
    except CaseError as err:
        return list(err.problems)
    return []


def close_register(_error=None) -> None:
    opened = g.pop("register", None)
    if opened is not None:
        opened.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_register)
