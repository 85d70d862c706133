"""Filters of the customer pages: names in the page's language, money, durations, map links."""

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote, urlencode

from django import template
from django.utils.translation import get_language, get_language_info, gettext

from reviews import selectors as reviews_selectors

register = template.Library()

NBSP = "\u00a0"


def _language() -> str:
    return get_language() or "ru"


@register.filter
def film_title(movie) -> str:
    return movie.title_for(_language())


@register.filter
def cinema_name(cinema) -> str:
    return cinema.name_for(_language())


@register.filter
def city_name(cinema) -> str:
    return cinema.city_for(_language())


@register.filter
def genre_name(genre) -> str:
    return genre.name_for(_language())


@register.filter
def review_author(review) -> str:
    return reviews_selectors.review_author(review)


@register.filter
def rub(amount) -> str:
    """Roubles as the page's language writes them: "1 200 ₽" in Russian, "₽1,200" in English
    (kopecks only when there are any)."""
    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    whole = amount == amount.to_integral_value()
    text = f"{amount.quantize(Decimal(1) if whole else Decimal('0.01'), ROUND_HALF_UP):,}"
    if _language().startswith("ru"):
        return text.replace(",", NBSP).replace(".", ",") + NBSP + "₽"
    return "₽" + text


@register.filter
def map_url(cinema) -> str:
    """The one map service every page links to (OpenStreetMap): the cinema's point
    when known, else a search for its address."""
    if cinema.latitude is not None and cinema.longitude is not None:
        lat, lon = cinema.latitude, cinema.longitude
        return f"https://www.openstreetmap.org/?{urlencode({'mlat': lat, 'mlon': lon})}#map=17/{lat}/{lon}"
    address = ", ".join(part for part in (cinema.city, cinema.address) if part)
    return f"https://www.openstreetmap.org/search?query={quote(address)}"


@register.filter
def duration(minutes) -> str:
    """125 → "2 h 5 min" / "2 ч 5 мин"."""
    hours, rest = divmod(int(minutes or 0), 60)
    if not hours:
        return gettext("%(m)s min") % {"m": rest}
    if not rest:
        return gettext("%(h)s h") % {"h": hours}
    return gettext("%(h)s h %(m)s min") % {"h": hours, "m": rest}


@register.filter
def language_name(code: str) -> str:
    """An ISO 639-1 code in the page's language ("en" → "английский" / "English")."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code.upper()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
