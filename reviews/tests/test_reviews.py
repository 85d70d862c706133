"""Reviews: moderation keeps the film's rating exact, votes are one per user, edits go back to moderation."""

from decimal import Decimal

import pytest

from booking import services as booking
from conftest import client_for, make_user, pay_booking
from reviews.services import review_create, review_moderate

pytestmark = pytest.mark.django_db
TEXT = "Фильм, который стоит пересмотреть."


def test_a_new_review_waits_for_moderation_and_is_not_public(customer_client, anon_client, movie):
    response = customer_client.post(
        "/api/v1/reviews/",
        {"movie": movie.pk, "rating": 8, "title": "Хорошо", "text": TEXT, "is_spoiler": False},
        format="json",
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert anon_client.get(f"/api/v1/reviews/movie/{movie.pk}/").json()["count"] == 0
    assert anon_client.get(f"/api/v1/reviews/{response.json()['id']}/").status_code == 404


def test_one_review_per_film(customer_client, movie):
    body = {"movie": movie.pk, "rating": 8, "title": "Раз", "text": TEXT}
    assert customer_client.post("/api/v1/reviews/", body, format="json").status_code == 201
    again = customer_client.post("/api/v1/reviews/", body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "review_exists"


def test_moderation_keeps_the_average_rating_exact(movie, moderator, moderator_client):
    reviews = [
        review_create(user=make_user(f"r{i}@example.com"), movie=movie, rating=r, title="t", text=TEXT)
        for i, r in enumerate((10, 7, 4))
    ]
    for review in reviews[:2]:
        assert (
            moderator_client.post(
                f"/api/v1/reviews/{review.pk}/moderate/", {"action": "approve"}, format="json"
            ).status_code
            == 200
        )
    movie.refresh_from_db()
    assert (movie.rating_count, movie.rating_average) == (2, Decimal("8.50"))
    rejected = moderator_client.post(
        f"/api/v1/reviews/{reviews[0].pk}/moderate/",
        {"action": "reject", "reason": "Спойлеры без пометки"},
        format="json",
    )
    assert rejected.json()["status"] == "rejected"
    movie.refresh_from_db()
    assert (movie.rating_count, movie.rating_average) == (1, Decimal("7.00"))
    no_reason = moderator_client.post(f"/api/v1/reviews/{reviews[2].pk}/moderate/", {"action": "reject"}, format="json")
    assert no_reason.status_code == 400


def test_an_edit_goes_back_to_moderation_and_leaves_the_rating(movie, customer, customer_client, moderator):
    review = review_create(user=customer, movie=movie, rating=9, title="t", text=TEXT)
    review_moderate(review=review, by=moderator, approve=True)
    response = customer_client.patch(f"/api/v1/reviews/{review.pk}/", {"rating": 3}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    movie.refresh_from_db()
    assert movie.rating_count == 0


def test_others_cannot_edit_or_delete_a_review(movie, customer, other_client, moderator):
    review = review_create(user=customer, movie=movie, rating=9, title="t", text=TEXT)
    review_moderate(review=review, by=moderator, approve=True)
    assert other_client.patch(f"/api/v1/reviews/{review.pk}/", {"rating": 1}, format="json").status_code == 403
    assert other_client.delete(f"/api/v1/reviews/{review.pk}/").status_code == 403


def test_votes_are_one_per_user_changeable_and_exact(movie, customer, moderator, other_client, customer_client):
    review = review_create(user=customer, movie=movie, rating=9, title="t", text=TEXT)
    review_moderate(review=review, by=moderator, approve=True)
    url = f"/api/v1/reviews/{review.pk}/vote/"
    assert other_client.post(url, {"helpful": True}, format="json").json()["helpful_count"] == 1
    changed = other_client.post(url, {"helpful": False}, format="json").json()
    assert (changed["helpful_count"], changed["not_helpful_count"]) == (0, 1)
    third = client_for(make_user("third@example.com"))
    assert third.post(url, {"helpful": True}, format="json").json()["helpful_count"] == 1
    withdrawn = other_client.delete(url).json()
    assert (withdrawn["helpful_count"], withdrawn["not_helpful_count"]) == (1, 0)
    own = customer_client.post(url, {"helpful": True}, format="json")
    assert own.status_code == 403 and own.json()["code"] == "own_review"


def test_a_viewer_with_a_paid_ticket_is_marked_verified(movie, session, customer):
    hold = booking.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    pay_booking(customer, hold)
    review = review_create(user=customer, movie=movie, rating=9, title="t", text=TEXT)
    assert review.is_verified_viewer


def test_movie_reviews_order_by_helpfulness_and_filter_verified(movie, moderator, anon_client):
    first = review_create(user=make_user("a@example.com"), movie=movie, rating=9, title="A", text=TEXT)
    second = review_create(user=make_user("b@example.com"), movie=movie, rating=5, title="B", text=TEXT)
    for review in (first, second):
        review_moderate(review=review, by=moderator, approve=True)
    client_for(make_user("v@example.com")).post(f"/api/v1/reviews/{second.pk}/vote/", {"helpful": True}, format="json")
    listed = anon_client.get(f"/api/v1/reviews/movie/{movie.pk}/").json()["results"]
    assert [r["title"] for r in listed] == ["B", "A"]
    assert anon_client.get(f"/api/v1/reviews/movie/{movie.pk}/?verified=true").json()["count"] == 0


def test_pending_queue_is_oldest_first_for_moderators(movie, moderator_client):
    for i in range(3):
        review_create(user=make_user(f"p{i}@example.com"), movie=movie, rating=5, title=f"P{i}", text=TEXT)
    titles = [r["title"] for r in moderator_client.get("/api/v1/reviews/pending/").json()["results"]]
    assert titles == ["P0", "P1", "P2"]


def test_a_review_is_signed_with_the_first_name_or_a_viewer_never_the_e_mail(anon_client, movie, moderator):
    named = make_user("maria.ivanova@example.com", first_name="Maria")
    unnamed = make_user("secret.person@example.com")
    for user in (named, unnamed):
        review = review_create(user=user, movie=movie, rating=8, title="t", text=TEXT)
        review_moderate(review=review, by=moderator, approve=True)
    response = anon_client.get(f"/api/v1/reviews/movie/{movie.pk}/")
    assert sorted(r["author"] for r in response.json()["results"]) == ["A viewer", "Maria"]
    assert "secret" not in response.content.decode()
    russian = anon_client.get(f"/api/v1/reviews/movie/{movie.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Зритель" in [r["author"] for r in russian.json()["results"]]
