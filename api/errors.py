"""Exceptions the client raises: what went wrong, in words a person can act on.

Every message has secrets (password, session string) scrubbed before it is stored, and is one
line of plain text, so an exception can be logged or shown on screen as it is.

    PrinterOSError
    ├── ApiError          the cloud answered and said no (a refusal: "No access", 409 ...)
    │   └── AuthError     a bad login, or a session the cloud no longer accepts: log in again
    └── TransportError    no usable answer; the request was not acted on as far as we know
        └── OutcomeUnknown   the request reached the cloud but its answer was lost or unreadable
"""

from __future__ import annotations


class PrinterOSError(Exception):
    """Base of every error the `api` package raises."""

    #: True when the request may have been acted on although no answer says so (see OutcomeUnknown).
    outcome_unknown: bool = False

    def __init__(self, message: str, *, call: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.call = call
        self.status = status

    def __str__(self) -> str:
        where = f"{self.call}: " if self.call else ""
        return f"{where}{self.message}"


class ApiError(PrinterOSError):
    """The cloud answered and said no (`result: false`), whatever the HTTP status.

    A permission refusal ("No access", "Permission denied", HTTP 403) is an ApiError and not an
    AuthError: the session is fine, this request is not allowed.
    """


class AuthError(ApiError):
    """A bad login, or a session the cloud no longer accepts (checked with `check_session`)."""


class TransportError(PrinterOSError):
    """No usable answer: timeout, refused connection, dropped link, or a body that is not JSON."""


class OutcomeUnknown(TransportError):
    """The request was sent, but whether the cloud acted is unknown.

    An HTTP 200 whose body is not JSON, a connection dropped or a read timed out after the
    request went out, a gateway timeout. For an action, say "outcome unknown" and re-read the
    printer; never "could not" (the cloud may have done it) and never resend by itself.
    """

    outcome_unknown = True


def scrub(text: str, secrets: list[str | None]) -> str:
    """Replace every secret (longer than 3 characters) in `text` with `***`."""
    for secret in secrets:
        if secret and len(secret) > 3:
            text = text.replace(secret, "***")
    return text
