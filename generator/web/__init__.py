"""The web form: Flask pages over the engine and the case register (``beredskab serve``).

:func:`create_app` is the application factory (no module-level app): tests make a fresh app on
a temporary register file. Only this subpackage imports Flask.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from ..dates import long_date, long_datetime
from ..register.session import Register
from ..register.settings import session_secret
from .fieldhtml import field_html

#: Settings a caller may give create_app, with their defaults.
DEFAULTS: dict[str, Any] = {
    "DB": None,                 # the register file; None: BEREDSKAB_DB or the per-user file
    "PLAN": None,               # the plan pack folder; None: BEREDSKAB_PLAN or the default pack
    "AUTH": "local",            # local (one user, no login) | users (login) | proxy (SSO header)
    "PROXY_USER_HEADER": None,  # with AUTH=proxy: the header the reverse proxy sets
    "LOCAL_USER": None,         # with AUTH=local: the name saves are recorded under
    "SESSION_COOKIE_SECURE": False,
    "MAX_CONTENT_LENGTH": 2_000_000,  # a posted form is a few KB; the case file limit
}


def create_app(config: dict | None = None) -> Flask:
    """A configured app: register, engine, blueprints, security headers and Danish error pages."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(DEFAULTS)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="beredskab_session",
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        #: Worker processes rendering an untrusted pack's documents at once (they start when used).
        RENDER_WORKERS=min(4, os.cpu_count() or 1),
    )
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        # Kept in the register (made once): a restart, or another server process on the same
        # register, keeps the sessions valid. Opening it here also checks the register at start.
        with Register.open(app.config["DB"], user="serve") as register:
            app.config["SECRET_KEY"] = session_secret(register.conn)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["long_datetime"] = long_datetime
    app.jinja_env.globals["field_html"] = field_html

    from ..engine import Engine
    from . import auth, cases, documents, overview, security, state

    # A department's pack renders in worker processes (time and memory bounded by the OS);
    # the server's threads each may need one, so a preview does not queue behind another.
    app.extensions["beredskab.engine"] = Engine.load(app.config["PLAN"], workers=app.config["RENDER_WORKERS"])
    state.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    for blueprint in (auth.bp, cases.bp, documents.bp, overview.bp):
        app.register_blueprint(blueprint)
    return app


def static_folder() -> Path:
    """The folder of the app's CSS and script (for packaging checks)."""
    return Path(__file__).parent / "static"
