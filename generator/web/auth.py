"""Who is asking, and what they may see: the local user, logged-in users, or a single-sign-on proxy.

- ``local`` (bound to 127.0.0.1): one user, the person at this computer, no login; HR rights.
- ``users``: a login page against the register's users (``beredskab users add``); a leader
  sees the cases they created, HR sees all.
- ``proxy``: a reverse proxy that has logged the user in names them in a header
  (``--trust-proxy-user HEADER``); their role comes from the register's users, else leader.

Every failed login is written to the register's access log (the name typed, never a password).
After too many failures for a name or a client address, further tries are refused for a while
(``register.logins``), each refusal logged too.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from functools import lru_cache

from flask import (Blueprint, Flask, current_app, g, redirect, render_template, request, session,
                   url_for)

from ..register import logins as register_logins
from ..register import users as register_users
from ..register.access import log_access
from . import state
from .security import error_page

bp = Blueprint("auth", __name__)

#: Danish names of the roles.
ROLE_TITLES = {"hr": "HR", "leader": "leder"}

#: Endpoints anyone may reach without being logged in.
OPEN_ENDPOINTS = {"auth.login", "static"}

#: The one message of a failed login: never which of name and password was wrong.
LOGIN_FAILED = "Forkert brugernavn eller adgangskode"

#: The message of a try refused by the login limit (the same whether or not the user exists).
LOGIN_LIMITED = ("For mange mislykkede forsøg på at logge ind. Vent {minutes} minutter, og prøv igen; "
                 "kontakt support, hvis du har glemt din adgangskode")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    can_log_out: bool = False

    @property
    def role_title(self) -> str:
        return ROLE_TITLES.get(self.role, self.role)

    @property
    def sees_all(self) -> bool:
        return self.role == "hr"

    def may_see(self, created_by: str) -> bool:
        """A leader sees the cases they created; HR sees every case."""
        return self.sees_all or created_by == self.name


@lru_cache(maxsize=1)
def local_user_name() -> str:
    """The login name of the person at this computer (asked once: it does not change while serving)."""
    try:
        return getpass.getuser() or "lokal"
    except (KeyError, OSError):  # no login name (a container, a service account)
        return "lokal"


def _load_user() -> User | None:
    mode = current_app.config["AUTH"]
    if mode == "local":
        return User(current_app.config["LOCAL_USER"] or local_user_name(), "hr")
    if mode == "proxy":
        name = (request.headers.get(current_app.config["PROXY_USER_HEADER"]) or "").strip()
        if not name:
            return None
        return User(name, register_users.role_of(state.register().conn, name) or "leader")
    name = session.get("user")
    if not name:
        return None
    role = register_users.role_of(state.register().conn, name)
    return User(name, role, can_log_out=True) if role else None


def init_app(app: Flask) -> None:
    @app.before_request
    def load_user():
        g.user = None
        if request.endpoint in ("static",):
            return None
        g.user = _load_user()
        if g.user is None and request.endpoint not in OPEN_ENDPOINTS:
            if current_app.config["AUTH"] == "proxy":
                return error_page(403, "Ingen bruger", "Proxyen sendte ikke brugerens navn; kontakt support.")
            return redirect(url_for("auth.login"))
        return None


@bp.route("/log-ind", methods=["GET", "POST"])
def login():
    if current_app.config["AUTH"] != "users":
        return redirect(url_for("cases.index"))
    problems, status = [], 200
    name = ""
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        address = request.remote_addr or "-"
        register = state.register()
        limit = register_logins.refused(register.conn, name, address)
        if limit is not None:  # no password checked: the answer is the same for every name
            log_access(register, "login_refused", None, user=name[:200] or "-")
            problems, status = [{"text": LOGIN_LIMITED.format(minutes=limit.minutes), "href": "#f-name"}], 429
        elif name and register_users.check_password(register.conn, name, password):
            register_logins.clear_failures(register.conn, name)
            session.clear()
            session["user"] = name
            log_access(register, "login", None, user=name)
            return redirect(url_for("cases.index"), 303)
        else:
            register_logins.record_failure(register.conn, name, address)
            log_access(register, "login_failed", None, user=name[:200] or "-")
            problems, status = [{"text": LOGIN_FAILED, "href": "#f-name"}], 400
    return render_template("auth/login.html", problems=problems, name=name, active=None), status


@bp.route("/log-ud", methods=["POST"])
def logout():
    if g.user is not None:
        log_access(state.register(), "logout", None)
    session.clear()
    return redirect(url_for("auth.login"))
