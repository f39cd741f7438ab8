"""Fixtures of the web form's tests: a fresh app on a temporary register, a test client, users,
and for the browser tests one Chromium per session driving the real server (waitress) on a
free loopback port.

Browser tests are marked ``browser``; they skip where /usr/bin/chromium is missing, unless
BEREDSKAB_REQUIRE_BROWSER=1 (CI), where they fail instead.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

import pytest

from beredskab.web import create_app

#: Debian's Chromium: Playwright never downloads a browser here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"]

#: Set (as CI does) to make the browser tests fail instead of skip when Chromium is missing.
REQUIRE_BROWSER_ENV = "BEREDSKAB_REQUIRE_BROWSER"

#: axe-core, installed by the Makefile from tests/web/package.json.
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"

#: Passwords of the test users (made per session; the register stores only scrypt hashes).
PASSWORD = "hemmelig-kode-1"
USERS = {"leder1": "leader", "leder2": "leader", "hr1": "hr"}


def pytest_collection_modifyitems(items):
    for item in items:
        # Required (CI): the server fixture fails instead, naming what is missing.
        if item.get_closest_marker("browser") is not None and not CHROMIUM.exists() \
                and not os.environ.get(REQUIRE_BROWSER_ENV):
            item.add_marker(pytest.mark.skip(reason="Chromium (/usr/bin/chromium) is not installed"))


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def app(tmp_path):
    return create_app({"DB": str(tmp_path / "register.sqlite3"), "TESTING": True, "LOCAL_USER": "lokal"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def post(client):
    """POST a form with the page's CSRF token (fetched from ``url`` first)."""

    def send(url: str, data: dict, **kwargs):
        token = csrf_of(client.get(url).get_data(as_text=True))
        return client.post(url, data={**data, "csrf_token": token}, **kwargs)

    return send


def add_users(db: str) -> None:
    from beredskab.register import Register
    from beredskab.register.users import add_user

    with Register.open(db) as register:
        for name, role in USERS.items():
            add_user(register.conn, name, role, PASSWORD)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The real server (waitress) on a free loopback port, in users mode with three users."""
    if not CHROMIUM.exists():
        if os.environ.get(REQUIRE_BROWSER_ENV):
            pytest.fail(f"Chromium is required ({REQUIRE_BROWSER_ENV} is set) but {CHROMIUM} is missing")
        pytest.skip("Chromium (/usr/bin/chromium) is not installed")
    from waitress import create_server

    db = str(tmp_path_factory.mktemp("web") / "register.sqlite3")
    add_users(db)
    app = create_app({"DB": db, "AUTH": "users"})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{httpd.effective_port}", "db": db, "app": app}
    httpd.close()


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, server):
    """Open a fresh context (own cookies) logged in as a user; closed after the test."""
    contexts = []

    def open_as(user: str | None = "leder1", **options):
        # bypass_csp: the test injects axe-core as an inline script; the app's own pages never need it.
        context = browser.new_context(base_url=server["url"], bypass_csp=True, accept_downloads=True,
                                      locale="da-DK", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if user:
            login(page, user)
        return page

    yield open_as
    for context in contexts:
        context.close()


def login(page, user: str, password: str = PASSWORD) -> None:
    page.goto("/log-ind")
    page.get_by_label("Brugernavn").fill(user)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def axe_violations(page) -> list[dict]:
    """The serious and critical violations axe-core finds on the page (WCAG 2.1 A and AA rules)."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}); run `make test` (it installs it with npm)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
