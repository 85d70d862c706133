"""Writes about films."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify

from catalog.models import Movie

TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)


def unique_slug(model, text: str, *, exclude_pk=None, max_length: int = 200) -> str:
    """A URL slug for ``text`` (Cyrillic transliterated), made unique in ``model``."""
    base = slugify(text.lower().translate(TRANSLIT))[: max_length - 8] or "item"
    slug, n = base, 1
    qs = model.objects.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def movie_set_rating(*, movie_id: int, total: int, count: int) -> None:
    """Store the average of approved reviews (sum ``total`` over ``count``)."""
    average = (Decimal(total) / count).quantize(Decimal("0.01"), ROUND_HALF_UP) if count else Decimal("0")
    Movie.objects.filter(pk=movie_id).update(rating_average=average, rating_count=count)
