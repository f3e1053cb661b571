"""The models take whatever the cloud sends and hand on exact types, or fail clearly."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api import models as m

NASTY_NAMES = [
    "[bold]x[/]",
    "[/]",
    "[@click=app.quit]x[/]",
    "\x1b]0;pwned\x07name",
    "Ω≈ç√ 打印机 🖨",
    "",
    " ",
    "a" * 5000,
    "\x9b31m red",
]


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_ids_as_strings_or_ints_become_ints(value):
    assert m.Project.model_validate({"id": str(value)}).id == value
    assert m.Project.model_validate({"id": value}).id == value


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_percent_any_float_or_string_is_finite_or_none(value):
    for raw in (value, str(value)):
        printer = m.Printer.model_validate({"id": 1, "percent": raw})
        assert printer.percent is None or math.isfinite(printer.percent)
        assert 0.0 <= printer.progress <= 100.0


@given(st.text())
def test_names_never_carry_control_characters(text):
    printer = m.Printer.model_validate({"id": 1, "name": text, "state": text})
    assert not any((ord(ch) < 32 and ch not in "\t\n") or 0x7F <= ord(ch) <= 0x9F for ch in printer.name)
    assert isinstance(printer.state_kind, m.PrinterState)


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_markup_in_names_is_kept_as_text(name):
    printer = m.Printer.model_validate({"id": "1", "name": name})
    assert "\x1b" not in printer.name and "\x9b" not in printer.name
    if name.startswith("["):
        assert printer.name == name


@pytest.mark.parametrize(
    ("raw", "expected"), [("t", True), ("f", False), ("true", True), ("0", False), (1, True), ("", False)]
)
def test_flags(raw, expected):
    assert m.JobInfo.model_validate({"id": 1, "status_id": 77, "raft": raw}).raft is expected


@pytest.mark.parametrize("raw", [None, "", "null", "0000-00-00 00:00:00", "garbage"])
def test_bad_datetimes_become_none(raw):
    assert m.Job.model_validate({"id": 1, "status_id": 11, "datetime": raw}).datetime is None


def test_unknown_status_and_state_do_not_fail():
    job = m.Job.model_validate({"id": "1", "status_id": "99"})
    assert job.status is m.JobStatus.UNKNOWN
    printer = m.Printer.model_validate({"id": 1, "state": "melting"})
    assert printer.state == "melting" and printer.state_kind is m.PrinterState.UNKNOWN


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("offline", m.PrinterState.OFFLINE),
        ("notconnected", m.PrinterState.OFFLINE),
        ("Virtual", m.PrinterState.VIRTUAL),
        ("bed_not_clear", m.PrinterState.BED_NOT_CLEAR),
    ],
)
def test_printer_state_spellings(raw, kind):
    assert m.PrinterState.parse(raw) is kind


def test_extra_keys_are_kept_and_nulls_stay_none():
    printer = m.Printer.model_validate({"id": 1, "temps": None, "target_temps": None, "future_key": {"a": 1}})
    assert printer.temps is None and printer.tool_temp() is None
    assert printer.model_extra == {"future_key": {"a": 1}}


def test_temps_with_junk_entries():
    printer = m.Printer.model_validate(
        {"id": 1, "temps": ["60.5", "", None, "abc", 1e308 * 10], "target_temps": "[0, 215]"}
    )
    assert printer.temps == (60.5, None, None, None, None)
    assert printer.tool_target() == 215


def test_json_in_string_that_is_not_json():
    info = m.JobInfo.model_validate({"id": 1, "status_id": 21, "extruders": "{not json"})
    assert info.extruders == []


@settings(max_examples=50)
@given(
    st.dictionaries(
        st.sampled_from(["id", "status_id", "weight", "raft", "extruders", "datetime", "cost", "filename"]),
        st.one_of(st.none(), st.text(max_size=20), st.integers(), st.floats(), st.booleans()),
    )
)
def test_job_info_either_validates_or_raises_validation_error(data):
    from pydantic import ValidationError

    try:
        info = m.JobInfo.model_validate(data)
    except ValidationError:
        return
    assert isinstance(info.id, int) and isinstance(info.status, m.JobStatus)
    assert info.weight is None or math.isfinite(info.weight)


LOOSE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["12", " 12 ", "12.0", "12.5", "1e3", "t", "f", "yes", "", "null", "1,5", "nan", "[1, 2]"]),
    st.lists(st.one_of(st.integers(-5, 500), st.floats(allow_nan=False), st.text(max_size=4)), max_size=3),
)


@settings(max_examples=300)
@given(
    field=st.sampled_from(
        [
            (m.Printer, "id"),
            (m.Printer, "percent"),
            (m.Printer, "name"),
            (m.Printer, "snr"),
            (m.Printer, "temps"),
            (m.Printer, "workgroups"),
            (m.JobInfo, "raft"),
            (m.JobInfo, "print_time"),
            (m.JobInfo, "notes"),
        ]
    ),
    value=LOOSE_VALUES,
)
def test_native_and_python_routes_give_the_same_values(field, value):
    """A value the native check accepts must be one the Python converter leaves as it is."""
    from pydantic import ValidationError

    model, name = field
    base = {"id": 1, "status_id": 21}
    convert = model._lenient[name]
    try:
        native = model.model_validate({**base, name: value})
    except ValidationError:
        return
    try:
        converted = model.model_validate({**base, name: convert(value)})
    except ValidationError:
        converted = None
    assert converted is not None and getattr(native, name) == getattr(converted, name), (value, convert(value))
