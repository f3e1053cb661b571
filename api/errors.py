"""Exceptions the client raises: what went wrong, in words a person can act on.

Every message has secrets (password, session string) scrubbed before it is stored, so an
exception can be logged or shown on screen as it is.
"""

from __future__ import annotations


class PrinterOSError(Exception):
    """Base of every error the `api` package raises."""

    def __init__(self, message: str, *, call: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.call = call
        self.status = status

    def __str__(self) -> str:
        where = f"{self.call}: " if self.call else ""
        return f"{where}{self.message}"


class ApiError(PrinterOSError):
    """The cloud answered and said no (`result: false`), whatever the HTTP status."""


class AuthError(ApiError):
    """A bad login, or a session the cloud no longer accepts: log in again."""


class TransportError(PrinterOSError):
    """No usable answer: timeout, refused connection, dropped link, or a body that is not JSON."""


def scrub(text: str, secrets: list[str | None]) -> str:
    """Replace every secret (longer than 3 characters) in `text` with `***`."""
    for secret in secrets:
        if secret and len(secret) > 3:
            text = text.replace(secret, "***")
    return text
