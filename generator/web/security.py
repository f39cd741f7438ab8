"""What every response and every post goes through: CSRF tokens, strict headers, Danish error pages.

The CSRF token is a random value kept in the signed session and echoed by every form
(``csrf_token``); a post without the matching token is refused before any view runs. The
Content-Security-Policy allows only the app's own files: no inline script or style, no other
host, no frames, so a value that slipped past autoescaping still could not run.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, render_template, request, session
from werkzeug.exceptions import HTTPException

from ..errors import BeredskabError

#: The Content-Security-Policy of every page.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

#: Session key of the CSRF token.
CSRF_KEY = "csrf"

#: Danish title and text of the error pages, by HTTP status.
ERROR_PAGES = {
    400: ("Forespørgslen kunne ikke bruges", "Siden fik data, den ikke kunne læse. Gå tilbage og prøv igen."),
    403: ("Ingen adgang", "Du har ikke adgang til denne side eller sag."),
    404: ("Siden findes ikke", "Siden eller sagen findes ikke. Tjek adressen, eller gå til listen over sager."),
    405: ("Handlingen er ikke mulig", "Siden kan ikke bruges på den måde."),
    413: ("For mange data", "Formularen var for stor til at blive modtaget."),
    503: ("Prøv igen om lidt", "beredskab kunne ikke gøre det lige nu. Intet er ændret."),
    500: ("Der skete en fejl", "Der skete en fejl i beredskab. Intet er ændret. Prøv igen, og kontakt support, hvis det sker igen."),
}

#: The page for a post without a valid CSRF token.
CSRF_PAGE = ("Formularen er udløbet", "Formularen kunne ikke godkendes (den er for gammel eller kom ikke fra "
             "beredskab). Intet er gemt. Gå tilbage, genindlæs siden og prøv igen.")


def csrf_token() -> str:
    """The session's CSRF token (made on first use)."""
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def error_page(status: int, title: str | None = None, text: str | None = None):
    default_title, default_text = ERROR_PAGES.get(status, ERROR_PAGES[500])
    return render_template("error.html", title=title or default_title, text=text or default_text,
                           active=None), status


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_csrf():
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            sent = request.form.get("csrf_token", "")
            expected = session.get(CSRF_KEY, "")
            if not expected or not hmac.compare_digest(str(sent), str(expected)):
                return error_page(400, *CSRF_PAGE)
        return None

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"  # pages hold personal data
        return response

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return error_page(err.code or 500)

    @app.errorhandler(BeredskabError)
    def beredskab_error(err: BeredskabError):
        # The family's messages are Danish and never quote case data (errors.py).
        status = 400 if err.exit_code == 2 else 503
        return error_page(status, "Det lykkedes ikke", "; ".join(err.lines()) + ". Intet er ændret.")

    @app.errorhandler(Exception)
    def internal_error(err: Exception):
        # Never the exception's text: it may quote case data. The type is enough for the log.
        app.logger.error("Intern fejl: %s", type(err).__name__)
        return error_page(500)
