"""ReDoc, served so that the docs page asks no other host for anything.

drf-spectacular-sidecar ships ReDoc's bundle, but the bundle draws a "Redocly"
logo from cdn.redoc.ly in its side menu (no option turns it off). The page's
Content-Security-Policy would block it and log a violation; instead this view
serves the same bundle with that one image replaced by an empty inline SVG.
"""

import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.http import require_safe

SIDECAR_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOCLY_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
SOURCE_MAP = b"//# sourceMappingURL=redoc.standalone.js.map"
EMPTY_SVG = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@functools.cache
def redoc_bundle() -> bytes:
    bundle = Path(finders.find(SIDECAR_BUNDLE)).read_bytes().replace(REDOCLY_LOGO, EMPTY_SVG)
    return bundle.replace(SOURCE_MAP, b"")  # the map lies beside the sidecar's copy, not this one


@require_safe
def redoc_js(request):
    response = HttpResponse(redoc_bundle(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
