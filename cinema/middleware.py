"""Middleware of the project: a guard for the API's input, and browser-only middleware.

``ApiInputGuardMiddleware`` refuses, for every path under ``/api/``, a path or
query-string value holding a control character (NUL above all: PostgreSQL
cannot store or compare text with one and answered a DataError, a 500). One
check for every view, before any of them runs.

``ContentSecurityPolicyMiddleware`` gives every answer the app's
Content-Security-Policy (settings.CSP_PAGES for HTML, settings.CSP_DATA for the
rest); nginx passes it through.

The rest is browser-only middleware, not run for the API.

The REST API under ``/api/`` is stateless: it authenticates every request by
its bearer token (``accounts.authentication``), never by a session cookie, and
keeps no flash messages. Sessions, Django's ``request.user`` and messages
serve the admin and the web pages only; for an API request they made a
session store, a lazy user and two message stores that no one read, 3 % of
the CPU of a hold or a payment. These subclasses pass API requests straight
on; everywhere else they are Django's. (CSRF protection stays on for every
path: DRF's views are exempt by design, as they take no cookies.)
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
            response["Content-Security-Policy"] = settings.CSP_PAGES if html else settings.CSP_DATA
        return response


class _NotForTheApi:
    def __call__(self, request):
        if request.path_info.startswith(settings.API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_NotForTheApi, DjangoSessionMiddleware):
    pass


class AuthenticationMiddleware(_NotForTheApi, DjangoAuthenticationMiddleware):
    pass


class MessageMiddleware(_NotForTheApi, DjangoMessageMiddleware):
    pass
