"""Money and map links on the customer's pages."""

from decimal import Decimal
from urllib.parse import quote, urlencode

from django import template
from django.utils import formats, translation

register = template.Library()


@register.filter
def rub(amount) -> str:
    """An amount in roubles as the pages' scripts show it (Intl.NumberFormat, currency RUB):
    "1 234 ₽" in Russian, "₽1,234" in English; kopecks only when there are some."""
    value = Decimal(amount or 0)
    places = 0 if value == value.to_integral_value() else 2
    number = formats.number_format(value, places, use_l10n=True, force_grouping=True)
    if (translation.get_language() or "").startswith("ru"):
        return f"{number}\u00a0₽"
    return f"₽{number}"


@register.filter
def map_url(cinema) -> str:
    """A map service's page for the cinema (its point when known, else its address)."""
    if cinema.latitude is not None and cinema.longitude is not None:
        lat, lon = cinema.latitude, cinema.longitude
        return f"https://www.openstreetmap.org/?{urlencode({'mlat': lat, 'mlon': lon})}#map=17/{lat}/{lon}"
    address = ", ".join(part for part in (cinema.city, cinema.address) if part)
    return f"https://www.openstreetmap.org/search?query={quote(address)}"
