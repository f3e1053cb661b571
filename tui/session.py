"""Sessions: where a login comes from, how the session string is kept on disk, and how a login went.

No Textual here: the dashboard and the headless commands share it. The session string is a
secret as good as the password for as long as the cloud accepts it, so the file is written the
way a careful tool writes a key: a private directory, a fresh temporary file that no planted
link can redirect, an atomic rename. A file that cannot be trusted or read is dropped with a
notice, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from api import AuthError, PrinterOSClient, PrinterOSError

from .safe import plain

log = logging.getLogger("farmdash.session")

# A session string is a short token; anything far longer is not one (and is not sent).
MAX_SESSION_CHARS = 4096


@dataclass
class Credentials:
    """Where a login comes from without a prompt (environment or the demo); never the command line."""

    username: str
    password: str

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=***)"

    __str__ = __repr__


class LoginOutcome(Enum):
    """How a login from stored credentials went (the login screen has its own words)."""

    OK = "ok"
    NO_CREDENTIALS = "no credentials"
    UNREACHABLE = "unreachable"  # try again later, with backoff
    REFUSED = "refused"  # the cloud said no: ask the user
    GAVE_UP = "gave up"  # logins were accepted, then the session refused, again and again: ask the user


@dataclass(frozen=True)
class LoginAttempt:
    outcome: LoginOutcome
    reason: str = ""  # for REFUSED and UNREACHABLE: what to tell the user, one line, cloud text made safe


def session_file(directory: Path, endpoint: str, username: str) -> Path:
    """One session file per cloud and user, named by a hash: the file name says nothing of either."""
    key = hashlib.sha256(f"{endpoint}\n{username}".encode()).hexdigest()[:16]
    return directory / f"session-{key}"


async def log_in(client: PrinterOSClient, credentials: Credentials | None) -> LoginAttempt:
    """Log `client` in from `credentials`; the outcome says what to do next, the reason what to say."""
    if credentials is None:
        return LoginAttempt(LoginOutcome.NO_CREDENTIALS)
    try:
        await client.login(credentials.username, credentials.password)
    except AuthError as exc:
        return LoginAttempt(LoginOutcome.REFUSED, plain(f"Login as {credentials.username} refused: {exc.message}"))
    except PrinterOSError as exc:
        return LoginAttempt(LoginOutcome.UNREACHABLE, plain(f"Cannot reach the cloud: {exc.message}"))
    return LoginAttempt(LoginOutcome.OK)


def prepare_state_dir(directory: Path, *, own: bool = False) -> str | None:
    """Create the state directory (0700) and check it takes files.

    `own`: the directory is farmdash's alone (the default place, not one the user named), so one
    left open by an older version is closed to others too. None when all is well; else one line
    saying why not, for a notice at start.
    """
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # the mode applies to the last part only
        info = os.stat(directory, follow_symlinks=False)
        if own and stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and info.st_mode & 0o077:
            os.chmod(directory, 0o700, follow_symlinks=False)
        probe = directory / f".probe-{os.getpid()}-{secrets.token_hex(4)}"
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        os.close(descriptor)
        probe.unlink()
    except OSError as exc:
        # mkdir says "File exists" when a file stands where a directory should be.
        why = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror or str(exc)
        return f"Cannot write to {plain(directory)} ({why}): the session and the log are not kept."
    return None


@dataclass(frozen=True)
class StoredSession:
    session: str | None
    notice: str | None = None  # why a session file was not used, for the UI to say once


class SessionStore:
    """The session string, kept in the user's state directory, readable by the user alone."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> str | None:
        return self.read().session

    def read(self) -> StoredSession:
        """The saved session, or None with the reason a file that exists was not used."""
        try:
            descriptor = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            return StoredSession(None)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return StoredSession(None, f"{self._shown} is a symbolic link: not used as a session.")
            return StoredSession(None, f"Cannot read {self._shown} ({exc.strerror}): logging in again.")
        try:
            info = os.fstat(descriptor)
            if stat.S_ISDIR(info.st_mode):
                return StoredSession(None, f"{self._shown} is a directory: the session is not saved.")
            if not stat.S_ISREG(info.st_mode):
                return StoredSession(None, f"{self._shown} is not a regular file: not used as a session.")
            if info.st_uid != os.geteuid():
                return StoredSession(None, f"{self._shown} belongs to another user: not used as a session.")
            if info.st_mode & 0o077:
                os.fchmod(descriptor, 0o600)
                log.warning("session file was readable by others; made private")
            raw = os.read(descriptor, MAX_SESSION_CHARS + 1)
        except OSError as exc:
            return StoredSession(None, f"Cannot read {self._shown} ({exc.strerror}): logging in again.")
        finally:
            os.close(descriptor)
        try:
            session = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            return self._discard("is not text")
        if len(session) > MAX_SESSION_CHARS or not session.isprintable() or " " in session:
            return self._discard("does not hold a session")
        return StoredSession(session or None)

    def _discard(self, why: str) -> StoredSession:
        self.clear()
        return StoredSession(None, f"The saved session in {self._shown} {why}: discarded, logging in again.")

    def save(self, session: str | None) -> str | None:
        """Keep `session` (or forget it when None); None when done, else why not, in one line."""
        if not session:
            self.clear()
            return None
        if self.path.is_dir() and not self.path.is_symlink():
            return self._not_saved(f"{self._shown} is a directory")
        directory = self.path.parent
        temporary = directory / f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            if not directory.exists():
                directory.mkdir(mode=0o700, parents=True)
            # O_EXCL|O_NOFOLLOW: a name planted in the directory (a link to another file) fails
            # the open instead of receiving the secret; the rename then replaces the session
            # path itself, never what a link there points to.
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            return self._not_saved(exc.strerror or str(exc))
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(session)
            os.replace(temporary, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            return self._not_saved(exc.strerror or str(exc))
        return None

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            self.path.unlink()

    def _not_saved(self, why: str) -> str:
        log.warning("session not saved: %s", why)
        return f"The session is not saved ({why})."

    @property
    def _shown(self) -> str:
        return plain(self.path)
