"""Which key applies to which printer: decided before any request."""

import pytest

from api import JobStatus
from api import PrinterState as S
from tui.rules import why_not


@pytest.mark.parametrize(
    ("kind", "state", "job", "applies"),
    [
        ("pause", S.PRINTING, None, True),
        ("pause", S.PAUSED, None, False),
        ("pause", S.DOWNLOADING, None, False),
        ("pause", S.READY, None, False),
        ("pause", S.PRINTING, JobStatus.QUEUED, False),
        ("resume", S.PAUSED, None, True),
        ("resume", S.PRINTING, None, False),
        ("cancel", S.PRINTING, None, True),
        ("cancel", S.PAUSED, None, True),
        ("cancel", S.READY, None, False),
        ("cancel", S.READY, JobStatus.QUEUED, True),
        ("cancel", S.PRINTING, JobStatus.FINISHED, False),
        ("tray", S.BED_NOT_CLEAR, None, True),
        ("tray", S.ERROR, None, True),
        ("tray", S.READY, None, False),
        ("tray", S.PRINTING, None, False),
        ("tray", S.OFFLINE, None, False),
        ("start", S.READY, None, True),
        ("start", S.READY, JobStatus.QUEUED, True),
        ("start", S.BED_NOT_CLEAR, JobStatus.QUEUED, False),
        ("start", S.PRINTING, JobStatus.QUEUED, False),
        ("start", S.READY, JobStatus.ABORTED, False),
        ("start", S.OFFLINE, JobStatus.QUEUED, False),
    ],
)
def test_why_not(kind, state, job, applies):
    reason = why_not(kind, "MK4-01", state, job)
    assert (reason is None) is applies, reason
    if reason:
        assert reason.endswith(".") and len(reason) < 90


def test_reasons_name_the_printer():
    assert why_not("pause", "Bay [b]3", S.READY) == "Bay [b]3 is ready: nothing to pause."
