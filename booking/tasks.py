"""Periodic jobs of the booking engine (Celery beat's schedule is in settings)."""

from celery import shared_task

from booking.services import holds_expire


@shared_task(name="booking.expire_holds")
def expire_holds() -> list[int]:
    """Retire lapsed holds (a lapsed hold's seats are free already; this tidies)."""
    tickets, bookings = holds_expire()
    return [tickets, bookings]
