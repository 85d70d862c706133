"""The app's Content-Security-Policy, and pages that need nothing it forbids."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def directives(policy: str) -> dict:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/tickets/", "/admin/login/", "/api/docs/", "/api/redoc/"])
def test_pages_get_the_page_policy(path):
    response = Client().get(path)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]  # no inline script, no eval
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert not any(re.search(r"https?:|\*", source) for sources in policy.values() for source in sources)


@pytest.mark.parametrize("path", ["/", "/tickets/", "/sessions/1/", "/password-reset/", "/admin/login/"])
def test_the_customer_pages_and_the_admin_allow_no_inline_style(path):
    policy = directives(Client().get(path)["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)
    assert policy["img-src"] == ["'self'", "data:"]  # the QR codes are images of this origin


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_only_the_api_docs_get_inline_styles(path):
    policy = directives(Client().get(path)["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"] and policy["script-src"] == ["'self'"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/movies/", "/api/schema/", "/api/v1/no-such-thing/", "/api/v1/movies/search/?q=a%00b", "/health/live"],
)
def test_data_gets_the_policy_that_loads_nothing(path):
    policy = directives(Client().get(path)["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"] and "sandbox" in policy


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_reference_no_other_host(path):
    html = Client().get(path).content.decode()
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
    urls = re.findall(r'(?:src|href|spec-url)="([^"]+)"', html)
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html)  # no inline script to allow


def test_the_redoc_bundle_draws_no_image_from_another_host():
    bundle = Client().get("/api/redoc/redoc.standalone.js")
    assert bundle.status_code == 200 and bundle["Content-Type"].startswith("application/javascript")
    assert b"cdn.redoc.ly" not in bundle.content and b"spec-url" in bundle.content


def test_the_swagger_set_up_script_is_served_from_here():
    response = Client().get("/api/docs/?script=")
    assert response.status_code == 200 and "SwaggerUIBundle" in response.content.decode()


def test_swagger_keeps_no_pasted_token_in_local_storage():
    """The customer pages share the origin (and so localStorage) with the API docs."""
    script = Client().get("/api/docs/?script=").content.decode()
    assert '"persistAuthorization": false' in script and 'persistAuthorization": true' not in script


def test_templates_have_no_inline_script_or_event_handler():
    """The page policy runs no inline script: a template that needs one breaks in the browser."""
    templates = [p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    assert templates
    for template in templates:
        text = template.read_text()
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert not re.search(r"<script(?![^>]*\b(?:src|type=\"application/json\")=?)[^>]*>", text), template
        assert "javascript:" not in text, template


def test_page_templates_and_scripts_set_no_style_attribute():
    """style-src 'self' refuses style attributes and <style> elements; the CSSOM
    (``el.style.setProperty``) is allowed and is how the seat map places seats.
    E-mails are no pages: mail clients want inline styles."""
    sources = [p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts and "email" not in p.parts]
    sources += list((ROOT / "web" / "static").glob("**/*.js"))
    for source in sources:
        if source.name == "redoc.html":
            continue  # the API docs' page: their own policy (settings.CSP_DOCS)
        text = source.read_text()
        assert not re.search(r"\sstyle\s*=|<style[\s>]", text), source
        assert not re.search(r"setAttribute\(\s*[\"']style|\.style\s*=[^=]|\.style\.cssText|style:\s*`", text), source
