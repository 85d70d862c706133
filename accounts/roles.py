"""Role -> Django group -> model permissions: least privilege per role.

Customers need no model permissions (the API checks ownership). Staff roles get
a group each; admins are superusers. ``sync_groups`` makes the groups match this
table exactly; a data migration and ``manage.py sync_roles`` call it.
"""

from accounts.models import Role

GROUP_NAMES = {Role.MANAGER: "Managers", Role.MODERATOR: "Moderators"}

_CRUD = ("add", "change", "delete", "view")

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.MANAGER: {
        "catalog.movie": _CRUD,
        "catalog.genre": _CRUD,
        "venues.cinema": _CRUD,
        "venues.hall": _CRUD,
        # Ticket types are few and shared by every card: retired (inactive), not deleted.
        "pricing.tickettype": ("add", "change", "view"),
        "pricing.pricecard": _CRUD,
        "pricing.pricecardprice": _CRUD,
        "pricing.promocode": _CRUD,
        # Sessions are cancelled (with refunds), never deleted.
        "scheduling.session": ("add", "change", "view", "cancel_session"),
        # Tickets change only through the booking services (admin actions).
        "booking.booking": ("view", "change"),
        "booking.ticket": ("view", "change", "check_in"),
        "booking.payment": ("view",),
        # Refunds are made by the services; managers see them and retry failed ones.
        "booking.refund": ("view", "retry_refund"),
        "accounts.user": ("view",),
        "reports.salesreport": ("view",),
        "reports.distributorreport": ("view",),
        # The outbox is written by the services; managers read it and send again.
        "notifications.message": ("view", "resend_message"),
        # The audit trail: read, never edited.
        "auditlog.logentry": ("view",),
    },
    Role.MODERATOR: {
        "reviews.review": ("view", "change", "moderate"),
        "reviews.reviewvote": ("view",),
    },
}


def _codename(model_label: str, action: str) -> tuple[str, str]:
    app_label, model = model_label.split(".")
    return app_label, f"{action}_{model}" if action in _CRUD else action


def sync_groups(apps=None) -> None:
    """Create the staff groups and give each exactly its permissions."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; the groups
    # need them now. Historical app configs have no models module, hence the flag.
    labels = (
        "catalog", "venues", "pricing", "scheduling", "booking", "reviews", "accounts", "reports", "auditlog",
        "notifications",
    )  # fmt: skip
    for label in labels:
        try:
            app_config = apps.get_app_config(label)
        except LookupError:  # no model of it migrated yet
            continue
        if getattr(app_config, "models_module", None) is None:
            app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, model_actions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        wanted = []
        for model_label, actions in model_actions.items():
            for action in actions:
                app_label, codename = _codename(model_label, action)
                # Absent while migrating a model added later: its own migration syncs again.
                wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


# The ladder that says who may hand out which role. An admin is a superuser.
ROLE_RANK = {Role.CUSTOMER: 0, Role.MODERATOR: 1, Role.MANAGER: 2, Role.ADMIN: 3}


def role_permissions(role: str) -> set[str]:
    """The permissions a role's group carries, as ``app_label.codename``."""
    return {
        ".".join(_codename(label, action))
        for label, actions in ROLE_PERMISSIONS.get(role, {}).items()
        for action in actions
    }


def _outranks(actor, role: str) -> bool:
    """A non-superuser holds every permission of ``role`` and stands strictly above it."""
    return ROLE_RANK[role] < ROLE_RANK.get(actor.role, 0) and role_permissions(role) <= actor.get_all_permissions()


def may_grant_role(actor, role: str) -> bool:
    """Nobody grants a role above their own or equal to it; only a superuser makes admins
    (an admin is a superuser), and a role's permissions must all be the actor's own."""
    if actor.is_superuser:
        return True
    return actor.is_active and actor.is_staff and role != Role.ADMIN and _outranks(actor, role)


def may_manage_user(actor, user) -> bool:
    """Whether ``actor`` may change or delete ``user`` at all: only a superuser touches a
    superuser or an admin; others only users whose role they could have granted."""
    if actor.is_superuser:
        return True
    if user.is_superuser or user.role == Role.ADMIN:
        return False
    return actor.is_active and actor.is_staff and _outranks(actor, user.role)
