"""Send a file from disk to printers: choose the project and queue or print now, then the upload
with its progress (escape cancels it), then `print_file` per printer with the new job ids.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from api import AuthError, PrinterOSError, Project

from ..actions import Outcome
from ..bulk import outcome_text, summary
from ..safe import plain, text
from ..upload import UploadCancelled, UploadProgress, size_text, upload
from ..widgets.fit_footer import FitFooter
from .base import FarmModal
from .bulk import LOOK

NEW = "new"
DEFAULT = "default"
PROJECT_LABEL = "Project (the file is uploaded into it):"  # above the list it names


# What enter and escape are called in the footer, phase by phase (`SendFileScreen._name_keys`).
FOOTER_WORDS = {
    "form": {"send-file-send": "Send", "send-file-stop": "Close"},
    "uploading": {"send-file-stop": "Cancel the upload"},
    "printing": {},
    "done": {"send-file-send": "Close", "send-file-stop": "Close"},
}


class SendFileScreen(FarmModal[list[Outcome] | None]):
    """Dismisses with the outcomes per printer, or None when nothing was printed."""

    CSS_PATH = "../styles/bulk.tcss"
    BINDINGS = [
        Binding("enter", "send", "Send", id="send-file-send", priority=True),
        Binding("m", "toggle_mode", "Queue / print now", id="send-file-mode"),
        Binding("escape", "stop", "Close", id="send-file-stop", priority=True),  # "Cancel the upload" meanwhile
    ]

    def __init__(self, path: Path, printer_ids: list[int], names: dict[int, str]) -> None:
        super().__init__()
        self.path = path
        self.printer_ids = printer_ids
        self.names = names
        self.only_queue = True
        self.projects: list[Project] = []
        self.phase = "form"  # then "uploading", "printing", "done"
        self.problem = ""
        self.file_id: int | None = None
        self.outcomes: dict[int, Outcome] = {}
        self.progress = UploadProgress(total=path.stat().st_size)

    def compose(self) -> ComposeResult:
        with Vertical(id="send-box"):
            yield Static(id="send-title")
            yield Static(id="send-targets")
            yield Static(Text(PROJECT_LABEL), id="send-project-label")
            yield OptionList(id="send-projects")
            yield Static(id="send-mode")
            yield ProgressBar(total=max(1, self.progress.total), show_eta=False, id="send-bar")
            yield Static(id="send-status")
            with VerticalScroll(id="send-scroll"):
                yield Static(id="send-lines")
            yield Static(id="send-keys")
        yield FitFooter(compact=True)  # the dialog's own keys, not the grid's under it

    def on_mount(self) -> None:
        self.progress.clock = getattr(self.app, "upload_clock", self.progress.clock)
        self.progress.listeners.append(lambda progress: self._progressed())
        self.query_one(ProgressBar).display = False
        self.query_one(OptionList).focus()
        self.show()
        self.load_projects()

    @work(exclusive=True, group="send-projects", exit_on_error=False)
    async def load_projects(self) -> None:
        try:
            self.projects = await self.app.client.get_projects()
        except AuthError:
            raise
        except PrinterOSError as exc:
            self.problem = f"Projects not listed ({exc.message}): the file goes to the account's default."
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_option(Option(text("The account's default project"), id=DEFAULT))
        for project in sorted(self.projects, key=lambda p: p.name.casefold()):
            options.add_option(Option(text(project.name or f"#{project.id}"), id=str(project.id)))
        options.add_option(Option(text(f"New project: {self.path.stem}"), id=NEW))
        options.highlighted = 0
        self.show()

    # --- what the screen says -------------------------------------------------------------------------

    def show(self) -> None:
        self.refresh_bindings()
        title = Text("Send ", style="bold")
        title.append(plain(self.path.name), style="bold")
        title.append(f"  ({size_text(self.progress.total)})", style="dim")
        self.query_one("#send-title", Static).update(title)
        names = ", ".join(plain(self.names[pid]) for pid in self.printer_ids)
        count = len(self.printer_ids)
        self.query_one("#send-targets", Static).update(
            Text(f"to {count} printer{'s' if count != 1 else ''}: {names}", overflow="ellipsis", no_wrap=True)
        )
        mode, send, stop = (
            self.app.binding_key("send-file-mode"),
            self.app.binding_key("send-file-send"),
            self.app.binding_key("send-file-stop"),
        )
        what = "queue it (start later)" if self.only_queue else "print now where the printer is free"
        self.query_one("#send-mode", Static).update(Text(f"then: {what}   ({mode} switches)"))
        self.query_one(OptionList).display = self.phase == "form"
        self.query_one("#send-project-label", Static).display = self.phase == "form"
        self.query_one("#send-mode", Static).display = self.phase == "form"
        self.query_one(ProgressBar).display = self.phase != "form"
        status = self.status_line()
        self.query_one("#send-status", Static).update(Text(plain(status)))
        self.query_one("#send-status", Static).display = bool(status)
        self.query_one("#send-lines", Static).update(self.outcome_lines())
        keys = {
            "form": f"{send} uploads and sends  ·  {stop} sends nothing",
            "uploading": f"{stop} cancels the upload",
            "printing": "sending to the printers…",
            "done": f"{send} or {stop} closes",
        }[self.phase]
        self.query_one("#send-keys", Static).update(Text(keys, style="dim"))
        self._name_keys()

    def _name_keys(self) -> None:
        """The footer says what enter and escape do in this phase: after a failed upload it still
        said "Send" and "cancel the upload" where both close."""
        if self.name_bindings(FOOTER_WORDS[self.phase]):
            self.refresh_bindings()

    def status_line(self) -> str:
        if self.phase == "form":
            return self.problem
        if self.phase == "uploading":
            return f"Uploading: {self.progress.line()}"
        if self.progress.cancelled:
            return f"Upload cancelled at {size_text(self.progress.sent)}: nothing was sent to the printers."
        if self.file_id is None:
            return f"Upload failed: {self.problem}"
        if self.phase == "printing":
            return f"Uploaded as file {self.file_id}; sending to the printers…"
        return f"File {self.file_id}: " + summary("queue" if self.only_queue else "print", list(self.outcomes.values()))

    def outcome_lines(self) -> Text:
        lines = Text()
        for outcome in self.outcomes.values():
            glyph, colour = LOOK[outcome.result]
            if lines:
                lines.append("\n")
            lines.append(f"{glyph} ", style=colour)
            lines.append(plain(outcome.printer_name), style="bold")
            lines.append(f": {plain(outcome_text(outcome))}")
        return lines

    def _progressed(self) -> None:
        self.query_one(ProgressBar).update(progress=self.progress.sent)
        self.query_one("#send-status", Static).update(Text(plain(self.status_line())))

    # --- keys -------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows what the keys do in this phase: no "queue / print now" once sent."""
        if not super().check_action(action, parameters):
            return False
        if action == "toggle_mode":
            return self.phase == "form"
        if action == "send":
            return self.phase in ("form", "done")
        return True

    def action_toggle_mode(self) -> None:
        if self.phase == "form":
            self.only_queue = not self.only_queue
            self.show()

    def action_send(self) -> None:
        if self.phase == "form":
            if self.app.refuse_read_only():
                self.dismiss(None)
                return
            self.phase = "uploading"
            self.show()
            self.send()
        elif self.phase == "done":
            self.dismiss(list(self.outcomes.values()) or None)

    def action_stop(self) -> None:
        """Escape: close before sending; during the upload, cancel it (the next chunk is not read)."""
        if self.phase == "uploading":
            self.action_cancel()
        elif self.phase != "printing":
            self.dismiss(list(self.outcomes.values()) or None)

    def action_cancel(self) -> None:
        self.progress.cancelled = True
        self.query_one("#send-status", Static).update(Text("Cancelling the upload…"))

    def project_choice(self) -> tuple[int | None, str | None]:
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id == DEFAULT:
            return None, None
        if option.id == NEW:
            return None, self.path.stem
        return int(option.id or 0), None

    @work(exclusive=True, group="send-file", exit_on_error=False)
    async def send(self) -> None:
        project_id, project_name = self.project_choice()
        try:
            result = await upload(
                self.app.client, self.path, self.progress, project_id=project_id, project_name=project_name
            )
        except UploadCancelled:
            self.phase = "done"
            self.show()
            return
        except AuthError:
            raise
        except PrinterOSError as exc:
            self.problem = exc.message  # too big, a refused type: the cloud's words
            self.phase = "done"
            self.show()
            return
        self.file_id = result.file_id
        self.phase = "printing"
        self.show()
        outcomes = await self.app.send_to_printers(result.file_id, self.printer_ids, self.only_queue, self.took)
        for outcome in outcomes:
            self.outcomes[outcome.printer_id] = outcome
        self.phase = "done"
        self.show()

    def took(self, outcome: Outcome) -> None:
        self.outcomes[outcome.printer_id] = outcome
        self.show()
