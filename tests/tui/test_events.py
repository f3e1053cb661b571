"""The event detector, driven with real `api.Printer` models poll by poll."""

from datetime import UTC, datetime, timedelta

import pytest

from api import JobStatus, Printer
from tui.events import DetectorSettings, EventDetector, EventKind, PrinterSeen, action_event, ended_as, one_line

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def printer(pid=1, state="printing", percent=40.0, temps=(60, 210), targets=(60, 210), name=None, **extra):
    return Printer.model_validate(
        {
            "id": pid,
            "name": name or f"P-{pid}",
            "type": "Prusa i3 MK4",
            "state": state,
            "percent": percent,
            "temps": list(temps) if temps is not None else None,
            "target_temps": list(targets) if targets is not None else None,
            **extra,
        }
    )


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def kinds(events):
    return [event.kind for event in events]


def test_first_poll_reports_nothing_already_there():
    detector = EventDetector()
    farm = [printer(1, "error"), printer(2, "bed_not_clear", 100), printer(3, "notconnected"), printer(4, "paused")]
    assert detector.observe(farm, T0) == []
    assert detector.observe(farm, at(3)) == []


@pytest.mark.parametrize(
    ("before", "after", "percent", "expected"),
    [
        ("ready", "downloading", 0, [EventKind.JOB_STARTED]),
        ("downloading", "printing", 0, []),
        ("printing", "bed_not_clear", 100, [EventKind.FINISHED]),
        ("printing", "bed_not_clear", 37, [EventKind.CANCELLED]),
        ("printing", "ready", 100, [EventKind.FINISHED]),
        ("printing", "error", 37, [EventKind.FAILED]),
        ("printing", "paused", 37, [EventKind.PAUSED]),
        ("paused", "printing", 37, [EventKind.RESUMED]),
        ("paused", "bed_not_clear", 37, [EventKind.CANCELLED]),
        ("bed_not_clear", "ready", 0, [EventKind.TRAY_CLEARED]),
        ("error", "ready", 0, [EventKind.TRAY_CLEARED]),
        ("bed_not_clear", "downloading", 0, [EventKind.TRAY_CLEARED, EventKind.JOB_STARTED]),
        ("printing", "notconnected", 37, [EventKind.OFFLINE]),
        ("ready", "connecting", 0, []),
    ],
)
def test_each_transition(before, after, percent, expected):
    detector = EventDetector()
    detector.observe([printer(1, before, percent)], T0)
    events = detector.observe([printer(1, after, percent)], at(3))
    assert kinds(events) == expected
    for event in events:
        assert event.printer_id == 1 and event.printer_name == "P-1" and event.time == at(3)
        assert event.state == after and not event.while_away and event.count == 1


def test_back_online_says_what_happened_while_offline():
    detector = EventDetector()
    detector.observe([printer(1, "printing", 90)], T0)
    detector.note_job(1, 77, "bracket.gcode")
    assert kinds(detector.observe([printer(1, "notconnected", 0)], at(3))) == [EventKind.OFFLINE]
    events = detector.observe([printer(1, "bed_not_clear", 100)], at(600))
    assert kinds(events) == [EventKind.ONLINE, EventKind.FINISHED]
    finished = events[1]
    assert finished.detail == "while offline" and finished.job_id == 77 and finished.filename == "bracket.gcode"


def test_job_and_file_follow_the_look_up_and_complete_the_start_event():
    detector = EventDetector()
    detector.observe([printer(1, "ready", 0)], T0)
    (started,) = detector.observe([printer(1, "downloading", 0)], at(3))
    assert started.job_id is None
    completed = detector.note_job(1, 501, "gear.gcode")
    assert completed is not None and completed.id == started.id
    assert (completed.job_id, completed.filename) == (501, "gear.gcode")
    assert detector.note_job(1, 501, "gear.gcode") is None  # told once
    (failed,) = detector.observe([printer(1, "error", 50, error_message="Thermal runaway\non nozzle")], at(60))
    assert failed.kind is EventKind.FAILED
    assert (failed.job_id, failed.filename) == (501, "gear.gcode")
    assert failed.detail == "Thermal runaway on nozzle"  # the cloud's reason, on one line
    # once the printer is idle the job is forgotten: the tray clear names none
    (cleared,) = detector.observe([printer(1, "ready", 0)], at(120))
    assert cleared.kind is EventKind.TRAY_CLEARED and cleared.job_id is None


def test_job_outcome_corrects_the_end_event():
    detector = EventDetector()
    detector.observe([printer(1, "printing", 99)], T0)
    (ended,) = detector.observe([printer(1, "bed_not_clear", 99)], at(3))
    assert ended.kind is EventKind.CANCELLED and ended.job_id is None  # never looked up
    corrected = ended_as(ended, 9, JobStatus.FAILED, at(4), reason="Filament\nrunout", filename="a.gcode")
    assert corrected.id == ended.id and corrected.updated == at(4)
    assert (corrected.kind, corrected.job_id, corrected.filename) == (EventKind.FAILED, 9, "a.gcode")
    assert corrected.detail == "Filament runout"
    detector.adopt(corrected)
    (cleared,) = detector.observe([printer(1, "ready", 0)], at(5))
    assert cleared.kind is EventKind.TRAY_CLEARED
    assert ended_as(ended, 9, JobStatus.FINISHED, at(4)).kind is EventKind.FINISHED


def test_stall_after_the_configured_time_once_then_again_after_progress():
    detector = EventDetector(DetectorSettings(stall_seconds=600))
    detector.observe([printer(1, "printing", 40)], T0)
    assert detector.observe([printer(1, "printing", 40)], at(599)) == []
    (stalled,) = detector.observe([printer(1, "printing", 40)], at(601))
    assert stalled.kind is EventKind.STALLED and "40% unchanged for 10 min" in stalled.detail
    assert detector.observe([printer(1, "printing", 40)], at(1300)) == []  # told once
    assert detector.observe([printer(1, "printing", 41)], at(1303)) == []
    assert detector.observe([printer(1, "printing", 41)], at(1303 + 599)) == []
    assert kinds(detector.observe([printer(1, "printing", 41)], at(1303 + 600))) == [EventKind.STALLED]


def test_a_stall_is_told_in_whole_minutes_like_the_cards():
    detector = EventDetector(DetectorSettings(stall_seconds=600))
    detector.observe([printer(1, "printing", 40)], T0)
    (stalled,) = detector.observe([printer(1, "printing", 40)], at(659))  # 10 min 59 s: not rounded up to 11
    assert stalled.detail.endswith("unchanged for 10 min")


def test_paused_is_not_stalled():
    detector = EventDetector(DetectorSettings(stall_seconds=60))
    detector.observe([printer(1, "paused", 40)], T0)
    assert detector.observe([printer(1, "paused", 40)], at(3600)) == []


def test_temperature_off_target_for_over_a_minute():
    detector = EventDetector(DetectorSettings(temperature_tolerance=15, temperature_seconds=60))
    detector.observe([printer(1, "printing", 10, temps=(60, 210))], T0)
    assert detector.observe([printer(1, "printing", 11, temps=(60, 190))], at(10)) == []  # 20° off, just now
    assert detector.observe([printer(1, "printing", 12, temps=(60, 190))], at(69)) == []
    (hot,) = detector.observe([printer(1, "printing", 13, temps=(60, 190))], at(71))
    assert hot.kind is EventKind.TEMPERATURE and hot.detail == "nozzle 190° (target 210°)"
    assert detector.observe([printer(1, "printing", 14, temps=(60, 190))], at(200)) == []  # told once
    # back within 15°, then off again: a new event after another minute
    assert detector.observe([printer(1, "printing", 15, temps=(60, 200))], at(210)) == []
    detector.observe([printer(1, "printing", 16, temps=(30, 200))], at(220))
    (bed,) = detector.observe([printer(1, "printing", 17, temps=(30, 200))], at(281))
    assert bed.detail == "bed 30° (target 60°)"


def test_temperature_within_tolerance_or_zero_target_is_quiet():
    detector = EventDetector(DetectorSettings(temperature_tolerance=15, temperature_seconds=60))
    detector.observe([printer(1, "printing", 10, temps=(22, 196), targets=(0, 210))], T0)
    for second in range(10, 400, 30):
        assert detector.observe([printer(1, "printing", second, temps=(22, 196), targets=(0, 210))], at(second)) == []


def test_a_heater_warming_up_is_not_off_target():
    settings = DetectorSettings(temperature_seconds=60, heatup_seconds=600)
    detector = EventDetector(settings)
    detector.observe([printer(1, "ready", 0, temps=(22, 22), targets=(0, 0))], T0)
    detector.observe([printer(1, "printing", 0, temps=(25, 40), targets=(60, 210))], at(3))
    for second in range(30, 600, 30):
        assert detector.observe([printer(1, "printing", 0, temps=(40, 150), targets=(60, 210))], at(second)) == []
    # never got there within the allowance: that is off target too
    detector.observe([printer(1, "printing", 0, temps=(40, 150), targets=(60, 210))], at(610))
    events = detector.observe([printer(1, "printing", 0, temps=(40, 150), targets=(60, 210))], at(680))
    assert kinds(events) == [EventKind.TEMPERATURE, EventKind.TEMPERATURE]


def test_flapping_within_a_minute_is_one_event_with_a_count():
    detector = EventDetector(DetectorSettings(flap_seconds=60))
    detector.observe([printer(1, "printing", 40)], T0)
    (offline,) = detector.observe([printer(1, "notconnected")], at(10))
    (again,) = detector.observe([printer(1, "printing", 40)], at(20))
    assert again.id == offline.id and again.count == 2 and again.kind is EventKind.OFFLINE
    (third,) = detector.observe([printer(1, "notconnected")], at(40))
    assert third.id == offline.id and third.count == 3
    assert "×3 within a minute, now offline" in third.what
    # quiet for over a minute: the next change is news again
    (back,) = detector.observe([printer(1, "printing", 40)], at(200))
    assert back.id != offline.id and back.kind is EventKind.ONLINE and back.count == 1


def test_what_is_kept_of_each_printer_and_event_shares_its_field_names_and_state_pairs():
    """The event log and the per-printer tracks hold thousands of these: a set or frozenset of their
    own was ~200 bytes each, and one more object for every garbage collection to walk."""
    detector = EventDetector(DetectorSettings(flap_seconds=60))
    detector.observe([printer(n, "printing", 40) for n in (1, 2)], T0)
    one, two = detector.observe([printer(n, "notconnected") for n in (1, 2)], at(10))
    assert one.model_fields_set is two.model_fields_set
    seen = detector.seen
    assert seen[1].model_fields_set is seen[2].model_fields_set
    assert detector._tracks[1].last_pair is detector._tracks[2].last_pair == {"printing", "notconnected"}
    folded, _ = detector.observe([printer(n, "printing", 40) for n in (1, 2)], at(20))
    assert folded.count == 2 and "count" in folded.model_fields_set and "count" not in two.model_fields_set


def test_a_pause_and_resume_a_person_sent_are_two_events_not_a_flap():
    """It read "paused (×2 within a minute, now printing)" after one pause and one resume."""
    detector = EventDetector(DetectorSettings(flap_seconds=60))
    detector.observe([printer(1, "printing", 40)], T0)
    detector.note_action(1, "pause", "tech@lab.org", at(1))
    (paused,) = detector.observe([printer(1, "paused", 40)], at(3))
    detector.note_action(1, "resume", "tech@lab.org", at(5))
    (resumed,) = detector.observe([printer(1, "printing", 40)], at(8))
    assert (paused.kind, resumed.kind) == (EventKind.PAUSED, EventKind.RESUMED)
    assert resumed.id != paused.id and resumed.count == 1 and resumed.who == "tech@lab.org"
    assert resumed.what == "resumed"


def test_actions_sent_by_farmdash_are_put_down_to_the_user():
    detector = EventDetector()
    detector.observe([printer(1, "printing", 40), printer(2, "printing", 40)], T0)
    detector.note_action(1, "pause", "tech@lab.org", at(1))
    events = detector.observe([printer(1, "paused", 40), printer(2, "paused", 40)], at(3))
    assert [(e.printer_id, e.who) for e in events] == [(1, "tech@lab.org"), (2, "")]
    # an old expectation does not explain a much later change
    detector.note_action(1, "resume", "tech@lab.org", at(4))
    (resumed,) = detector.observe([printer(1, "printing", 40), printer(2, "paused", 40)], at(600))
    assert resumed.who == ""


def test_restart_reports_what_changed_while_away():
    seen = {
        1: PrinterSeen(state="printing", name="P-1", job_id=7, filename="cube.gcode"),
        2: PrinterSeen(state="ready", name="P-2"),
        3: PrinterSeen(state="bed_not_clear", name="P-3"),
    }
    detector = EventDetector()
    detector.seed(seen)
    farm = [printer(1, "bed_not_clear", 100), printer(2, "ready", 0), printer(3, "bed_not_clear", 100), printer(4)]
    events = detector.observe(farm, T0)
    assert [(e.printer_id, e.kind, e.while_away) for e in events] == [(1, EventKind.FINISHED, True)]
    assert events[0].job_id == 7 and events[0].filename == "cube.gcode"
    assert "while farmdash was not running" in events[0].what
    # what was seen is kept for the log: every printer on the first poll, then only changes
    changes = detector.pop_seen_changes()
    assert set(changes) == {1, 4} and changes[1].state == "bed_not_clear" and changes[1].job_id is None
    detector.observe(farm, at(3))
    assert detector.pop_seen_changes() == {}


def test_a_fresh_start_records_every_printer_seen():
    detector = EventDetector()
    detector.observe([printer(1), printer(2, "ready")], T0)
    assert set(detector.pop_seen_changes()) == {1, 2}


def test_cloud_text_in_events_is_one_line():
    assert one_line("a\tb\nc\x1b[31m\u202eevil") == "a b c[31mevil"
    event = action_event(T0, 1, "P-1", "cancel: refused: Job\nis done", who="tech")
    assert event.detail == "cancel: refused: Job is done" and event.kind is EventKind.ACTION
    assert event.what == "cancel: refused: Job is done"


def test_names_and_files_from_the_cloud_are_one_line():
    detector = EventDetector()
    detector.observe([printer(1, "ready", 0, name="Line\nTwo\u202e")], T0)
    (started,) = detector.observe([printer(1, "downloading", 0, name="Line\nTwo\u202e")], at(3))
    assert started.printer_name == "Line Two"
    completed = detector.note_job(1, 5, "a\tb\r\n.gcode")
    assert completed is not None and completed.filename == "a b .gcode"  # CRLF is one break, as on the card


def test_an_event_round_trips_through_its_json():
    detector = EventDetector()
    detector.observe([printer(1, "printing", 40)], T0)
    (event,) = detector.observe([printer(1, "error", 40)], at(3))
    assert type(event).model_validate_json(event.model_dump_json()) == event


def test_events_alerts_and_log_need_no_textual():
    import subprocess
    import sys

    code = (
        "import sys, tui.events, tui.eventlog, tui.alerts, tui.event_hub;"
        "assert 'textual' not in sys.modules, 'textual imported'; assert 'apprise' not in sys.modules; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
