"""What the browser walks share: the two screens, a seat of the map, the sign-in dialog,
the watch on hosts and CSP headers, web storage without tokens, uploads served as nginx
would, and the README's screenshots."""

import mimetypes
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from conftest import PASSWORD
from web.tests.conftest import ARTIFACTS, shot

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENS = {"desktop": DESKTOP, "phone": PHONE}
LOCALES = {"en": "en-US", "ru": "ru-RU"}
STORAGE = "() => [...Object.entries(localStorage), ...Object.entries(sessionStorage)]"


def seat(page, row, number):
    return page.locator(f".seat[data-key='{row}-{number}']")


def sign_in(page, email, password=PASSWORD, register=False, first="Анна"):
    """Fills the open sign-in dialog (or creates an account in it) and waits for it to close."""
    dialog = page.locator("#auth-dialog")
    dialog.wait_for(state="visible")
    if register:
        page.click("#auth-toggle")
        page.fill("#auth-form input[name=first_name]", first)
        page.fill("#auth-form input[name=last_name]", "Зрителева")
    page.fill("#auth-form input[name=email]", email)
    page.fill("#auth-form input[name=password]", password)
    page.click("#auth-form button[type=submit]")
    dialog.wait_for(state="hidden")


def watch(page, live_server):
    """From now on: the hosts the page asks (``page.hosts``) and the documents' CSP headers (``page.policies``)."""
    page.hosts, page.policies = set(), []
    page.on("request", lambda r: r.url.startswith("http") and page.hosts.add(urlsplit(r.url).netloc))
    page.on(
        "response",
        lambda r: r.request.resource_type == "document" and page.policies.append(r.headers["content-security-policy"]),
    )
    page.own_host = urlsplit(live_server.url).netloc
    return page


def assert_kept_to_itself(page):
    """Only this host was asked, every page came with a strict CSP, and none was violated."""
    assert page.hosts == {page.own_host}, page.hosts
    assert page.policies and all("unsafe-inline" not in p and "script-src 'self'" in p for p in page.policies)
    assert not page.js_errors  # CSP violations are counted here too (web/tests/conftest.py)


def no_token_in_web_storage(page):
    """localStorage and sessionStorage hold no token (the home page keeps its city and date there)."""
    entries = page.evaluate(STORAGE)
    assert not [(k, v) for k, v in entries if re.search(r"access|refresh|token|jwt|session", k, re.I) or "eyJ" in v], (
        entries
    )
    assert {k for k, _ in entries} <= {"city", "date", "payment"}, entries


def serve_media(page, root: Path):
    """Uploads as nginx serves them in production (Django serves /media/ only with DEBUG on)."""

    def handle(route):
        file = root / urlsplit(route.request.url).path.removeprefix("/media/")
        if file.is_file():
            route.fulfill(body=file.read_bytes(), content_type=mimetypes.guess_type(file.name)[0])
        else:
            route.fulfill(status=404)

    page.route("**/media/**", handle)


def assert_fits(page, width: int, state: str) -> None:
    """Nothing makes the page scroll sideways (the date strip scrolls inside itself)."""
    wide = page.evaluate(
        """width => document.documentElement.scrollWidth > width ? [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > width + 1 && !e.matches(".date-strip li, .date-strip li *"))
            .slice(0, 12).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
            : []""",
        width,
    )
    assert not wide, f"{state} is wider than {width}px: {wide}"


def keep(page, name, full_page=True):
    """A screenshot left with the other artifacts; with UPDATE_SCREENSHOTS=1 also the
    README's copy in docs/img (a plain test run leaves the tracked files alone)."""
    shot(page, name, full_page=full_page)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / f"{name}.png", DOCS_IMG / f"{name}.png")
