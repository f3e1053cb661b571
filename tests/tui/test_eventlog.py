"""The event log file: appended as things happen, read back at start, rotated, never fatal."""

import json
import os
from datetime import UTC, datetime, timedelta

from tui.eventlog import LOG_NAME, EventLog
from tui.events import Event, EventKind, PrinterSeen

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def event(n: int, kind=EventKind.FAILED, **fields) -> Event:
    return Event(time=T0 + timedelta(seconds=n), printer_id=n % 5, printer_name=f"P-{n % 5}", kind=kind, **fields)


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_record_is_one_json_line_written_at_once(tmp_path):
    log = EventLog.in_directory(tmp_path)
    first = event(1, job_id=12, filename="cube.gcode", detail="Thermal runaway")
    log.record([first])
    # on disk before anything else happens: a crash now loses nothing
    (line,) = lines(tmp_path / LOG_NAME)
    assert line["record"] == "event"
    assert line["event"]["kind"] == "failed" and line["event"]["job_id"] == 12
    assert line["event"]["printer_name"] == "P-1" and line["event"]["detail"] == "Thermal runaway"
    log.note_seen({1: PrinterSeen(state="error", name="P-1")}, T0)
    log.acknowledge([first.id], T0, who="tech")
    assert [line["record"] for line in lines(tmp_path / LOG_NAME)] == ["event", "seen", "ack"]
    assert oct((tmp_path / LOG_NAME).stat().st_mode & 0o777) == "0o600"


def test_read_back_at_start_keeps_events_acks_and_seen_states(tmp_path):
    log = EventLog.in_directory(tmp_path)
    events = [event(n) for n in range(4)]
    log.record(events)
    log.record([events[2].model_copy(update={"count": 3})])  # a folded flap: same id, written again
    log.acknowledge([events[0].id], T0)
    log.note_seen({7: PrinterSeen(state="printing", name="P-7", job_id=9, filename="a.gcode")}, T0)

    again = EventLog.in_directory(tmp_path).load()
    assert [e.id for e in again.newest_first()] == [e.id for e in reversed(events)]
    assert again.events[events[2].id].count == 3
    assert [e.id for e in again.unacknowledged()] == [e.id for e in events[1:]]
    assert again.seen[7].job_id == 9 and again.skipped == 0


def test_bad_lines_are_skipped_not_fatal(tmp_path):
    log = EventLog.in_directory(tmp_path)
    good = event(1)
    log.record([good])
    with (tmp_path / LOG_NAME).open("a") as handle:
        handle.write('{"record": "event", "event": {"kind": "nonsense"}}\nnot json at all\n\n{"record": "ev')
    again = EventLog.in_directory(tmp_path).load()
    assert list(again.events) == [good.id] and again.skipped == 3
    # a torn last line does not swallow the next record
    later = event(2)
    again.record([later])
    assert set(EventLog.in_directory(tmp_path).load().events) == {good.id, later.id}


def test_rotation_at_a_size_keeps_a_few_files_and_what_a_start_needs(tmp_path):
    log = EventLog.in_directory(tmp_path, max_bytes=4000, keep=2, is_alert=lambda e: e.kind is EventKind.OFFLINE)
    log.note_seen({1: PrinterSeen(state="error", name="P-1")}, T0)
    waiting = event(0, kind=EventKind.OFFLINE)
    log.record([waiting])
    for n in range(1, 80):
        log.record([event(n, kind=EventKind.JOB_STARTED)])
        log.acknowledge([], T0)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [LOG_NAME, f"{LOG_NAME}.1", f"{LOG_NAME}.2"]
    assert all(p.stat().st_size <= 4000 for p in tmp_path.iterdir())
    again = EventLog.in_directory(tmp_path).load()
    # the unacknowledged alert and the last seen states came along into the new file
    assert waiting.id in again.events and waiting in again.unacknowledged()
    assert again.seen[1].state == "error"
    assert again.skipped == 0


def test_rotation_carries_only_what_fits(tmp_path):
    log = EventLog.in_directory(tmp_path, max_bytes=3000, keep=1)
    for n in range(60):
        log.record([event(n)])  # all alerts, none acknowledged
    assert (tmp_path / f"{LOG_NAME}.1").exists()
    assert all(p.stat().st_size <= 3000 for p in tmp_path.iterdir())
    again = EventLog.in_directory(tmp_path).load()
    assert event(59).printer_name in {e.printer_name for e in again.events.values()}
    assert max(e.time for e in again.events.values()) == T0 + timedelta(seconds=59)


def test_a_log_that_cannot_be_written_says_so_and_keeps_going(tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the state directory should be")
    log = EventLog.in_directory(blocked)
    log.record([event(1)])
    assert log.problem and "cannot write" in log.problem
    assert len(log.events) == 1  # kept in memory


def test_memory_holds_the_newest(tmp_path):
    log = EventLog(tmp_path / LOG_NAME, in_memory=10)
    log.record([event(n) for n in range(25)])
    assert len(log.events) == 10 and min(e.time for e in log.events.values()) == T0 + timedelta(seconds=15)
    assert len(EventLog(tmp_path / LOG_NAME, in_memory=10).load().events) == 10


def test_acknowledgements_are_kept_only_for_events_kept(tmp_path):
    """The set of acknowledged ids grew for as long as farmdash ran (a technician acknowledging
    alerts all day); an id whose event has left memory has nothing left to answer."""
    events = [event(n) for n in range(5)]
    log = EventLog(tmp_path / LOG_NAME, in_memory=3)
    log.record(events[:3])
    assert log.acknowledge([e.id for e in events[:3]], T0) == [e.id for e in events[:3]]
    log.record(events[3:])
    assert log.acked == {events[2].id}
    again = EventLog(tmp_path / LOG_NAME, in_memory=3).load()
    assert again.acked == {events[2].id}
    assert [e.id for e in again.unacknowledged()] == [events[3].id, events[4].id]


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / LOG_NAME).mkdir()
    log = EventLog.in_directory(tmp_path).load()
    assert log.problem and log.events == {}
    assert os.path.isdir(tmp_path / LOG_NAME)
