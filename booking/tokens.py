"""The QR payload of a ticket: an opaque signed token.

It carries the ticket id and the ticket's random ``qr_secret``, signed with the
project's SECRET_KEY: a scanner verifies it without a lookup table, a forged or
altered payload fails the signature, and regenerating ``qr_secret`` revokes
every copy in circulation. No personal data is in it.
"""

import secrets

from django.core import signing

_SALT = "booking.ticket-qr.v1"


def new_qr_secret() -> str:
    return secrets.token_urlsafe(16)


def make_ticket_token(ticket) -> str:
    return signing.dumps([ticket.pk, ticket.qr_secret], salt=_SALT, compress=False)


def read_ticket_token(payload: str) -> tuple[int, str] | None:
    """(ticket id, secret) from a genuine payload, ``None`` for anything else."""
    if not isinstance(payload, str) or len(payload) > 500:
        return None
    try:
        value = signing.loads(payload.strip(), salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int) or not isinstance(value[1], str):
        return None
    return value[0], value[1]
