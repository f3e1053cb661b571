"""Failure paths: every way the cloud can say no or fail to answer becomes one of three exceptions."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest

from api import ApiError, AuthError, PrinterOSClient, TransportError

from .conftest import SESSION


async def test_result_false_with_non_200_is_api_error(cloud, client):
    cloud.answer("job_pause", body={"result": False, "message": "Job is not printing"}, status=409)
    with pytest.raises(ApiError, match="Job is not printing") as info:
        await client.job_pause(1)
    assert not isinstance(info.value, AuthError)
    assert info.value.status == 409 and info.value.call == "job_pause"


async def test_result_false_with_200_is_still_an_error(cloud, client):
    cloud.answer("job_cancel", body={"result": False, "message": "Job already finished"}, status=200)
    with pytest.raises(ApiError, match="already finished"):
        await client.job_cancel(1)


async def test_success_false_envelope_is_an_error(cloud, client):
    cloud.answer("get_slicer_settings_for_gcode", body={"success": False, "message": "File not found"}, status=404)
    with pytest.raises(ApiError, match="File not found"):
        await client.get_slicer_settings_for_gcode(1)


async def test_html_502_page_is_transport_error(cloud, client):
    cloud.responses["get_projects"] = httpx.Response(
        502, text="<html><h1>502 Bad Gateway</h1></html>", headers={"content-type": "text/html"}
    )
    with pytest.raises(TransportError, match=r"HTML page .HTTP 502"):
        await client.get_projects()


async def test_truncated_json_is_transport_error(cloud, client):
    cloud.responses["get_projects"] = httpx.Response(
        200, text='{"result": true, "message": [{"id"', headers={"content-type": "application/json"}
    )
    with pytest.raises(TransportError, match="not JSON"):
        await client.get_projects()


async def test_timeout_is_transport_error(cloud, client):
    def slow(request):
        raise httpx.ReadTimeout("timed out", request=request)

    cloud.responses["get_projects"] = slow
    with pytest.raises(TransportError, match="did not answer in time"):
        await client.get_projects()


async def test_refused_connection_is_transport_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with PrinterOSClient(f"http://127.0.0.1:{port}", session=SESSION) as client:
        with pytest.raises(TransportError, match="cannot connect"):
            await client.get_projects()


@pytest.mark.parametrize("status", [401, 403])
async def test_rejected_session_is_auth_error(cloud, client, status):
    cloud.answer("get_projects", body={"result": False, "message": "Not authorized"}, status=status)
    with pytest.raises(AuthError):
        await client.get_projects()


async def test_session_message_with_400_is_auth_error(cloud, client):
    cloud.answer("get_projects", body={"result": False, "message": "Invalid session"}, status=400)
    with pytest.raises(AuthError):
        await client.get_projects()


async def test_wrong_password_is_auth_error_and_leaks_nothing(cloud, caplog):
    caplog.set_level(logging.DEBUG)
    cloud.answer("login", body={"result": False, "message": "Wrong password hunter2 for admin"}, status=400)
    async with PrinterOSClient("https://x.example", transport=httpx.MockTransport(cloud.handler)) as client:
        with pytest.raises(AuthError) as info:
            await client.login("admin", "hunter2")
    assert "hunter2" not in str(info.value)
    assert "hunter2" not in caplog.text
    assert client.session is None


async def test_session_never_in_repr_errors_or_logs(cloud, client, caplog):
    caplog.set_level(logging.DEBUG)
    cloud.answer("get_projects", body={"result": False, "message": f"bad session {SESSION}"}, status=401)
    with pytest.raises(AuthError) as info:
        await client.get_projects()
    assert SESSION not in str(info.value) and SESSION not in repr(client)
    assert SESSION not in caplog.text


async def test_call_without_session_raises_before_sending(cloud):
    async with PrinterOSClient("https://x.example", transport=httpx.MockTransport(cloud.handler)) as client:
        with pytest.raises(AuthError, match="not logged in"):
            await client.get_projects()
    assert cloud.requests == []


async def test_unreadable_model_is_api_error_not_validation_error(cloud, client):
    cloud.answer("get_job_info", {"id": "not-a-number", "status_id": "11"})
    with pytest.raises(ApiError, match="cannot read"):
        await client.get_job_info(1)


async def test_body_without_envelope_is_transport_error(cloud, client):
    cloud.responses["get_projects"] = httpx.Response(200, json=[1, 2, 3])
    with pytest.raises(TransportError):
        await client.get_projects()
