"""Writes about users: registration, roles, staff accounts."""

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.roles import GROUP_NAMES, sync_groups
from cinema.errors import Conflict, ValidationFailed


def user_set_role(*, user: User, role: str) -> User:
    """Set the role and keep is_staff, is_superuser and group membership in step."""
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", fields={"role": [f"Choose one of {', '.join(Role.values)}."]})
    with transaction.atomic():
        user.role = role
        user.is_staff = role != Role.CUSTOMER
        user.is_superuser = role == Role.ADMIN
        user.save(update_fields=["role", "is_staff", "is_superuser", "updated_at"])
        staff_groups = Group.objects.filter(name__in=GROUP_NAMES.values())
        user.groups.remove(*staff_groups)
        if role in GROUP_NAMES:
            group = Group.objects.filter(name=GROUP_NAMES[role]).first()
            if group is None:  # deleted by hand (or a flushed test database): recreate all
                sync_groups()
                group = Group.objects.get(name=GROUP_NAMES[role])
            user.groups.add(group)
    return user


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"password": exc.messages}) from exc


def user_create(
    *, email: str, password: str, role: str = Role.CUSTOMER, validate_password: bool = True, **fields
) -> User:
    """Create a user with a role; e-mail is unique case-insensitively (409 otherwise)."""
    email = User.objects.normalize_email(email.strip()).lower()
    user = User(email=email, **fields)
    if validate_password:
        _validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            user_set_role(user=user, role=role)
    except IntegrityError as exc:
        raise Conflict("A user with this e-mail already exists.", code="email_taken") from exc
    return user


def user_change_password(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ValidationFailed(
            "The current password is wrong.", fields={"old_password": ["The current password is wrong."]}
        )
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    return user


def user_record_login(*, user: User, ip: str | None) -> None:
    User.objects.filter(pk=user.pk).update(last_login=timezone.now(), last_login_ip=ip)
