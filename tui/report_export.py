"""Writing a report out: CSV (cells a spreadsheet would run as formulas defused) or JSON, and
where it goes by default. No Textual here.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir, user_downloads_dir

from .report_sums import cell_text

if TYPE_CHECKING:
    from .reports import Report


def csv_safe(text: str) -> str:
    """A spreadsheet runs a cell that starts with = + @ as a formula: cloud text must not."""
    return f"'{text}" if text[:1] in ("=", "+", "@", "\t", "\r") else text


def report_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_safe(cell_text(title)) for title in report.columns])
    writer.writerows([[csv_safe(cell_text(cell)) for cell in row] for row in report.rows])
    return buffer.getvalue()


def export_format(path: Path) -> str:
    return "JSON" if path.suffix.lower() == ".json" else "CSV"


def write_report(report: Report, path: Path) -> str:
    """Write CSV, or JSON when the name ends in `.json`; returns the format's name."""
    fmt = export_format(path)
    if path.parent == Path(user_data_dir("farmdash", appauthor=False)):
        path.parent.mkdir(parents=True, exist_ok=True)  # the fallback folder: farmdash's own
    path.write_text(report.to_json() if fmt == "JSON" else report_csv(report), encoding="utf-8")
    return fmt


def export_dir(files_dir: str | None = None) -> Path:
    """Where an export goes unless the user says otherwise: the configured files folder, else the
    user's downloads folder (platformdirs), else farmdash's own data folder (made when written to).
    Never the folder farmdash happened to be started in."""
    if files_dir:
        chosen = Path(files_dir).expanduser()
        if chosen.is_dir():
            return chosen.resolve()
    downloads = Path(user_downloads_dir())
    if downloads.is_dir():
        return downloads.resolve()
    return Path(user_data_dir("farmdash", appauthor=False))


def export_target(typed: str, folder: Path) -> Path | None:
    """The file a typed name means: `~` expanded, a bare or relative name inside `folder`."""
    value = typed.strip()
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else folder / path
