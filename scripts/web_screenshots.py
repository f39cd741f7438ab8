"""Screenshots of the web form for docs/ and the README (Playwright on Debian's Chromium).

Run from the repository root after ``make test`` has installed everything::

    .venv/bin/python scripts/web_screenshots.py

It starts the web form on a temporary register holding the example cases, then writes
``docs/web-form-errors.png`` (a new case saved with fields missing), ``docs/web-preview.png``
(a case's form with the live preview beside it) and ``docs/web-overview.png``.
"""

from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress import create_server

from beredskab.register import Register
from beredskab.register import save
from beredskab.web import create_app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
VIEWPORT = {"width": 1280, "height": 900}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "register.sqlite3")
        app = create_app({"DB": db, "LOCAL_USER": "hanne.bruun"})
        with Register.open(db, engine=app.extensions["beredskab.engine"], user="hanne.bruun") as reg:
            for example in sorted((ROOT / "examples").glob("*.json")):
                save(reg, json.loads(example.read_text(encoding="utf-8")), reason="eksempel")
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        url = f"http://127.0.0.1:{server.effective_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport=VIEWPORT, locale="da-DK")
                page.goto(f"{url}/sager/ny")
                page.get_by_label("Sagsnummer").fill("KME-2026-040")
                page.get_by_label("Sted", exact=True).fill("Borgerservice, skranke 2")
                page.get_by_role("button", name="Gem").click()
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(DOCS / "web-form-errors.png"))

                page.goto(f"{url}/sager/KME-2026-038/incident")
                page.wait_for_load_state("networkidle")
                page.locator(".live-preview .preview").wait_for()
                page.screenshot(path=str(DOCS / "web-preview.png"))

                page.goto(f"{url}/overblik")
                page.screenshot(path=str(DOCS / "web-overview.png"), full_page=True)
                browser.close()
        finally:
            server.close()
    for name in ("web-form-errors", "web-preview", "web-overview"):
        print(f"Skrevet: docs/{name}.png")


if __name__ == "__main__":
    main()
