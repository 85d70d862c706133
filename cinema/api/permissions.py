"""Role checks for the API. Object-level ownership checks live beside the views."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


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
