"""Role checks for the API. Object-level ownership checks live beside the views."""

from rest_framework import permissions
from rest_framework.permissions import SAFE_METHODS, BasePermission

ANYONE, AUTHENTICATED = "anyone", "authenticated"


def is_manager(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "is_manager", False))


def is_moderator(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "is_moderator", False))


class IsManager(BasePermission):
    """Managers and admins."""

    message = "Managers only."

    def has_permission(self, request, view):
        return is_manager(request.user)


class IsModerator(BasePermission):
    """Moderators and admins."""

    message = "Moderators only."

    def has_permission(self, request, view):
        return is_moderator(request.user)


class IsManagerOrReadOnly(BasePermission):
    message = "Managers only."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_manager(request.user)


class CanCheckIn(BasePermission):
    """Managers, admins, and anyone given the door-staff permission ``booking.check_in``."""

    message = "Door staff only."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (is_manager(user) or user.has_perm("booking.check_in")))


def _who(permission, method: str) -> str:
    safe = method in SAFE_METHODS
    if isinstance(permission, IsManagerOrReadOnly):
        return ANYONE if safe else "manager, admin"
    if isinstance(permission, IsManager):
        return "manager, admin"
    if isinstance(permission, IsModerator):
        return "moderator, admin"
    if isinstance(permission, CanCheckIn):
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
