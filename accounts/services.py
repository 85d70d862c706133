"""Writes about users: registration, roles, staff accounts, passwords."""

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.identity import canonical_email, validate_registrable_email
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


def _validate(validate, value, field: str, *args) -> None:
    try:
        validate(value, *args)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={field: exc.messages}) from exc


def _validate_password(password: str, user: User, field: str = "password") -> None:
    _validate(password_validation.validate_password, password, field, user)


def user_create(
    *, email: str, password: str, role: str = Role.CUSTOMER, validate_password: bool = True, **fields
) -> User:
    """Create a user with a role. The address is stored canonical (``accounts.identity``)
    and must be ASCII then (400); one already taken in any spelling is 409."""
    _validate(validate_registrable_email, email, "email")
    user = User(email=canonical_email(email), **fields)
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
    return user_set_password(user=user, new_password=new_password)


def user_set_password(*, user: User, new_password: str | None) -> User:
    """Set a new password (``None``: none usable) and end every session of the
    user: each outstanding refresh token is blacklisted, and access tokens
    issued before now are refused (``password_changed_at`` against the token's
    ``iat``, both in whole seconds: a token issued later in the same second
    still works)."""
    if new_password is not None:
        _validate_password(new_password, user, "new_password")
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = now
        user.save(update_fields=["password", "password_changed_at", "updated_at"])
        live = OutstandingToken.objects.filter(user=user, expires_at__gt=now, blacklistedtoken__isnull=True)
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token_id=token_id) for token_id in live.values_list("id", flat=True)],
            ignore_conflicts=True,
        )
    return user


def user_record_login(*, user: User, ip: str | None) -> None:
    User.objects.filter(pk=user.pk).update(last_login=timezone.now(), last_login_ip=ip)
