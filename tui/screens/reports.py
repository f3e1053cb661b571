"""How the printers were used over a date range: the cloud's job reports, summed up and charted.

The fetching and the sums live in `tui/reports.py` (no Textual); this screen asks for a range,
a workgroup and a kind, loads the report in a worker behind a loading indicator (keys keep
working), and shows each sum as a chart with its numbers in a table beside it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import DataTable, Input, Select, Static, TabbedContent, TabPane

from api import AuthError, PrinterOSError

from ..report_export import export_dir
from ..report_ranges import QUICK_RANGES, DateRange, ReportError, parse_range
from ..report_sums import ReportKind, cell_text
from ..reports import Report, fetch_report
from ..safe import plain, text
from ..widgets.fit_footer import FitFooter
from ..widgets.range_select import RangeSelect
from ..widgets.report_chart import ReportChart
from .base import FarmScreen
from .export_report import ExportReportScreen

CUSTOM_RANGE = "custom"
ALL_WORKGROUPS = 0
TOP = 12  # bars in a "per printer / per type / per workgroup" chart; the table lists them all
MAX_ROWS_SHOWN = 2000


class ColumnsInput(Input):
    """The columns box: the longest hint that fits whole (at 80 columns it read "printer,statu")."""

    HINTS = ("columns, e.g. printer,status (empty: all)", "columns, e.g. printer,status", "columns (empty: all)")

    def on_resize(self, event: Resize) -> None:
        fitting = [hint for hint in self.HINTS if cell_len(hint) < event.size.width]  # a cell for the cursor
        self.placeholder = fitting[0] if fitting else "columns"


class ReportsScreen(FarmScreen[None]):
    TITLE = "Reports"
    CSS_PATH = "../styles/reports.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back (q too)", id="back"),
        Binding("e", "export", "Export", id="export"),
        Binding("r", "reload", "Reload", id="reload-report"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: Report | None = None
        self.shown: Report | None = None
        self.workgroup_names: dict[int, str] = {}
        self.requested: tuple[ReportKind, DateRange, tuple[int, str] | None] | None = None

    def compose(self) -> ComposeResult:
        today = self.today()
        span = QUICK_RANGES["30d"][1](today)
        with Vertical(id="report-controls"):
            with Horizontal(classes="report-row"):
                yield RangeSelect(
                    [(label, key) for key, (label, _) in QUICK_RANGES.items()] + [("Custom range", CUSTOM_RANGE)],
                    value="30d",
                    allow_blank=False,
                    compact=True,
                    id="report-range",
                    on_typed=self._date_typed,
                )
                yield Input(span.start.isoformat(), placeholder="from YYYY-MM-DD", compact=True, id="report-from")
                yield Input(span.end.isoformat(), placeholder="to YYYY-MM-DD", compact=True, id="report-to")
            with Horizontal(classes="report-row"):
                yield Select(
                    [(kind.label, kind.value) for kind in ReportKind],
                    value=ReportKind.FINISHED.value,
                    allow_blank=False,
                    compact=True,
                    id="report-kind",
                )
                yield Select(
                    [("All workgroups", ALL_WORKGROUPS)],
                    value=ALL_WORKGROUPS,
                    allow_blank=False,
                    compact=True,
                    id="report-workgroup",
                )
                yield ColumnsInput(placeholder=ColumnsInput.HINTS[0], compact=True, id="report-fields")
        yield Static(id="report-summary", markup=False)
        with TabbedContent(id="report-tabs"):
            with TabPane("Per day", id="tab-day"):
                yield ReportChart(id="chart-day")
            with TabPane("Printers", id="tab-printers"):
                yield ReportChart(id="chart-printers")
            with TabPane("Types", id="tab-types"):
                yield ReportChart(id="chart-types")
            with TabPane("Material", id="tab-material"):
                yield ReportChart(id="chart-material")
            with TabPane("Rows", id="tab-rows"):
                yield DataTable(id="report-rows", cursor_type="row", zebra_stripes=True)
        yield FitFooter(compact=True)

    def today(self) -> date:
        return self.app.clock().date()

    def on_mount(self) -> None:
        self.sub_title = "the cloud's job reports"
        self._fill_workgroups(self.app.workgroups)
        if not self.app.workgroups:
            self.load_workgroups()
        self.query_one("#report-range", Select).focus()
        self.load_report()

    # --- controls ----------------------------------------------------------------------------------

    def _fill_workgroups(self, workgroups: dict[int, str]) -> None:
        self.workgroup_names = dict(workgroups)
        options = [("All workgroups", ALL_WORKGROUPS)]
        options += [(plain(name), wg_id) for wg_id, name in sorted(workgroups.items(), key=lambda kv: kv[1].casefold())]
        self.query_one("#report-workgroup", Select).set_options(options)

    @work(group="report-workgroups", exit_on_error=False)
    async def load_workgroups(self) -> None:
        try:
            groups = await self.app.client.get_workgroups_simple_list()
        except PrinterOSError:
            return  # the report still loads for all workgroups
        self._fill_workgroups({group.id: group.name for group in groups})

    @on(Select.Changed, "#report-range")
    def _range_picked(self, event: Select.Changed) -> None:
        if event.value == CUSTOM_RANGE or event.value not in QUICK_RANGES:
            box = self.query_one("#report-from", Input)
            if self.focused is not box:  # typing a date there already
                box.focus()
            return
        span = QUICK_RANGES[str(event.value)][1](self.today())
        self.query_one("#report-from", Input).value = span.start.isoformat()
        self.query_one("#report-to", Input).value = span.end.isoformat()
        self.load_report(again=False)

    def _date_typed(self, character: str, first: bool) -> None:
        """A date typed on the range picker: it goes to the `from` box, which takes the focus at
        once (the next key must find it there) without selecting what was just typed."""
        box = self.query_one("#report-from", Input)
        box.value = character if first else box.value + character
        box.cursor_position = len(box.value)
        if first:
            box.select_on_focus = False
            self.set_focus(box)
            box.call_later(setattr, box, "select_on_focus", True)  # after its Focus event
            self.query_one("#report-range", Select).value = CUSTOM_RANGE

    @on(Select.Changed, "#report-kind")
    @on(Select.Changed, "#report-workgroup")
    def _choice_changed(self) -> None:
        if self.is_mounted:
            self.load_report(again=False)

    @on(Input.Submitted, "#report-from")
    @on(Input.Submitted, "#report-to")
    def _range_typed(self) -> None:
        self.query_one("#report-range", Select).value = CUSTOM_RANGE
        self.load_report()

    @on(Input.Submitted, "#report-fields")
    def _fields_typed(self) -> None:
        if self.report is not None:
            self.show_report(self.report)

    def action_reload(self) -> None:
        self.load_report()

    # --- loading -----------------------------------------------------------------------------------

    def wanted(self) -> tuple[ReportKind, DateRange, tuple[int, str] | None]:
        """What the controls ask for; a bad date or too long a range raises `ReportError`."""
        span = parse_range(self.query_one("#report-from", Input).value, self.query_one("#report-to", Input).value)
        kind = ReportKind(str(self.query_one("#report-kind", Select).value))
        wg_value = self.query_one("#report-workgroup", Select).value
        workgroup = None
        if isinstance(wg_value, int) and wg_value != ALL_WORKGROUPS:
            workgroup = (wg_value, self.workgroup_names.get(wg_value, str(wg_value)))
        return kind, span, workgroup

    def load_report(self, *, again: bool = True) -> None:
        """Fetch what the controls ask for; `again=False` skips it when that is already shown or on its way."""
        try:
            kind, span, workgroup = self.wanted()
        except ReportError as exc:
            self.failed(exc.message)
            return
        if not again and self.requested == (kind, span, workgroup):
            return  # a control was set to the value it had (the workgroup list filling in, say)
        self.requested = (kind, span, workgroup)
        where = f" for {workgroup[1]}" if workgroup else ""
        self.say(f"Loading {kind.label.lower()} {span.label}{where}…")
        self.query_one("#report-tabs").loading = True
        self.fetch(kind, span, workgroup)

    @work(exclusive=True, group="report", exit_on_error=False)
    async def fetch(self, kind: ReportKind, span: DateRange, workgroup: tuple[int, str] | None) -> None:
        try:
            report = await fetch_report(self.app.client, kind, span, workgroup=workgroup)
        except ReportError as exc:
            self.failed(exc.message)
            return
        except AuthError as exc:
            self.failed(f"The cloud ended the session: {exc.message}")
            raise  # the App's one session-lost path
        except PrinterOSError as exc:
            self.failed(f"Could not read the report from the cloud: {exc.message}")
            return
        self.report = report
        self.query_one("#report-tabs").loading = False
        self.show_report(report)

    def failed(self, message: str) -> None:
        """No report for what was asked: said on the summary line, and the previous range's charts
        and rows go, so nothing on screen passes for the answer."""
        self.query_one("#report-tabs").loading = False
        self.say(message, problem=True)
        self.report = self.shown = None
        self.requested = None  # picking the previous range again loads it again
        for chart in self.query(ReportChart):
            chart.show_message("No report", "see the line above")
        self.query_one("#report-rows", DataTable).clear(columns=True)

    def say(self, message: str, *, problem: bool = False) -> None:
        summary = self.query_one("#report-summary", Static)
        summary.update(text(message))
        summary.set_class(problem, "-problem")

    # --- showing -----------------------------------------------------------------------------------

    def show_report(self, report: Report) -> None:
        try:
            shown = report.with_columns(self.query_one("#report-fields", Input).value)
        except ReportError as exc:
            self.say(exc.message, problem=True)
            return
        self.shown = shown
        summary = report.summary
        where = f" · {report.workgroup}" if report.workgroup else ""
        line = f"{report.kind.label} {report.range.label}{where}: {summary.jobs:,} jobs"
        if report.kind is ReportKind.CUSTOM:
            line += (
                f" · {summary.done:,} done · {summary.failed:,} failed · {summary.cancelled:,} cancelled"
                f" · {summary.hours:,.1f} h · {summary.grams / 1000:,.2f} kg"
            )
        if report.missing:
            line += f" (no column for {', '.join(report.missing)})"
        self.say(line)
        self._chart_days(report)
        self._chart_printers(report)
        self._chart_types(report)
        self._chart_material(report)
        self._fill_rows(shown)

    def _chart_days(self, report: Report) -> None:
        days = report.summary.per_day
        chart = self.query_one("#chart-day", ReportChart)
        labels = [day.day.strftime("%m-%d") for day in days]
        rows = [(d.day.isoformat(), d.done, d.failed, d.cancelled) for d in days if d.total]
        if report.kind is ReportKind.FINISHED:  # that report lists finished jobs only
            series: dict[str, list[float]] = {"done": [day.done for day in days]}
            chart.show_bars(
                "Finished jobs per day",
                labels,
                series,
                columns=["Day", "Done"],
                rows=[r[:2] for r in rows],
                counts=True,
            )
            return
        series = {
            "done": [day.done for day in days],
            "failed": [day.failed for day in days],
            "cancelled": [day.cancelled for day in days],
        }
        chart.show_bars(
            "Jobs per day", labels, series, columns=["Day", "Done", "Failed", "Cancelled"], rows=rows, counts=True
        )

    def _needs_custom(self, chart: ReportChart, title: str, report: Report) -> bool:
        if report.kind is ReportKind.FINISHED:
            chart.show_message(title, "the finished-jobs report names no printer; pick the custom report")
            return True
        return False

    def _chart_printers(self, report: Report) -> None:
        chart = self.query_one("#chart-printers", ReportChart)
        if self._needs_custom(chart, "Hours per printer", report):
            return
        printers = report.summary.per_printer
        top = printers[:TOP]
        chart.show_bars(
            "Hours printed per printer",
            [p.printer for p in top],
            {"hours": [round(p.hours, 1) for p in top]},
            columns=["Printer", "Hours", "Jobs"],
            rows=[(p.printer, f"{p.hours:.1f}", p.jobs) for p in printers],
            horizontal=True,
        )

    def _chart_types(self, report: Report) -> None:
        chart = self.query_one("#chart-types", ReportChart)
        if self._needs_custom(chart, "Failure rate per type", report):
            return
        types = report.summary.per_type
        top = types[:TOP]
        chart.show_bars(
            "Failure rate per printer type (%)",
            [t.printer_type for t in top],
            {"failed %": [round(100 * t.failure_rate, 1) for t in top]},
            columns=["Type", "Failed %", "Failed", "Jobs"],
            rows=[(t.printer_type, f"{100 * t.failure_rate:.1f}", t.failed, t.jobs) for t in types],
            horizontal=True,
        )

    def _chart_material(self, report: Report) -> None:
        chart = self.query_one("#chart-material", ReportChart)
        by = report.summary.material_by
        if self._needs_custom(chart, f"Material per {by}", report):
            return
        material = report.summary.material
        top = material[:TOP]
        chart.show_bars(
            f"Material per {by} (g)",
            [m.name for m in top],
            {"grams": [round(m.grams, 1) for m in top]},
            columns=[by.capitalize(), "Grams", "Jobs"],
            rows=[(m.name, f"{m.grams:.1f}", m.jobs) for m in material],
            horizontal=True,
        )

    def _fill_rows(self, report: Report) -> None:
        table = self.query_one("#report-rows", DataTable)
        table.clear(columns=True)
        for index, title in enumerate(report.columns):
            table.add_column(plain(title), key=str(index))
        table.add_rows([[text(cell_text(cell)) for cell in row] for row in report.rows[:MAX_ROWS_SHOWN]])

    # --- export ------------------------------------------------------------------------------------

    def action_export(self) -> None:
        report = self.shown
        if report is None:
            self.notify("No report to export yet: it is still loading, or the cloud refused it.", severity="warning")
            return

        def picked(path: Path | None) -> None:
            if path is not None:
                self.write_export(report, path)

        folder = export_dir(self.app.files_dir)
        self.app.push_screen(ExportReportScreen(folder, report.default_filename(), len(report.rows)), picked)

    @work(group="report-export", exit_on_error=False, thread=True)
    def write_export(self, report: Report, path: Path) -> None:
        try:
            kind = report.export(path)
        except OSError as exc:
            message = f"Could not write {path}: {exc.strerror or exc}"
            self.app.call_from_thread(self.notify, message, title="Export failed", severity="error", timeout=10)
            return
        message = f"{kind}, {len(report.rows):,} rows: {path.resolve()}"
        self.app.call_from_thread(self.notify, message, title="Report exported", timeout=10)
