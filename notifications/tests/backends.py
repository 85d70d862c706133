"""Test mail backends: a mail server that fails the way real ones do."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

failures: list[Exception] = []


class FlakyBackend(EmailBackend):
    """Raises the errors in ``failures`` one per send, then delivers (to mail.outbox)."""

    def send_messages(self, messages):
        if failures:
            raise failures.pop(0)
        return super().send_messages(messages)


def refuse(times: int, exc: Exception | None = None) -> None:
    failures.clear()
    failures.extend([exc or smtplib.SMTPServerDisconnected("Connection unexpectedly closed")] * times)
