"""The login screen: shown when there is no usable session and no credentials in the environment."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from api import AuthError, PrinterOSError

from ..formatting import ALERT, MUTED
from ..safe import text
from ..widgets.fit_footer import FitFooter
from .base import FarmScreen
from .confirm import ConfirmScreen


class LoginScreen(FarmScreen[str | None]):
    """Dismisses with the username once the client holds a session."""

    BINDINGS = [Binding("escape", "ask_quit", "Quit", id="login-quit")]

    def __init__(self, *, default_username: str = "", message: str = "") -> None:
        super().__init__()
        self.default_username = default_username
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(text("Log in to 3DPrinterOS"), id="login-title")
            yield Static(text(self.app.client.base_url), id="login-endpoint", classes="dim")
            yield Label("Email")
            yield Input(value=self.default_username, placeholder="you@example.com", id="username")
            yield Label("Password")
            yield Input(password=True, id="password")
            yield Static(text(self.message), id="login-message")
            yield Button("Log in", variant="primary", id="login")
        yield FitFooter(compact=True)

    def action_ask_quit(self) -> None:
        """Escape asks before it ends farmdash: a key meant to close something must not quit silently."""

        def answered(answer: bool | str | None) -> None:
            if answer is True:
                self.app.exit()

        self.app.push_screen(ConfirmScreen("Quit farmdash without logging in?", confirm_label="Quit"), answered)

    def on_mount(self) -> None:
        self.query_one("#password" if self.default_username else "#username", Input).focus()

    @on(Input.Submitted, "#username")
    def _next(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#login")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self._say("Enter your email and password.")
            return
        self.query_one("#login", Button).disabled = True
        self._say("Logging in…")
        self.log_in(username, password)

    def _say(self, message: str, error: bool = False) -> None:
        self.query_one("#login-message", Static).update(text(message, f"bold {ALERT}" if error else MUTED))

    @work(exclusive=True, group="login", exit_on_error=False)
    async def log_in(self, username: str, password: str) -> None:
        try:
            await self.app.client.login(username, password)
        except AuthError as exc:
            self._say(f"Login refused: {exc.message}", error=True)
            self.query_one("#password", Input).value = ""
            return
        except PrinterOSError as exc:
            self._say(f"Cannot reach the cloud: {exc.message}", error=True)
            return
        finally:
            self.query_one("#login", Button).disabled = False
        self.dismiss(username)
