"""Who made a change: the audit trail (django-auditlog) names the acting user.

django-auditlog writes a log entry from model signals. Its own middleware learns
the user from ``request.user`` before the view runs, which misses the API (the
bearer token is read by DRF inside the view) and connects a signal receiver on
every request. Here one context variable holds the request (or a user set by
``acting_as``), and the user is read only when an entry is written: by then DRF
has authenticated the request and set ``request.user`` on it.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import pre_save

_acting: ContextVar = ContextVar("audit_acting", default=None)


def current_actor():
    """The authenticated user behind the change being made, or ``None``."""
    source = _acting.get()
    user = getattr(source, "user", source)  # a request, or a user
    if user is not None and getattr(user, "is_authenticated", False) and user.pk:
        return user
    return None


@contextmanager
def acting_as(user):
    """Attribute the changes made inside to ``user`` (commands, jobs, tests)."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _acting.set(request)
        try:
            return self.get_response(request)
        finally:
            _acting.reset(token)


def _stamp_actor(sender, instance, **kwargs):
    if instance.actor_id is None:
        actor = current_actor()
        if actor is not None:
            instance.actor = actor
            instance.actor_email = actor.email


def connect() -> None:
    from auditlog.models import LogEntry

    pre_save.connect(_stamp_actor, sender=LogEntry, dispatch_uid="backoffice.audit.stamp_actor")
