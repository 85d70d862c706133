"""One e-mail address, one account.

``canonical_email`` is the only spelling of an address the platform stores,
looks up or counts login attempts under: trimmed, Unicode NFKC, case-folded,
and the domain in ASCII (IDNA, so ``почта.рф`` is ``xn--80a1acny.xn--p1ai``).
Characters Unicode calls compatibility forms of a letter become that letter —
the long s ``ſ`` is ``s``, the Kelvin sign ``K`` is ``k``, full-width
``ｃｕｓｔｏｍｅｒ`` is ``customer`` — so every such spelling is the same
account, with the same login limit. Letters that only look alike stay
different letters (the dotless ``ı`` is not ``i``, Cyrillic ``а`` is not
``a``): a new account's address must be ASCII once canonical (a domain is made
ASCII by IDNA), so such an address cannot be registered, and as a lookup it
finds no account but its own.

Lookups compare the canonical form exactly. The database never folds case
itself (PostgreSQL's ``UPPER('ı')`` is ``'I'``).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EMAIL_MAX_LENGTH = 254
# Input longer than this is no address and is refused unread: NFKC can make a
# character 18 (U+FDFA), so normalising a request body's worth costs seconds.
EMAIL_INPUT_MAX_LENGTH = 4 * EMAIL_MAX_LENGTH


def canonical_email(raw: str) -> str:
    """The one stored spelling of ``raw`` (idempotent). Never fails: what is no
    address comes back folded all the same, and matches no account."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw.strip()).casefold()).strip()
    local, at, domain = folded.rpartition("@")
    if not at or domain.isascii():
        return folded
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:  # no name IDNA can write (an empty or overlong label): stays, and is refused
        return folded
    return f"{local}@{domain}"


def validate_registrable_email(value: str) -> None:
    """An address a new account may have: plain ASCII once canonical."""
    email = canonical_email(value)
    if not email.isascii():
        raise ValidationError(
            _(
                "Write the address in Latin letters: letters that only look like them "
                "(such as the dotless ı or Cyrillic а) are not accepted."
            ),
            code="email_not_ascii",
        )
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            _("The address is longer than %(limit)d characters.") % {"limit": EMAIL_MAX_LENGTH},
            code="email_too_long",
        )
