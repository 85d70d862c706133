from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Genre, Movie

pytestmark = pytest.mark.django_db


def test_manager_creates_a_film_with_a_slug_from_its_title(manager_client):
    Genre.objects.create(slug="drama", name="Drama")
    response = manager_client.post(
        "/api/v1/movies/",
        {"title": "Левиафан", "duration_minutes": 141, "release_date": "2026-12-01", "genres": ["drama"]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["slug"] == "leviafan" and response.json()["genres"] == ["drama"]


def test_deleting_a_film_with_sessions_deactivates_it(manager_client, anon_client, session, movie):
    response = manager_client.delete(f"/api/v1/movies/{movie.pk}/")
    assert response.status_code == 200 and response.json()["status"] == "deactivated"
    movie.refresh_from_db()
    assert not movie.is_active
    assert anon_client.get(f"/api/v1/movies/{movie.pk}/").status_code == 404


def test_deleting_a_film_without_history_removes_it(manager_client, movie):
    assert manager_client.delete(f"/api/v1/movies/{movie.slug}/").status_code == 204
    assert not Movie.objects.filter(pk=movie.pk).exists()


def test_filters_now_showing_coming_soon_and_genre(anon_client, movie):
    soon = Movie.objects.create(
        title="Скоро", slug="soon", duration_minutes=90, release_date=timezone.localdate() + timedelta(days=5)
    )
    soon.genres.add(Genre.objects.create(slug="comedy", name="Comedy"))
    titles = lambda query: [m["title"] for m in anon_client.get(f"/api/v1/movies/?{query}").json()["results"]]  # noqa: E731
    assert titles("now_showing=true") == ["Сталкер"]
    assert titles("coming_soon=true") == ["Скоро"]
    assert titles("genre=comedy") == ["Скоро"]
    assert titles("ordering=title") == ["Скоро", "Сталкер"]


def test_search_is_case_insensitive_in_cyrillic(anon_client, movie):
    assert anon_client.get("/api/v1/movies/search/?q=ТАРКОВ").json()["count"] == 1
    assert anon_client.get("/api/v1/movies/search/?q=кайдан").json()["count"] == 1
    assert anon_client.get("/api/v1/movies/search/?q=бергман").json()["count"] == 0
