"""Object-level access: a customer reaches only their own tickets, bookings and
reviews. Someone else's object answers 404 (its existence is not confirmed) and
nothing changes; the owner's own request succeeds, so each refusal is about the
owner, not the route."""

import pytest

from booking.models import TicketStatus
from booking.services import ticket_hold
from reviews.models import Review
from reviews.services import review_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(customer, session, movie):
    booking = ticket_hold(user=customer, session_id=session.pk, seats=[(3, 3)])
    review = review_create(user=customer, movie=movie, rating=7, title="Mine", text="My own words on it.")
    return {"ticket": booking.tickets.get(), "booking": booking, "review": review}


READS = [
    ("get", "/api/v1/tickets/{ticket}/"),
    ("get", "/api/v1/tickets/{ticket}/qr/"),
    ("get", "/api/v1/bookings/{reference}/"),
]


def _path(template, owned):
    return template.format(ticket=owned["ticket"].pk, reference=owned["booking"].reference, review=owned["review"].pk)


@pytest.mark.parametrize(("method", "template"), READS)
def test_someone_elses_object_is_not_found(method, template, owned, customer_client, other_client):
    path = _path(template, owned)
    assert getattr(other_client, method)(path).status_code == 404
    assert getattr(customer_client, method)(path).status_code != 404  # a held ticket's QR is 409 to its owner


def test_someone_elses_ticket_is_not_in_their_list(owned, other_client):
    body = other_client.get("/api/v1/tickets/").json()
    assert owned["ticket"].pk not in [t["id"] for t in body["results"]]


def test_someone_elses_hold_cannot_be_released(owned, other_client, customer_client):
    path = _path("/api/v1/tickets/{ticket}/cancel/", owned)
    assert other_client.post(path, {}).status_code == 404
    owned["ticket"].refresh_from_db()
    assert owned["ticket"].status == TicketStatus.RESERVED
    assert customer_client.post(path, {}).status_code == 200


def test_someone_elses_review_cannot_be_edited_or_deleted(owned, other_client, customer_client):
    path = _path("/api/v1/reviews/{review}/", owned)
    assert other_client.patch(path, {"title": "Taken over"}).status_code == 404
    assert other_client.delete(path).status_code == 404
    review = Review.objects.get(pk=owned["review"].pk)
    assert review.title == "Mine"
    assert customer_client.patch(path, {"title": "Still mine"}).status_code == 200
