"""OpenAPI generation: every operation says who may call it (``x-roles``) and
documents the error envelope for the statuses it can answer with."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import permissions, serializers

from cinema.api import permissions as ours

SAFE = {"GET", "HEAD", "OPTIONS"}
ANYONE, AUTHENTICATED = "anyone", "authenticated"


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


def _who(permission, method: str) -> str:
    safe = method in SAFE
    if isinstance(permission, ours.IsManagerOrReadOnly):
        return ANYONE if safe else "manager, admin"
    if isinstance(permission, ours.IsManager):
        return "manager, admin"
    if isinstance(permission, ours.IsModerator):
        return "moderator, admin"
    if isinstance(permission, ours.CanCheckIn):
        return "manager, admin, door staff (booking.check_in)"
    if isinstance(permission, permissions.IsAuthenticatedOrReadOnly):
        return ANYONE if safe else AUTHENTICATED
    if isinstance(permission, permissions.IsAuthenticated):
        return AUTHENTICATED
    return ANYONE


def who_may_call(view, method: str) -> str:
    """The most restrictive answer of the view's permission classes."""
    answers = [_who(p, method) for p in view.get_permissions()] or [ANYONE]
    restricted = [a for a in answers if a not in (ANYONE, AUTHENTICATED)]
    if restricted:
        return restricted[-1]
    return AUTHENTICATED if AUTHENTICATED in answers else ANYONE


class CinemaAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        who = who_may_call(self.view, method)
        operation["x-roles"] = who
        operation["description"] = f"{operation.get('description', '')}\n\nWho may call: {who}.".strip()

        error_ref = {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        codes = {"429": "throttled"}
        if method not in SAFE or getattr(self.view, "filterset_class", None) or "{" in path:
            codes["400"] = "validation error"
        if who != ANYONE:
            codes["401"] = "not authenticated"
        if who not in (ANYONE, AUTHENTICATED):
            codes["403"] = "not allowed for this role"
        if "{" in path:
            codes["404"] = "not found"
        responses = operation.setdefault("responses", {})
        for code, description in codes.items():
            responses.setdefault(code, {"description": description})
        for code, response in responses.items():
            if code.startswith(("4", "5")) and "content" not in response:
                response["content"] = error_ref
        return operation
