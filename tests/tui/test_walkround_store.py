"""Issue 11, without a screen: time in state, queue lengths, owners, reasons and the filter words."""

from datetime import UTC, datetime, timedelta

from api import Printer
from tui.formatting import age_label, compact_age, duration, whole_minutes
from tui.store import CurrentJob, FarmStore, QueueSeen, parse_filter
from tui.widgets.printer_table import FILE_MIN, layout

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def printer(pid, name, state, type_="Prusa i3 MK4"):
    return Printer.model_validate(
        {"id": pid, "name": name, "type": type_, "state": state, "percent": 40, "temps": [60, 210],
         "target_temps": [60, 210], "workgroups": [1]}
    )  # fmt: skip


def farm(**states):
    names = {"a": 1, "b": 2, "c": 3, "d": 4}
    base = {"a": "ready", "b": "printing", "c": "bed_not_clear", "d": "paused"} | states
    return [printer(names[name], name, state) for name, state in base.items()]


def test_age_labels():
    assert age_label(NOW - timedelta(minutes=47), NOW) == "47 min"
    assert age_label(NOW - timedelta(minutes=47), NOW, seen=False) == "≥47 min"
    assert age_label(NOW - timedelta(minutes=125), NOW) == "2 h 05"
    assert age_label(NOW - timedelta(hours=21, minutes=3), NOW) == "21 h"
    assert age_label(NOW - timedelta(days=3, hours=1), NOW) == "3 d"
    # Whole minutes, truncated: 47 min 59 s is still `47 min`; the first minute says `0 min`, never blank.
    assert age_label(NOW - timedelta(minutes=47, seconds=59), NOW) == "47 min"
    assert age_label(NOW - timedelta(seconds=59), NOW) == "0 min"
    assert age_label(NOW, NOW) == "0 min" and age_label(NOW, NOW, seen=False) == "≥0 min"
    assert [compact_age(x) for x in ("≥47 min", "2 h 05", "21 h", "3 d", "0 min")] == [
        "≥47m", "2h05", "21h", "3d", "0m",
    ]  # fmt: skip


def test_minutes_are_truncated_everywhere():
    assert [whole_minutes(s) for s in (0, 59.9, 60, 119, 2879.5)] == [0, 0, 1, 1, 47]
    assert duration(47 * 60 + 59) == "47m 59s" and duration(2 * 3600 + 59) == "2h 00m"


def test_time_in_state_from_the_first_poll_that_saw_it():
    store = FarmStore()
    store.replace_printers(farm(), NOW)
    later = NOW + timedelta(minutes=47, seconds=20)
    store.replace_printers(farm(a="printing"), later)
    bed = store.view_of(3, later)
    assert (bed.in_state, bed.state_since_seen, bed.state_since) == ("≥47 min", False, NOW)
    started = store.view_of(1, later)
    assert started.in_state == "0 min" and started.state_since_seen
    # at minute resolution: two polls within a minute give equal views (nothing repaints)
    again = later + timedelta(seconds=30)
    store.replace_printers(farm(a="printing"), again)
    assert store.view_of(3, again) == bed
    # seen at 47:20, counted from 48:00 (the next whole minute): never more than has passed
    assert store.view_of(1, later + timedelta(minutes=5)).in_state == "4 min"
    assert store.view_of(1, later + timedelta(minutes=5, seconds=40)).in_state == "5 min"


def test_state_sort_puts_who_waited_longest_first():
    store = FarmStore()
    store.replace_printers(farm(), NOW)
    later = NOW + timedelta(minutes=10)
    store.replace_printers(farm(a="error"), later)  # a needs a person since 10 min after the rest
    order = [v.name for v in store.views(later + timedelta(minutes=5), sort="state")]
    # c and d have waited since the first poll (at least), a only 5 min; then the rest by state
    assert order == ["c", "d", "a", "b"]


def test_queue_owner_and_reason_reach_the_views():
    store = FarmStore()
    store.replace_printers(farm(), NOW)
    store.set_queue(2, QueueSeen(3, NOW))
    store.set_queue(3, QueueSeen(1, NOW, "job 41 failed: nozzle clogged"))
    store.set_current_job(2, CurrentJob(7, "part.gcode", 3600, "dev.patel@example.com"))
    views = {v.id: v for v in store.views(NOW)}
    assert views[2].queued == 3 and views[2].owner == "dev.patel@example.com"
    assert views[3].reason == "job 41 failed: nozzle clogged"
    assert views[1].queued is None  # not looked up yet: shown as nothing, not as 0
    # the same queue length again does not invalidate the view
    before = store.view_of(2, NOW)
    store.set_queue(2, QueueSeen(3, NOW + timedelta(seconds=60)))
    assert store.view_of(2, NOW) is before


def test_filter_words_all_match_need_and_negation():
    store = FarmStore()
    store.replace_printers(farm(), NOW)
    store.set_current_job(2, CurrentJob(7, "part.gcode", 3600, "dev.patel@example.com"))
    assert parse_filter("MK4  !bed") == [(False, "mk4"), (True, "bed")]
    assert [v.name for v in store.views(NOW, text="mk4 bed")] == ["c"]
    assert [v.name for v in store.views(NOW, text="need")] == ["c", "d"]
    assert [v.name for v in store.views(NOW, text="need !paused")] == ["c"]
    assert [v.name for v in store.views(NOW, text="!need")] == ["a", "b"]
    assert [v.name for v in store.views(NOW, text="patel")] == ["b"]  # the running job's owner
    assert [v.name for v in store.views(NOW, text="!")] == ["a", "b", "c", "d"]  # a lone ! is no word
    counts = store.counts_of(store.views(NOW, text="need"))
    assert sum(counts.values()) == 2


def test_table_columns_fit_each_width():
    for width in (79, 119, 159, 199):
        columns = layout(width)
        assert sum(w + 1 for _, w in columns) <= width + 1
        names = {c.name: w for c, w in columns if c}
        file_width = columns[-1][1]
        assert file_width >= FILE_MIN, width
        assert names["ends"] >= len("Thu 05:30") and names["name"] >= 14 and "since" in names and "queue" in names
    wide = {c.name for c, _ in layout(199) if c}
    assert {"type", "owner", "since", "queue", "nozzle", "bed"} <= wide
    assert "owner" in {c.name for c, _ in layout(119) if c}


def test_report_times_read_loosely():
    from tui.sync import _moment, _seconds

    assert _seconds("02:05:09") == 7509 and _seconds(61) == 61 and _seconds("") is None and _seconds("x:1") is None
    assert _moment("2026-02-16 06:02:00") == datetime(2026, 2, 16, 6, 2, tzinfo=UTC)
    assert _moment("0000-00-00 00:00:00") is None and _moment(None) is None and _moment("soon") is None
