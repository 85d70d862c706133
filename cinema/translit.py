"""Latin spellings of Russian names: slugs, and the English pages' city and cinema
names where the data has no English name of its own."""

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

# Cities whose English name is not their transliteration.
CITY_NAMES_EN = {
    "Москва": "Moscow",
    "Санкт-Петербург": "Saint Petersburg",
    "Екатеринбург": "Yekaterinburg",
    "Нижний Новгород": "Nizhny Novgorod",
    "Ростов-на-Дону": "Rostov-on-Don",
}


def transliterate(text: str) -> str:
    """ "Октябрь" → "Oktyabr": lower-case letters mapped, capitals kept capital."""
    out = []
    for char in text:
        latin = char.lower().translate(TRANSLIT)
        if char != char.lower() and latin:
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


def city_in_english(city: str) -> str:
    return CITY_NAMES_EN.get(city.strip()) or transliterate(city)
