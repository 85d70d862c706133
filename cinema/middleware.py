"""Middleware of the project: a guard for the API's input, and browser-only middleware.

``ApiInputGuardMiddleware`` refuses, for every path under ``/api/``, a path or
query-string value holding a control character (NUL above all: PostgreSQL
cannot store or compare text with one and answered a DataError, a 500). One
check for every view, before any of them runs.

``ContentSecurityPolicyMiddleware`` gives every answer the app's
Content-Security-Policy (settings.CSP_PAGES for HTML, settings.CSP_DOCS for the
API docs' pages, settings.CSP_DATA for the rest); nginx passes it through.

Sessions, Django's ``request.user`` and messages serve the admin and the web
pages. Under ``/api/`` they run only for a request that carries the session
cookie — the customer pages call the API with it (DRF's
``SessionAuthentication``, which enforces CSRF on unsafe methods). A bearer-token
client sends no cookie and gets no session store and no lazy user: for it they
were 3 % of the CPU of a hold or a payment. Flash messages never run for the
API. (CSRF protection stays on for every path: DRF's views are exempt from the
middleware, and ``SessionAuthentication`` checks the token itself.)
"""

import re
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import JsonResponse
from django.utils.translation import gettext as _

from cinema.api.errors import error_body

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ApiInputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(settings.API_PREFIX) and self._has_control_character(request):
            message = _("The path or the query string holds a control character.")
            return JsonResponse(error_body("malformed_request", message), status=400)
        return self.get_response(request)

    @staticmethod
    def _has_control_character(request) -> bool:
        query = unquote(request.META.get("QUERY_STRING", ""))
        return bool(_CONTROL.search(request.path_info) or _CONTROL.search(query))


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            html = response.get("Content-Type", "").startswith("text/html")
            if not html:
                policy = settings.CSP_DATA
            elif request.path_info.startswith(settings.CSP_DOCS_PATHS):
                policy = settings.CSP_DOCS
            else:
                policy = settings.CSP_PAGES
            response["Content-Security-Policy"] = policy
        return response


class _NotForTheApi:
    def __call__(self, request):
        if request.path_info.startswith(settings.API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)


class _ApiOnlyWithTheCookie:
    def __call__(self, request):
        if request.path_info.startswith(settings.API_PREFIX) and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_ApiOnlyWithTheCookie, DjangoSessionMiddleware):
    pass


class AuthenticationMiddleware(_ApiOnlyWithTheCookie, DjangoAuthenticationMiddleware):
    pass


class MessageMiddleware(_NotForTheApi, DjangoMessageMiddleware):
    pass
