"""Screenshots of the browsing pages with the demo data, into docs/img/web-*.png.

    make run                                    # in one terminal (demo data, DEBUG on)
    .venv/bin/python bench/web_screenshots.py   # http://127.0.0.1:8000 by default, or pass a base URL

Chromium (Playwright, the system's /usr/bin/chromium) at 1280×900 and 390×844.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
SHOTS = [
    # file, width, height, locale, path
    ("web-home.png", 1280, 900, "ru-RU", "/"),
    ("web-film.png", 1280, 900, "ru-RU", "/films/dune-part-two/"),
    ("web-cinema.png", 1280, 900, "en-US", "/cinemas/oktyabr-moscow/"),
    ("web-home-phone.png", 390, 844, "en-US", "/"),
    ("web-film-phone.png", 390, 844, "ru-RU", "/films/dune-part-two/"),
    ("web-cinema-phone.png", 390, 844, "ru-RU", "/cinemas/oktyabr-moscow/"),
]

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    for name, width, height, locale, path in SHOTS:
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        page = context.new_page()
        page.goto(BASE + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ROOT / "docs" / "img" / name))
        context.close()
        print(name)
    browser.close()
