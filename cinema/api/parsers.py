"""The API's one JSON parser: DRF's, made to refuse what the rest of the stack cannot hold.

- JSON nested deeper than Python's recursion limit (``[[[[…]]]]``, 100 000 deep in
  a 200 kB body) made ``json`` raise RecursionError: a 500. It is a 400 now.
- A lone UTF-16 surrogate (``"\\ud9f6"``) is valid JSON text but no Unicode
  character: PostgreSQL refuses it on write (and UTF-8 cannot encode it), so it
  is refused here, once, at parse time. A pair (``"\\ud83d\\ude00"``, an emoji)
  is one character and passes.
- A NUL character (``"\\u0000"``) is valid JSON but PostgreSQL text cannot hold
  it, not even as a lookup value (a slug, a code): refused here for every string,
  keys included, so no field has to remember it.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser


class JSONParser(DRFJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
        problem = _unstorable_string(data)
        if problem == "surrogate":
            raise ParseError(_("JSON parse error - a string holds a lone UTF-16 surrogate, which is no character."))
        if problem == "nul":
            raise ParseError(_("JSON parse error - a string holds a NUL character (\\u0000), which cannot be stored."))
        return data


def _unstorable_string(data) -> str | None:
    """Which unstorable string the document holds ("surrogate", "nul"), or None.

    Walks the parsed document without recursion (it may be ~1000 deep).
    """
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "nul"
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return "surrogate"
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None
