"""Database helpers shared by the apps."""

from django.db import models, transaction


def delete_or_deactivate(instance: models.Model) -> str:
    """Delete a row, or set ``is_active = False`` when other rows protect it
    (``on_delete=PROTECT``: the database knows whether history exists).
    Returns ``"deleted"`` or ``"deactivated"``."""
    try:
        with transaction.atomic():
            instance.delete()
        return "deleted"
    except models.ProtectedError:
        instance.is_active = False
        instance.save(update_fields=["is_active", "updated_at"])
        return "deactivated"
