"""Refusals are not lost sessions; check_session decides; unknown outcomes are not failures."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from api import ApiError, AuthError, OutcomeUnknown, TransportError

from .conftest import SESSION


def paths(cloud) -> list[str]:
    return [request.url.path.rsplit("/", 1)[-1] for request in cloud.requests]


@pytest.mark.parametrize(
    ("status", "message"),
    [(403, "Permission denied"), (200, "No access"), (403, "No access"), (404, "Printer not found or not accessible")],
)
async def test_permission_refusal_is_api_error_not_auth_error(cloud, client, status, message):
    cloud.answer("job_start", body={"result": False, "message": message}, status=status)
    with pytest.raises(ApiError, match=message) as info:
        await client.job_start(5)
    assert not isinstance(info.value, AuthError)
    assert info.value.status == status
    assert paths(cloud) == ["job_start"]  # a clear refusal needs no session check
    assert client.session == SESSION


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "Unauthorized"), (200, "Too many open sessions"), (403, "Not authorized"), (400, "Please login")],
)
async def test_session_sounding_refusal_with_live_session_is_api_error(cloud, client, status, message):
    cloud.answer("get_projects", body={"result": False, "message": message}, status=status)
    cloud.answer("check_session", "Session is valid")
    with pytest.raises(ApiError, match=message) as info:
        await client.get_projects()
    assert not isinstance(info.value, AuthError)
    assert paths(cloud) == ["get_projects", "check_session"]


@pytest.mark.parametrize("check_status", [200, 401, 403])
async def test_session_sounding_refusal_with_dead_session_is_auth_error(cloud, client, check_status):
    cloud.answer("get_projects", body={"result": False, "message": "Session expired"}, status=401)
    cloud.answer("check_session", body={"result": False, "message": "Please login"}, status=check_status)
    with pytest.raises(AuthError, match="Session expired") as info:
        await client.get_projects()
    assert info.value.call == "get_projects" and info.value.status == 401


async def test_session_check_that_cannot_answer_is_not_a_lost_session(cloud, client):
    def down(request):
        raise httpx.ConnectError("refused", request=request)

    cloud.answer("get_projects", body={"result": False, "message": "Unauthorized"}, status=401)
    cloud.responses["check_session"] = down
    with pytest.raises(ApiError) as info:
        await client.get_projects()
    assert not isinstance(info.value, AuthError)


async def test_refusals_arriving_together_share_one_session_check(cloud, client):
    cloud.answer("get_printer_jobs", body={"result": False, "message": "Unauthorized"}, status=401)
    cloud.answer("check_session", body={"result": False, "message": "Unauthorized"}, status=401)
    results = await asyncio.gather(*(client.get_printer_jobs(n) for n in range(5)), return_exceptions=True)
    assert all(isinstance(result, AuthError) for result in results)
    assert paths(cloud).count("check_session") == 1


@pytest.mark.parametrize("status", [200, 400, 401, 403, 419])
@pytest.mark.parametrize("message", ["Not authorized", "Unauthorized", "Please login", "Session expired", "Nope", None])
async def test_check_session_is_a_bool_for_any_refusal(cloud, client, status, message):
    cloud.answer("check_session", body={"result": False, "message": message}, status=status)
    assert await client.check_session() is False


async def test_check_session_true_and_no_session(cloud, client):
    cloud.answer("check_session", "Session is valid")
    assert await client.check_session() is True
    client.session = None
    assert await client.check_session() is False
    assert paths(cloud) == ["check_session"]


async def test_check_session_without_an_answer_raises(cloud, client):
    cloud.answer("check_session", body={"result": False, "message": "maintenance"}, status=503)
    with pytest.raises(TransportError):
        await client.check_session()


async def test_login_refusal_stays_auth_error_and_is_not_checked(cloud, client):
    cloud.answer("login", body={"result": False, "message": "Wrong username or password"}, status=401)
    with pytest.raises(AuthError):
        await client.login("a@b.c", "pw")
    assert paths(cloud) == ["login"]


async def test_logout_of_an_ended_session_is_quiet_and_drops_it(cloud, client):
    cloud.answer("logout", body={"result": False, "message": "Invalid session"}, status=401)
    await client.loginout()
    assert client.session is None
    assert paths(cloud) == ["logout"]


async def test_secrets_scrubbed_from_checked_refusals(cloud, client, caplog):
    caplog.set_level(logging.DEBUG)
    cloud.answer("get_projects", body={"result": False, "message": f"session {SESSION} expired"}, status=401)
    cloud.answer("check_session", body={"result": False, "message": f"bad {SESSION}"}, status=401)
    with pytest.raises(AuthError) as info:
        await client.get_projects()
    assert SESSION not in str(info.value) and SESSION not in caplog.text


# --- unknown is not failed ---------------------------------------------------------------------


async def test_200_that_is_not_json_is_outcome_unknown(cloud, client):
    cloud.responses["job_pause"] = httpx.Response(200, text="<html>ok</html>", headers={"content-type": "text/html"})
    with pytest.raises(OutcomeUnknown) as info:
        await client.job_pause(7)
    assert info.value.outcome_unknown is True and isinstance(info.value, TransportError)


@pytest.mark.parametrize("error", [httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout, httpx.WriteError])
async def test_connection_lost_after_sending_is_outcome_unknown(cloud, client, error):
    def drop(request):
        raise error("connection dropped", request=request)

    cloud.responses["job_cancel"] = drop
    with pytest.raises(OutcomeUnknown):
        await client.job_cancel(7)


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
async def test_request_never_sent_is_a_plain_failure(cloud, client, error):
    def refuse(request):
        raise error("refused", request=request)

    cloud.responses["job_cancel"] = refuse
    with pytest.raises(TransportError) as info:
        await client.job_cancel(7)
    assert not info.value.outcome_unknown


async def test_error_page_from_a_proxy_is_a_failure_not_unknown(cloud, client):
    cloud.responses["job_pause"] = httpx.Response(
        502, text="<h1>Bad Gateway</h1>", headers={"content-type": "text/html"}
    )
    with pytest.raises(TransportError) as info:
        await client.job_pause(7)
    assert not info.value.outcome_unknown
