"""Public answers are cached, and a change to what they show is visible at once."""

import pytest

from conftest import client_for

pytestmark = pytest.mark.django_db


def test_anonymous_list_is_served_from_cache_until_a_film_changes(
    anon_client, movie, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = anon_client.get("/api/v1/movies/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = anon_client.get("/api/v1/movies/")
    assert again["X-Cache"] == "hit" and again.json() == first.json()
    with django_capture_on_commit_callbacks(execute=True):
        movie.title = "Солярис"
        movie.save()
    fresh = anon_client.get("/api/v1/movies/")
    assert fresh["X-Cache"] == "miss" and fresh.json()["results"][0]["title"] == "Солярис"


def test_requests_with_credentials_are_never_served_from_cache(manager, movie):
    client = client_for(manager)
    client.credentials(HTTP_AUTHORIZATION="Bearer x")  # force_authenticate still wins; the header skips the cache
    assert "X-Cache" not in client.get("/api/v1/movies/")


def test_errors_are_not_cached(anon_client):
    assert anon_client.get("/api/v1/movies/?age_rating=99").status_code == 400
    assert "X-Cache" not in anon_client.get("/api/v1/movies/?age_rating=99")
