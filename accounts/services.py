"""Writes about users: registration, roles, staff accounts, passwords, password reset, e-mail verification."""

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.identity import canonical_email, validate_registrable_email
from accounts.models import Role, User
from accounts.roles import GROUP_NAMES, may_grant_role, may_manage_user, sync_groups
from accounts.tokens import check_email_token, user_from_uid
from cinema.errors import Conflict, PermissionDenied, ValidationFailed


def user_set_role(*, user: User, role: str, by: User | None) -> User:
    """Set the role and keep is_staff, is_superuser and group membership in step.

    ``by`` is the person asking; ``None`` only for the operator's own tools
    (``manage.py`` commands, the demo seed). A person needs the right to change
    users, may touch a superuser or an admin only as a superuser, and may grant
    only a role below their own (``accounts.roles``)."""
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", fields={"role": [f"Choose one of {', '.join(Role.values)}."]})
    with transaction.atomic():
        if by is not None:
            _check_may_set_role(by=by, user=user, role=role)
        if role != Role.ADMIN:
            users_check_removable(users=[user])
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


def _check_may_set_role(*, by: User, user: User, role: str) -> None:
    # The stored row, locked: what the user is now, not what a form has put on the instance.
    stored = User.objects.select_for_update().filter(pk=user.pk).first() if user.pk else None
    if not by.has_perm("accounts.change_user"):
        raise PermissionDenied("You may not change users.")
    if stored is not None and not may_manage_user(by, stored):
        raise PermissionDenied("Only a superuser may change a superuser or an administrator.", code="role_forbidden")
    if not may_grant_role(by, role):
        raise PermissionDenied(f"You may not grant the role {role!r}.", code="role_forbidden")


def users_check_removable(*, users) -> None:
    """Refuse to take away, deactivate or delete the last active superusers: nobody could
    then run the back office. Call inside the transaction that makes the change.

    Every active superuser is locked (in id order) before counting, so two superusers
    demoting each other at once cannot both succeed."""
    ids = {user.pk for user in users if user.pk}
    active = User.objects.select_for_update().filter(is_superuser=True, is_active=True).order_by("pk")
    superusers = set(active.values_list("pk", flat=True))
    if superusers & ids and not superusers - ids:
        raise Conflict(
            "This would leave no active superuser: make another user an administrator first.", code="last_superuser"
        )


def _validate(validate, value, field: str, *args) -> None:
    try:
        validate(value, *args)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={field: exc.messages}) from exc


def _validate_password(password: str, user: User, field: str = "password") -> None:
    _validate(password_validation.validate_password, password, field, user)


def user_create(
    *,
    email: str,
    password: str,
    role: str = Role.CUSTOMER,
    by: User | None = None,
    validate_password: bool = True,
    **fields,
) -> User:
    """Create a user with a role (granted by ``by``, see ``user_set_role``). The address
    is stored canonical (``accounts.identity``) and must be ASCII then (400); one already
    taken in any spelling is 409."""
    _validate(validate_registrable_email, email, "email")
    user = User(email=canonical_email(email), **fields)
    if validate_password:
        _validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            user_set_role(user=user, role=role, by=by)
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


def _notifications():
    """The customer's messages: that app sits above this one, so it is imported when used."""
    from notifications import services

    return services


def user_register(*, email: str, password: str, **fields) -> User:
    """A customer signs up: the account, and a link to confirm the address (sent after the commit)."""
    with transaction.atomic():
        user = user_create(email=email, password=password, **fields)
        _notifications().notify_email_verification(user=user)
    return user


def password_reset_request(*, email: str) -> None:
    """E-mail a reset link if an active account has this address; say nothing either way."""
    user = User.objects.filter(email=canonical_email(email), is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        _notifications().notify_password_reset(user=user)


_BAD_LINK = "This link is invalid, used or expired. Ask for a new one."


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set the password through an e-mailed link (Django's token: a changed
    password or a sign-in since invalidates it, and it expires after
    PASSWORD_RESET_TIMEOUT); every refresh token of the user is revoked."""
    user = user_from_uid(uid, User.objects.filter(is_active=True))
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationFailed(_BAD_LINK, code="invalid_token", fields={"token": [_BAD_LINK]})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not default_token_generator.check_token(user, token):  # used by a request just before this one
            raise ValidationFailed(_BAD_LINK, code="invalid_token", fields={"token": [_BAD_LINK]})
        return user_set_password(user=user, new_password=new_password)


def email_verify(*, uid: str, token: str) -> User:
    """Mark the address verified through the e-mailed link (its current address only)."""
    user = user_from_uid(uid, User.objects.filter(is_active=True))
    if user is None or not check_email_token(user, token):
        raise ValidationFailed(_BAD_LINK, code="invalid_token", fields={"token": [_BAD_LINK]})
    User.objects.filter(pk=user.pk).update(email_verified=True)
    user.email_verified = True
    return user


def email_verification_resend(*, user: User) -> None:
    with transaction.atomic():
        _notifications().notify_email_verification(user=user)
