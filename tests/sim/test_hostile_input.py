"""The simulated cloud as a server facing hostile input (issue 9): every bad request is a 400/413
with a reason, never a 500 or a traceback, and the farm stays usable after it."""

from __future__ import annotations

import httpx
import pytest

from api.sim import DEMO_PASSWORD, DEMO_USERNAME


@pytest.fixture
async def raw(sim_server, lab):
    async with httpx.AsyncClient(base_url=sim_server.base_url, timeout=10) as client:
        yield client


async def session_of(raw) -> str:
    answer = await raw.post("/apiglobal/login", data={"username": DEMO_USERNAME, "password": DEMO_PASSWORD})
    return answer.json()["message"]["session"]


async def assert_farm_usable(raw) -> None:
    session = await session_of(raw)
    answer = await raw.post("/apiglobal/get_organization_printers_list", data={"session": session})
    assert answer.status_code == 200 and len(answer.json()["message"]) == 3
    assert (await raw.get("/sim/clock")).status_code == 200
    assert (await raw.get("/sim/faults")).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        '{"speed": "nan"}',
        '{"speed": NaN}',
        '{"speed": Infinity}',
        '{"speed": -1}',
        '{"speed": [1]}',
        '{"advance": 1e12}',
        '{"advance": "inf"}',
        '{"advance": -60}',
        '{"advance": true}',
        '{"freeze": "yes"}',
        '{"warp": 1}',
        "[1, 2]",
        "not json",
    ],
)
async def test_clock_refuses_bad_input_and_the_farm_stays_usable(raw, lab, body):
    before = lab.now()
    answer = await raw.post("/sim/clock", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["ok"] is False and answer.json()["error"]
    assert lab.now() == before and lab.clock.speed == 1.0
    await assert_farm_usable(raw)


@pytest.mark.parametrize(
    "body",
    [
        '{"error_500_rate": NaN}',
        '{"error_500_rate": "nan"}',
        '{"latency_ms": Infinity}',
        '{"drop_rate": 2}',
        '{"timeout_seconds": 1e12}',
        '{"outage_seconds": "inf"}',
        '{"seed": "x"}',
        '{"latency_ms": {"a": 1}}',
        '{"refuse_sessions": "sometimes"}',
        '{"expire_sessions": "yes"}',
        '{"clear": true, "drop_rate": "nan"}',
    ],
)
async def test_faults_refuse_bad_input_all_or_nothing(raw, sim_server, body):
    sim_server.faults.update({"latency_ms": 1})
    answer = await raw.post("/sim/faults", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]
    state = (await raw.get("/sim/faults")).json()
    assert state["latency_ms"] == 1 and state["drop_rate"] == 0 and state["outage_seconds_left"] == 0
    await assert_farm_usable(raw)


async def test_control_bodies_are_capped(raw):
    big = b'{"latency_ms": 1, "pad": "' + b"x" * (200 * 1024) + b'"}'
    answer = await raw.post("/sim/faults", content=big, headers={"content-type": "application/json"})
    assert answer.status_code == 413 and "64 KB" in answer.json()["error"]

    async def chunks():  # no Content-Length: the cap must hold while reading
        for _ in range(100):
            yield b" " * 4096

    answer = await raw.post("/sim/clock", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413
    await assert_farm_usable(raw)


def assert_failure_envelope(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["result"] is False and body["message"] and "Traceback" not in body["message"]


async def test_multipart_without_a_boundary(raw):
    session = await session_of(raw)
    for call in ("upload", "get_projects"):
        answer = await raw.post(
            f"/apiglobal/{call}",
            content=b"--x\r\nContent-Disposition: form-data; name=session\r\n\r\n"
            + session.encode()
            + b"\r\n--x--\r\n",
            headers={"content-type": "multipart/form-data"},
        )
        assert_failure_envelope(answer, 400)
        assert "boundary" in answer.json()["message"]
    await assert_farm_usable(raw)


async def test_two_file_parts(raw, lab):
    session = await session_of(raw)
    files = [("file", ("a.gcode", b"G28\n")), ("file", ("b.gcode", b"G28\n"))]
    answer = await raw.post("/apiglobal/upload", data={"session": session}, files=files)
    assert_failure_envelope(answer, 400)
    assert len(lab.files) == 1
    await assert_farm_usable(raw)


async def test_a_5000_character_file_name(raw, lab):
    session = await session_of(raw)
    name = "a" * 5000 + ".gcode"
    answer = await raw.post("/apiglobal/upload", data={"session": session}, files={"file": (name, b"G28\n")})
    assert_failure_envelope(answer, 400)
    longer = await raw.post(
        "/apiglobal/upload", data={"session": session}, files={"file": ("c" * 300 + ".g", b"G28\n")}
    )
    assert_failure_envelope(longer, 400)
    assert "255" in longer.json()["message"]
    ok = await raw.post("/apiglobal/upload", data={"session": session}, files={"file": ("b" * 250 + ".g", b"G28\n")})
    assert ok.status_code == 200 and ok.json()["result"] is True
    await assert_farm_usable(raw)


async def test_form_bodies_are_capped(raw):
    session = await session_of(raw)
    answer = await raw.post(
        "/apiglobal/get_projects",
        content=f"session={session}&pad=".encode() + b"x" * (2 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_failure_envelope(answer, 413)
    await assert_farm_usable(raw)


async def test_uploads_over_the_limit_are_refused_before_reading(raw, lab):
    lab.settings.max_upload_bytes = 1024
    session = await session_of(raw)
    answer = await raw.post(
        "/apiglobal/upload", data={"session": session}, files={"file": ("big.gcode", b"G1\n" * 100_000)}
    )
    assert_failure_envelope(answer, 413)
    await assert_farm_usable(raw)


async def test_a_chunked_upload_over_the_limit_is_cut_off_while_read(raw, lab):
    lab.settings.max_upload_bytes = 1024
    session = await session_of(raw)
    boundary = "b0und4ry"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="session"\r\n\r\n{session}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.gcode"\r\n\r\n'
    ).encode()

    async def body():  # no Content-Length: the cap must hold while the parser reads
        yield head
        for _ in range(64):
            yield b"G1 X1\n" * 2000

    answer = await raw.post(
        "/apiglobal/upload", content=body(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert_failure_envelope(answer, 413)
    await assert_farm_usable(raw)
