"""Cloud text is data and one line: breaks and tabs become spaces; bidi and zero-width characters go."""

from __future__ import annotations

import pytest

from api import ApiError, multi_line, one_line
from api import models as m

INVISIBLE = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C]
ZERO_WIDTH = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]


@pytest.mark.parametrize("code", INVISIBLE + ZERO_WIDTH)
def test_bidi_and_zero_width_characters_are_removed(code):
    name = f"Bay{chr(code)}7"
    assert one_line(name) == "Bay7" and multi_line(name) == "Bay7"
    assert m.Printer.model_validate({"id": 1, "name": name}).name == "Bay7"


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\t", "\v", "\f", "\u2028", "\u2029", "\x85"])
def test_breaks_and_tabs_are_one_space_in_one_line_fields(brk):
    assert one_line(f"line1{brk}line2") == "line1 line2"
    printer = m.Printer.model_validate({"id": 1, "name": f"a{brk}b", "type": f"t{brk}t", "state": f"re{brk}ady"})
    assert (printer.name, printer.type, printer.state) == ("a b", "t t", "re ady")
    job = m.Job.model_validate({"id": 1, "status_id": 11, "filename": f"a{brk}b.gcode", "email": f"u{brk}@x"})
    assert job.filename == "a b.gcode" and job.email == "u @x"


def test_notes_keep_newlines_and_nothing_else():
    info = m.JobInfo.model_validate({"id": 1, "status_id": 77, "notes": "first\r\nsecond\tcol\u202e\x1b[2J\rthird"})
    assert info.notes == "first\nsecond col[2J\nthird"


def test_slicer_settings_keys_are_one_line_values_may_span_lines():
    settings = m.SlicerSettings.model_validate({"start\ngcode": "G28\r\nG1\tX0"})
    assert settings.as_pairs() == [("start gcode", "G28\nG1 X0")]


async def test_cloud_messages_in_errors_are_one_line(cloud, client):
    cloud.answer("job_pause", body={"result": False, "message": "Cannot\npause\u202e:\tbusy"}, status=409)
    with pytest.raises(ApiError) as info:
        await client.job_pause(1)
    assert info.value.message == "Cannot pause: busy"


async def test_report_cells_and_action_answers_are_one_line(cloud, client):
    cloud.answer("get_custom_report", [["File\nName"], ["a\tb.gcode"]])
    report = await client.get_custom_report(type="json")
    assert report.header == ["File Name"] and report.rows == [["a b.gcode"]]
    cloud.answer("job_cancel", "Cancelled\n\u200bok")
    assert await client.job_cancel(1) == "Cancelled ok"
