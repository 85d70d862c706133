"""Reads about films for the customer pages."""

from catalog.models import Movie


def movie_for_page(slug: str) -> Movie | None:
    """An active film with its genres (two queries), or None."""
    return Movie.objects.filter(is_active=True, slug=slug).prefetch_related("genres").first()
