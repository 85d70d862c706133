import pytest

from booking.models import Booking
from booking.services import ticket_hold
from conftest import pay_booking


@pytest.fixture
def pay(django_capture_on_commit_callbacks):
    """``pay(user, session, seats)``: a held and paid booking; the jobs its
    commits queue run in-process, as with no broker."""

    def run(user, session, seats=((2, 1), (5, 2))):
        with django_capture_on_commit_callbacks(execute=True):
            booking = ticket_hold(user=user, session_id=session.pk, seats=list(seats))
            payment = pay_booking(user, booking)  # through the fake provider's page, settled by its webhook
        assert payment.status == "succeeded"
        return Booking.objects.select_related("session").get(pk=booking.pk)

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the jobs queued inside once it ends, as after a commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
