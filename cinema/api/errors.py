"""One JSON envelope for every API error.

    {"code": "seat_unavailable", "message": "…", "errors": {"field": ["…"]}, "details": {…}}

``code`` is stable and machine-readable, ``message`` is for people, ``errors``
holds per-field validation messages (empty otherwise) and ``details`` any
extra data of the error (e.g. the seats that are taken).
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from cinema.errors import ApplicationError, ValidationFailed

logger = logging.getLogger(__name__)

_DRF_CODES = {
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "validation_error",
}


def error_body(code: str, message: str, errors: dict | None = None, details: dict | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors or {}, "details": details or {}}


def _flatten(detail) -> dict:
    """DRF validation detail -> {field: [messages]} with ``non_field_errors`` for the rest."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub_key, sub_value in _flatten(value).items():
                    out[f"{key}.{sub_key}"] = sub_value
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub_key, sub_value in _flatten(item).items():
                        out[f"{key}[{index}].{sub_key}"] = sub_value
            elif isinstance(value, list):
                out[key] = [str(v) for v in value]
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def _first_message(errors: dict) -> str:
    for field, messages in errors.items():
        if messages:
            prefix = "" if field == "non_field_errors" else f"{field}: "
            return f"{prefix}{messages[0]}"
    return "Invalid input."


# SQLSTATEs of a row that lost a race for a unique key or an exclusion range.
_CONFLICT_SQLSTATES = {"23505", "23P01"}


def _lost_a_uniqueness_race(exc: IntegrityError) -> bool:
    """A generic create or update validated a unique field, then another request took it first."""
    sqlstate = getattr(exc.__cause__, "sqlstate", None)  # psycopg
    return sqlstate in _CONFLICT_SQLSTATES or (sqlstate is None and "UNIQUE constraint failed" in str(exc))


def exception_handler(exc, context):
    if isinstance(exc, IntegrityError) and _lost_a_uniqueness_race(exc):
        logger.warning("uniqueness race answered 409: %s", exc)
        set_rollback()
        message = _("Another request has just saved a conflicting record; reload and try again.")
        return Response(error_body("conflict", str(message)), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ApplicationError):
        errors = getattr(exc, "fields", {}) if isinstance(exc, ValidationFailed) else {}
        return _challenged(Response(error_body(exc.code, exc.message, errors, exc.extra), status=exc.status_code))
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500

    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        body = error_body(code, _first_message(errors), errors)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        details = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details["retry_after_seconds"] = int(exc.wait)
        if isinstance(exc, exceptions.AuthenticationFailed) and isinstance(detail, dict):
            code = str(detail.get("code", code))
        body = error_body(code, message, details=details)
    response.data = body
    return _challenged(response)


def _challenged(response: Response) -> Response:
    """A 401 names the scheme to authenticate with."""
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


# Django's own error pages (an unknown URL, a crash outside DRF's handler, a
# disallowed host) answer the envelope under the API's prefix and HTML elsewhere.
# DRF's views answer their own 404/405 through exception_handler above.


def _api_or(request, html_view, status_code: int, code: str, message: str, **kwargs):
    if request.path_info.startswith(settings.API_PREFIX):
        return JsonResponse(error_body(code, str(message)), status=status_code)
    return html_view(request, **kwargs)


def handler400(request, exception=None):
    return _api_or(request, defaults.bad_request, 400, "bad_request", _("Bad request."), exception=exception)


def handler403(request, exception=None):
    return _api_or(
        request, defaults.permission_denied, 403, "permission_denied", _("Permission denied."), exception=exception
    )


def handler404(request, exception=None):
    return _api_or(request, defaults.page_not_found, 404, "not_found", _("Not found."), exception=exception)


def handler500(request):
    return _api_or(request, defaults.server_error, 500, "server_error", _("Server error."))
