"""The bulk preview (`plan`): what it promises for each printer, decided from the store."""

from datetime import UTC, datetime

from tui.bulk import PLANNED, plan
from tui.store import FarmStore, QueueSeen

from .test_store import printer

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_start_skips_printers_whose_queue_is_known_empty():
    store = FarmStore()
    store.replace_printers(
        [printer(1, "empty", "ready"), printer(2, "full", "ready"), printer(3, "unknown", "ready")], NOW
    )
    store.set_queue(1, QueueSeen(queued=0, checked=NOW))
    store.set_queue(2, QueueSeen(queued=2, checked=NOW))
    assert store.view_of(1, NOW).queued == 0 and store.view_of(3, NOW).queued is None
    preview = plan("start", [1, 2, 3], store, stagger_seconds=60)
    assert preview.to_send == [2, 3]  # not yet looked up: stays in
    [skipped] = preview.skipped
    assert skipped.printer_id == 1 and "nothing queued" in skipped.text and PLANNED["start"] not in skipped.text
    assert preview.totals() == "2 to start, 1 skipped; starts 60 s apart (about 1 min in all)"
