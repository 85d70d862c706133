"""Reads about cinemas for the customer pages."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.text import capfirst

from venues.models import Cinema, Hall


@dataclass(frozen=True)
class City:
    name: str  # as stored (the key in URLs and the cookie)
    label: str  # in the page's language
    cinemas: int


def cities(language: str) -> list[City]:
    """The cities with an active cinema, named in ``language``. One query."""
    found: dict[str, list] = {}
    for cinema in Cinema.objects.filter(is_active=True).only("name", "city", "city_en").order_by("city", "pk"):
        entry = found.setdefault(cinema.city, [cinema.city_for(language), 0])
        entry[1] += 1
    return sorted((City(name, label, count) for name, (label, count) in found.items()), key=lambda c: c.label)


def default_city(all_cities: list[City], sessions: dict[str, int] | None = None) -> City | None:
    """A first visit's city: the one with the most sessions to come (``sessions``: city → count),
    then the most cinemas, then by name — never a city with nothing to show when another has."""
    sessions = sessions or {}
    return min(all_cities, key=lambda c: (-sessions.get(c.name, 0), -c.cinemas, c.label), default=None)


def city_cinemas(city: str) -> list[Cinema]:
    return list(Cinema.objects.filter(is_active=True, city=city).order_by("name", "pk"))


def cinema_for_page(slug: str) -> Cinema | None:
    """An active cinema with its active halls (two queries), or None."""
    halls = Prefetch("halls", queryset=Hall.objects.filter(is_active=True).order_by("number"))
    return Cinema.objects.filter(is_active=True, slug=slug).prefetch_related(halls).first()


def amenity_labels(cinema: Cinema) -> list[str]:
    """The cinema's amenities, named in the active language."""
    return [
        capfirst(Cinema._meta.get_field(field).verbose_name)
        for field in Cinema.AMENITY_FIELDS.values()
        if getattr(cinema, field)
    ]
