"""The farm store: views, filters, sorts, stale marks and which jobs to look up."""

from datetime import UTC, datetime, timedelta

from api import Printer, PrinterState
from tui.formatting import clock_time, duration, eta_from, finish_label, progress_bar, temp
from tui.store import CurrentJob, FarmStore

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def printer(pid, name, state, percent=0.0, workgroups=(1,), type_="Prusa i3 MK4"):
    return Printer.model_validate(
        {
            "id": pid,
            "name": name,
            "type": type_,
            "state": state,
            "percent": percent,
            "temps": [60, 210],
            "target_temps": [60, 210],
            "workgroups": list(workgroups),
        }
    )


def farm():
    return [
        printer(1, "b-mk4", "printing", 50),
        printer(2, "A-ender", "error", workgroups=(2,)),
        printer(3, "c-mini", "ready"),
        printer(4, "d-x1", "bed_not_clear", 100),
    ]


def test_lookups_only_when_a_state_changes():
    store = FarmStore()
    # first sight: every printer's jobs are read once (queue length; running job of the busy ones)
    assert store.replace_printers(farm(), NOW) == {1, 2, 3, 4}
    store.set_current_job(1, CurrentJob(7, "part.gcode", 3600))
    assert store.replace_printers(farm(), NOW) == set()
    changed = farm()
    changed[2] = printer(3, "c-mini", "downloading")
    assert store.replace_printers(changed, NOW) == {3}
    changed[0] = printer(1, "b-mk4", "bed_not_clear", 100)
    store.replace_printers(changed, NOW)
    assert 1 not in store.current_jobs


def test_views_sort_filter_and_eta():
    store = FarmStore()
    store.replace_printers(farm(), NOW)
    store.set_current_job(1, CurrentJob(7, "part.gcode", 3600))
    names = [v.name for v in store.views(NOW)]
    assert names == ["A-ender", "b-mk4", "c-mini", "d-x1"]
    assert [v.name for v in store.views(NOW, sort="state")] == ["A-ender", "d-x1", "b-mk4", "c-mini"]
    assert [v.name for v in store.views(NOW, text="ERROR")] == ["A-ender"]
    assert [v.name for v in store.views(NOW, text="bed not")] == ["d-x1"]
    assert [v.name for v in store.views(NOW, workgroup=2)] == ["A-ender"]
    mk4 = next(v for v in store.views(NOW) if v.id == 1)
    assert mk4.filename == "part.gcode" and mk4.eta == NOW + timedelta(minutes=30)


def test_views_are_rebuilt_only_for_changed_printers():
    store = FarmStore()
    store.replace_printers(farm(), NOW)
    first = {v.id: v for v in store.views(NOW)}
    changed = farm()
    changed[2] = printer(3, "c-mini", "ready", workgroups=(1, 2))
    store.replace_printers(changed, NOW)
    second = {v.id: v for v in store.views(NOW)}
    assert second[1] is first[1] and second[3] is not first[3]
    assert second[3].workgroups == (1, 2)


def test_stale_keeps_first_moment():
    store = FarmStore()
    store.replace_printers(farm(), NOW)
    store.mark_stale("down", NOW + timedelta(seconds=9))
    store.mark_stale("still down", NOW + timedelta(seconds=20))
    assert store.stale_since == NOW and store.problem == "still down" and len(store.printers) == 4
    store.replace_printers(farm(), NOW + timedelta(seconds=30))
    assert store.stale_since is None and store.problem is None


def test_counts():
    store = FarmStore()
    store.replace_printers(farm(), NOW)
    assert store.counts()[PrinterState.PRINTING] == 1 and store.counts()[PrinterState.ERROR] == 1


def test_formatting():
    assert temp(None, None) == "—" and temp(21.6, 0) == "22°" and temp(209.6, 210) == "210/210°"
    assert duration(3725) == "1h 02m" and duration(65) == "1m 05s" and duration(None) == "—"
    assert clock_time(NOW, seconds=True) == "09:30:00"
    assert finish_label(NOW + timedelta(hours=20), NOW) == "Tue 05:30"
    assert eta_from(100, 3600, NOW) is None and eta_from(50, None, NOW) is None
    assert progress_bar(50, 10).plain == "█████░░░░░" and progress_bar(0, 4).plain == "░░░░"
    assert len(progress_bar(33.3, 7).plain) == 7


def big_farm(count, temp=210):
    return [
        Printer.model_validate(
            {
                "id": pid,
                "name": f"p{pid:05d}",
                "type": "Prusa i3 MK4",
                "state": "printing" if pid % 3 else "ready",
                "percent": pid % 100,
                "temps": [60, temp + pid % 2],
                "target_temps": [60, 210],
                "workgroups": [1],
            }
        )
        for pid in range(1, count + 1)
    ]


async def test_a_big_poll_is_taken_in_slices_that_let_the_loop_run():
    import asyncio

    from tui.store import POLL_SLICE

    sliced, whole = FarmStore(), FarmStore()
    for store in (sliced, whole):
        store.replace_printers(big_farm(1000), NOW)
        store.views(NOW, sort="progress")
    later = NOW + timedelta(seconds=3)
    seen_mid_poll = []

    async def keys_meanwhile():
        while True:  # what a key handler would see, between two slices
            views = sliced.views(later, sort="progress")
            seen_mid_poll.append(all(view.tools[0][0] == sliced.printers[view.id].tool_temp(0) for view in views))
            await asyncio.sleep(0)

    other = asyncio.create_task(keys_meanwhile())
    lookups = await sliced.take_poll(big_farm(1000, temp=215), later)
    other.cancel()
    assert len(seen_mid_poll) >= 1000 // POLL_SLICE - 1  # the loop ran between the slices
    assert all(seen_mid_poll)  # each view matched its printer's record at every moment
    assert lookups == whole.replace_printers(big_farm(1000, temp=215), later)
    assert sliced.views(later, sort="progress") == whole.views(later, sort="progress")
    assert sliced.counts() == whole.counts() == {PrinterState.PRINTING: 667, PrinterState.READY: 333}
