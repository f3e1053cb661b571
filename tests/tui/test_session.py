"""Sessions: credentials that never show the password, a session file written and read like a key,
and logins that say how they went (against the simulated cloud over loopback)."""

from __future__ import annotations

import logging
import os
import socket
import stat

import pytest

from api import PrinterOSClient
from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from tui.session import Credentials, LoginOutcome, SessionStore, log_in, prepare_state_dir

from .conftest import build_app, settle


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_credentials_never_show_the_password():
    credentials = Credentials("tech@lab.org", "S3cretPass!")
    for shown in (repr(credentials), str(credentials), f"{credentials}", f"{[credentials]}"):
        assert "S3cretPass" not in shown and "tech@lab.org" in shown


def test_state_directory_is_created_private(tmp_path):
    directory = tmp_path / "state" / "farmdash"
    assert prepare_state_dir(directory) is None
    assert mode(directory) == 0o700 and list(directory.iterdir()) == []
    directory.chmod(0o755)  # as older versions left it
    assert prepare_state_dir(directory) is None and mode(directory) == 0o755  # a directory the user named: theirs
    assert prepare_state_dir(directory, own=True) is None and mode(directory) == 0o700  # farmdash's own: closed
    store = SessionStore(tmp_path / "other" / "session-x")
    assert store.save("abc123") is None
    assert mode(store.path.parent) == 0o700 and mode(store.path) == 0o600


def test_planted_links_neither_receive_nor_chmod_a_victim(tmp_path):
    """A link planted where the temporary file or the session goes must not redirect the secret."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    victim.chmod(0o644)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    store = SessionStore(state / "session-abc")
    (state / "session-abc.tmp").symlink_to(victim)  # the name older versions wrote through
    store.path.symlink_to(victim)
    assert store.save("s3ss10n") is None
    assert victim.read_text() == "precious" and mode(victim) == 0o644
    assert not store.path.is_symlink() and store.path.read_text() == "s3ss10n" and mode(store.path) == 0o600
    assert sorted(p.name for p in state.iterdir()) == ["session-abc", "session-abc.tmp"]  # nothing of ours left


def test_session_readable_by_others_is_made_private(tmp_path):
    path = tmp_path / "session"
    path.write_text("abc123\n")
    path.chmod(0o644)
    assert SessionStore(path).load() == "abc123"
    assert mode(path) == 0o600


def test_session_of_another_user_is_refused(tmp_path):
    path = tmp_path / "session"
    path.write_text("abc123")
    path.chmod(0o600)
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    os.chown(path, 4321, -1)
    stored = SessionStore(path).read()
    assert stored.session is None and "another user" in stored.notice


def test_session_path_that_is_a_directory(tmp_path):
    """Say so, keep running without saving, and leave no stray temporary file with the secret."""
    path = tmp_path / "session-abc"
    path.mkdir()
    store = SessionStore(path)
    problem = store.save("s3ss10n")
    assert problem is not None and "directory" in problem
    assert [p.name for p in tmp_path.iterdir()] == ["session-abc"] and list(path.iterdir()) == []
    stored = store.read()
    assert stored.session is None and "is a directory" in stored.notice
    store.clear()  # forgetting a session that could not be kept is not an error
    assert path.is_dir()


def test_unreadable_session_is_discarded_with_a_notice(tmp_path):
    path = tmp_path / "session"
    path.write_bytes(b"\xff\xfe")
    stored = SessionStore(path).read()
    assert stored.session is None and "discarded" in stored.notice and "\n" not in stored.notice
    assert not path.exists()
    path.write_bytes(b"abc\x1b[2Jdef")  # not a session string: never sent to the cloud
    assert SessionStore(path).load() is None and not path.exists()
    path.symlink_to(tmp_path / "elsewhere")
    stored = SessionStore(path).read()
    assert stored.session is None and "symbolic link" in stored.notice
    assert SessionStore(tmp_path / "missing").read().notice is None


def test_unwritable_state_directory_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    problem = prepare_state_dir(blocker / "farmdash")
    assert problem is not None and "not kept" in problem and "\n" not in problem


async def test_login_outcomes(sim_server, lab):
    async with PrinterOSClient(sim_server.base_url) as client:
        attempt = await log_in(client, None)
        assert attempt.outcome is LoginOutcome.NO_CREDENTIALS
        attempt = await log_in(client, Credentials(DEMO_USERNAME, "wrong"))
        assert attempt.outcome is LoginOutcome.REFUSED and DEMO_USERNAME in attempt.reason
        assert "wrong" not in attempt.reason and not client.has_session
        attempt = await log_in(client, Credentials(DEMO_USERNAME, DEMO_PASSWORD))
        assert attempt.outcome is LoginOutcome.OK and client.has_session
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    async with PrinterOSClient(closed) as client:
        attempt = await log_in(client, Credentials(DEMO_USERNAME, DEMO_PASSWORD))
        assert attempt.outcome is LoginOutcome.UNREACHABLE and attempt.reason


@pytest.fixture
def keep_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_log_file_is_private_like_the_session(tmp_path, monkeypatch, keep_logging):
    """The log sits beside the session in the 0700 state directory and is 0600 like it, also under
    a loose umask and when an older version left it readable by others."""
    from tui.config import Settings
    from tui.launch import Start, prepare_state

    monkeypatch.setenv("FARMDASH_STATE_DIR", str(tmp_path / "state"))
    old_umask = os.umask(0o022)
    try:
        assert prepare_state(Start(Settings(), refresh=3600)) is True
        log = tmp_path / "state" / "farmdash.log"
        logging.getLogger("farmdash.test").warning("written")
        assert mode(log) == 0o600 and "written" in log.read_text()
        log.chmod(0o644)  # as older versions left it
        assert prepare_state(Start(Settings(), refresh=3600)) is True
        assert mode(log) == 0o600
    finally:
        os.umask(old_umask)
        for handler in logging.getLogger().handlers:
            handler.close()


async def test_unwritable_state_directory_runs_and_says_so_once(
    sim_server, demo_farm, tmp_path, monkeypatch, keep_logging
):
    from tui.config import Settings
    from tui.launch import Start, prepare_app, prepare_state

    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("FARMDASH_STATE_DIR", str(blocker / "farmdash"))
    monkeypatch.setenv("FARMDASH_CONFIG", str(tmp_path / "none.toml"))
    start = Start(Settings(), refresh=3600)
    assert prepare_state(start) is False
    assert isinstance(logging.getLogger().handlers[0], logging.NullHandler)
    app = build_app(sim_server, demo_farm)
    prepare_app(app, start)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert len(app.store.printers) == len(demo_farm.printers)  # it runs
        said = [n for n in notices(app) if "not kept" in n]
        assert len(said) == 1 and "session and the log" in said[0]


async def test_bad_session_file_is_discarded_with_a_notice(sim_server, lab, tmp_path, monkeypatch, keep_logging):
    """A saved session that is not UTF-8: no traceback; the user is told and asked to log in."""
    from tui.config import Settings
    from tui.launch import Start, cloud_app, prepare_app, prepare_state, session_path
    from tui.screens.login import LoginScreen

    for key in [k for k in os.environ if k.upper().startswith("FARMDASH_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("FARMDASH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("FARMDASH_CONFIG", str(tmp_path / "none.toml"))
    start = Start(Settings(), refresh=3600)
    assert prepare_state(start) is True and start.notices == []
    session_path(sim_server.base_url, "").write_bytes(b"\xff\xfe")
    app = cloud_app(sim_server.base_url, start)
    assert app.client.session is None
    prepare_app(app, start)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        said = [n for n in notices(app) if "discarded" in n]
        assert len(said) == 1
