"""OpenAPI generation: every operation says who may call it (``x-roles``) and
documents the error envelope for the statuses it can answer with.

The schema is the contract generated clients are built from: operation ids are
fixed in ``OPERATION_IDS`` (a generated client's function names), public
operations declare that no authentication is needed, and a test generates a
Python client from it and runs the customer's and the staff's journeys."""

import inspect

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from cinema.api.permissions import ANYONE, AUTHENTICATED, who_may_call


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Seats taken",
            value={
                "code": "seat_unavailable",
                "message": "These seats are not free: row 3 seat 4.",
                "errors": {},
                "details": {"seats": [{"row": 3, "seat": 4}]},
            },
        ),
        OpenApiExample(
            "Validation",
            value={
                "code": "validation_error",
                "message": "seats: This field is required.",
                "errors": {"seats": ["This field is required."]},
                "details": {},
            },
        ),
    ]
)
class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="stable machine-readable code, e.g. seat_unavailable")
    message = serializers.CharField(help_text="for people")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="per-field messages"
    )
    details = serializers.DictField(help_text="extra data of the error, e.g. the seats that are taken")


class DeactivatedSerializer(serializers.Serializer):
    """The answer of a delete that kept the object, deactivated, because others refer to it."""

    status = serializers.ChoiceField(choices=["deactivated"])
    message = serializers.CharField()


# (method, path under /api/v1) -> operationId. Clients are generated with these
# names; changing one is a breaking change (docs/API_ENDPOINTS.md, changelog).
OPERATION_IDS = {
    ("POST", "/auth/register/"): "auth_register",
    ("POST", "/auth/login/"): "auth_login",
    ("POST", "/auth/refresh/"): "auth_refresh",
    ("POST", "/auth/logout/"): "auth_logout",
    ("GET", "/auth/me/"): "auth_me",
    ("PATCH", "/auth/me/"): "auth_me_update",
    ("POST", "/auth/change-password/"): "auth_change_password",
    ("POST", "/auth/password-reset/"): "auth_password_reset",
    ("POST", "/auth/password-reset/confirm/"): "auth_password_reset_confirm",
    ("POST", "/auth/verify-email/"): "auth_verify_email",
    ("POST", "/auth/verify-email/resend/"): "auth_verify_email_resend",
    ("GET", "/movies/"): "movies_list",
    ("POST", "/movies/"): "movies_create",
    ("GET", "/movies/search/"): "movies_search",
    ("GET", "/movies/{id}/"): "movies_retrieve",
    ("PUT", "/movies/{id}/"): "movies_replace",
    ("PATCH", "/movies/{id}/"): "movies_update",
    ("DELETE", "/movies/{id}/"): "movies_delete",
    ("GET", "/movies/{movie_id}/sessions/"): "movies_sessions_list",
    ("GET", "/cinemas/"): "cinemas_list",
    ("POST", "/cinemas/"): "cinemas_create",
    ("GET", "/cinemas/nearby/"): "cinemas_nearby",
    ("GET", "/cinemas/{id}/"): "cinemas_retrieve",
    ("PUT", "/cinemas/{id}/"): "cinemas_replace",
    ("PATCH", "/cinemas/{id}/"): "cinemas_update",
    ("DELETE", "/cinemas/{id}/"): "cinemas_delete",
    ("GET", "/cinemas/{id}/halls/"): "cinemas_halls_list",
    ("POST", "/cinemas/{id}/halls/"): "cinemas_halls_create",
    ("GET", "/sessions/"): "sessions_list",
    ("POST", "/sessions/"): "sessions_create",
    ("GET", "/sessions/{id}/"): "sessions_retrieve",
    ("PUT", "/sessions/{id}/"): "sessions_replace",
    ("PATCH", "/sessions/{id}/"): "sessions_update",
    ("GET", "/sessions/{id}/seats/"): "sessions_seat_map",
    ("POST", "/sessions/{id}/cancel/"): "sessions_cancel",
    ("GET", "/tickets/"): "tickets_list",
    ("POST", "/tickets/"): "tickets_hold",
    ("GET", "/tickets/{id}/"): "tickets_retrieve",
    ("POST", "/tickets/{id}/pay/"): "tickets_pay",
    ("POST", "/tickets/{id}/cancel/"): "tickets_cancel",
    ("GET", "/tickets/{id}/qr/"): "tickets_qr_png",
    ("GET", "/tickets/{id}/qr/svg/"): "tickets_qr_svg",
    ("POST", "/tickets/check-in/"): "tickets_check_in",
    ("GET", "/tickets/statistics/"): "tickets_statistics",
    ("GET", "/bookings/{reference}/"): "bookings_retrieve",
    ("GET", "/payments/{id}/"): "payments_retrieve",
    ("POST", "/payments/webhooks/{provider}/"): "payments_webhook",
    ("GET", "/reports/distributor/"): "reports_distributor",
    ("POST", "/reviews/"): "reviews_create",
    ("GET", "/reviews/mine/"): "reviews_mine",
    ("GET", "/reviews/pending/"): "reviews_pending",
    ("GET", "/reviews/movie/{movie_id}/"): "reviews_movie_list",
    ("GET", "/reviews/{id}/"): "reviews_retrieve",
    ("PATCH", "/reviews/{id}/"): "reviews_update",
    ("DELETE", "/reviews/{id}/"): "reviews_delete",
    ("POST", "/reviews/{id}/vote/"): "reviews_vote",
    ("DELETE", "/reviews/{id}/vote/"): "reviews_unvote",
    ("POST", "/reviews/{id}/moderate/"): "reviews_moderate",
}
API_PATH_PREFIX = "/api/v1"

# Response headers, declared once (components/headers) and referred to by the operations.
HEADERS = {
    "X-Request-ID": {
        "description": "The request's id: the one sent in X-Request-ID, or one the server made. "
        "It is in the server's log lines of the request.",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before the rate limit lets the next request through.",
        "schema": {"type": "integer", "minimum": 0},
    },
}


def header_ref(name: str) -> dict:
    return {"$ref": f"#/components/headers/{name}"}


class CinemaAutoSchema(AutoSchema):
    def get_operation_id(self) -> str:
        key = (self.method, self.path.removeprefix(API_PATH_PREFIX))
        return OPERATION_IDS.get(key) or super().get_operation_id()

    def get_description(self) -> str:
        """The action's own docstring, else the view class's own: not one
        inherited from a mixin (a throttle's docstring is no operation's)."""
        action = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        action_doc = action.__doc__ if getattr(action, "__module__", "").split(".")[0] != "rest_framework" else None
        docs = [action_doc, type(self.view).__dict__.get("__doc__")]
        return next((inspect.cleandoc(doc) for doc in docs if doc), "")

    def get_auth(self):
        """Bearer where the view authenticates; and, on operations anyone may
        call, no authentication as the alternative (a bad or expired token is
        then ignored, see ``accounts.authentication``)."""
        auths = [auth for auth in super().get_auth() if auth]
        if who_may_call(self.view, self.method) == ANYONE:
            auths.append({})
        return auths

    def resolve_serializer(self, serializer, direction, bypass_extensions=False):
        """DRF's limits on nested lists (``allow_empty=False``, ``max_length``) as minItems and maxItems."""
        component = super().resolve_serializer(serializer, direction, bypass_extensions)
        properties = (component.schema or {}).get("properties", {}) if component else {}
        for name, field in getattr(force_instance(serializer), "fields", {}).items():
            if name in properties and isinstance(field, serializers.ListSerializer):
                if not field.allow_empty:
                    properties[name]["minItems"] = max(1, field.min_length or 0)
                elif field.min_length:
                    properties[name]["minItems"] = field.min_length
                if field.max_length:
                    properties[name]["maxItems"] = field.max_length
        return component

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        who = who_may_call(self.view, method)
        operation["x-roles"] = who
        operation["description"] = f"{operation.get('description', '')}\n\nWho may call: {who}.".strip()

        error_ref = {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        # 400: invalid input, or a malformed request (a control character in the path or the
        # query string, unreadable JSON), which any operation may get.
        codes = {"429": "throttled", "400": "validation error or malformed request"}
        if who != ANYONE:
            codes["401"] = "not authenticated"
        if who not in (ANYONE, AUTHENTICATED):
            codes["403"] = "not allowed for this role"
        if "{" in path:
            codes["404"] = "not found"
        if method not in SAFE_METHODS:  # a write that lost a race for a unique key (cinema.api.errors)
            codes["409"] = "conflicts with the current state (another request saved a conflicting record first)"
        responses = operation.setdefault("responses", {})
        if any(_is_paginated(response) for code, response in responses.items() if code.startswith("2")):
            codes["404"] = "not found" if "{" in path else "no such page"
        for code, description in codes.items():
            responses.setdefault(code, {"description": description})
        for code, response in responses.items():
            if code.startswith(("4", "5")) and "content" not in response:
                response["content"] = error_ref
            headers = response.setdefault("headers", {})
            headers["X-Request-ID"] = header_ref("X-Request-ID")
            if code == "429":
                headers["Retry-After"] = header_ref("Retry-After")
        return operation


def _is_paginated(response: dict) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").startswith("#/components/schemas/Paginated")


_BLANK = {"type": "string", "maxLength": 0}
_TIME_OF_DAY = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"


def _plain(schema):
    """A blank-or-URL field as one string schema, ``format: uri-reference``
    (generators make a union of two string types of a ``oneOf``); a time of day as the wall-clock text it is
    (``format: time`` asks for an offset the cinema's hours do not have)."""
    if isinstance(schema, dict):
        one_of = schema.get("oneOf")
        if one_of and len(one_of) == 2 and one_of[1] == _BLANK and one_of[0].get("format") == "uri":
            merged = {k: v for k, v in schema.items() if k != "oneOf"}
            merged.update(one_of[0], format="uri-reference")  # "" is a URI reference, not a URI
            merged["description"] = (merged.get("description", "") + " An absolute URL, or blank.").strip()
            return _plain(merged)
        if schema.get("type") == "string" and schema.get("format") == "time":
            schema = {k: v for k, v in schema.items() if k != "format"}
            schema["pattern"] = _TIME_OF_DAY
            schema.setdefault("example", "09:30")
        return {k: _plain(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_plain(v) for v in schema]
    return schema


def _renamed(node, names: dict[str, str]):
    """``node`` with every $ref to a renamed component following it."""
    if isinstance(node, dict):
        return {
            k: (names.get(v, v) if k == "$ref" and isinstance(v, str) else _renamed(v, names)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_renamed(v, names) for v in node]
    return node


def _integer_ids(paths: dict) -> None:
    """Path parameters that only digits match (``lookup_value_regex``) are integers."""
    for operations in paths.values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("pattern") == r"^\d+$":
                    parameter["schema"] = {"type": "integer", "minimum": 0}


def postprocess_schema(result, generator, request, public):
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: the shared response headers,
    plain URL and time fields, integer ids in paths, and request bodies named
    once: the request half of ``HoldRequestSerializer`` is ``HoldRequest``,
    not ``HoldRequestRequest`` (these names are a generated client's classes)."""
    schemas = result.get("components", {}).get("schemas", {})
    names = {
        name: name.removesuffix("Request")
        for name in schemas
        if name.endswith("RequestRequest") and name.removesuffix("Request") not in schemas
    }
    if names:
        result["components"]["schemas"] = {names.get(k, k): v for k, v in schemas.items()}
        refs = {f"#/components/schemas/{old}": f"#/components/schemas/{new}" for old, new in names.items()}
        result["paths"] = _renamed(result["paths"], refs)
        result["components"] = _renamed(result["components"], refs)
    _integer_ids(result["paths"])
    result["components"] = _plain(result.get("components", {}))
    result["components"]["headers"] = HEADERS
    return result
