import uuid

import pytest

from booking.services import booking_pay, ticket_hold


@pytest.fixture
def pay(django_capture_on_commit_callbacks):
    """``pay(user, session, seats)``: a held and paid booking; the jobs its
    commits queue run in-process, as with no broker."""

    def run(user, session, seats=((2, 1), (5, 2))):
        with django_capture_on_commit_callbacks(execute=True):
            booking = ticket_hold(user=user, session_id=session.pk, seats=list(seats))
            outcome = booking_pay(
                user=user,
                booking=booking,
                idempotency_key=uuid.uuid4().hex,
                method="card",
                card_number="4242424242424242",
            )
        assert outcome.approved
        return outcome.booking

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the jobs queued inside once it ends, as after a commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
