"""`farmdash print FILE --printer NAME_OR_ID ...`: send a file from disk to printers, for scripts and cron.

No Textual: the farm sync logs in (or reuses the saved session) and reads the printers, the
file is streamed with its progress on stderr, then `print_file` goes to each printer through the
action runner. stdout gets one line per printer; the exit code is 0 only if every printer got
the job, 1 if any did not, 2 if nothing was sent (bad arguments, settings, credentials, names).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from api import PrinterOSClient, PrinterOSError

from .actions import READ_ONLY, ActionRunner, Result
from .config import Settings, env_password, settings_problems
from .connection import StartError, choose_endpoint, session_path
from .headless import HeadlessError, open_cloud, read_farm
from .safe import plain
from .session import Credentials, LoginOutcome, SessionStore
from .store import FarmStore
from .subcommands import HelpFormatter, add_connection_flags
from .sync import FarmSync
from .upload import UploadProgress, file_problem, project_choice, size_text, upload

BAR_CELLS = 30


class PrintError(Exception):
    """Nothing was sent: one line on stderr, exit 2."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The `print` subcommand; connection flags may also follow it (`default=SUPPRESS` keeps the main ones)."""
    cmd = sub.add_parser(
        "print",
        help="upload a file and queue or print it (scripts)",
        description="Upload FILE from this machine and send it to each printer named. One line per "
        "printer on stdout; progress on stderr. Exit 0 only if every printer got the job, 1 if any did not,"
        " 2 if nothing was sent.",
        formatter_class=HelpFormatter,
    )
    cmd.add_argument("file", metavar="FILE", help="the file to send (.gcode, .bgcode, .makerbot, .x3g, .ufp, ...)")
    cmd.add_argument(
        "--printer", action="append", required=True, metavar="NAME_OR_ID", help="a printer (repeat for more)"
    )
    cmd.add_argument("--queue", action="store_true", help="only queue the job (default: print now where it can)")
    cmd.add_argument("--project", metavar="NAME", help="the project to upload into (made if the account has none)")
    cmd.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS, help="send nothing")
    add_connection_flags(cmd, demo=False)


def run(args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        settings = _settings()
        if getattr(args, "read_only", False) or settings.read_only:
            raise PrintError(f"{READ_ONLY} (--read-only or read_only in the settings)")
        path = Path(args.file)
        problem = file_problem(path)
        if problem:
            raise PrintError(problem)
        if getattr(args, "demo", False):
            return asyncio.run(_print_demo(args, path, out, err))
        endpoint = _endpoint(args, settings)
        return asyncio.run(_print(args, path, endpoint, settings, out, err))
    except HeadlessError as exc:
        print(f"farmdash print: {plain(exc.message)}", file=err)
        return 2
    except PrintError as exc:
        print(f"farmdash print: {exc}", file=err)
        return 2


def _settings() -> Settings:
    try:
        return Settings()
    except (ValueError, OSError) as exc:
        raise PrintError("; ".join(settings_problems(exc))) from None


def _endpoint(args: argparse.Namespace, settings: Settings) -> str:
    """The cloud URL as the dashboard chooses it (flag, test-cloud switch, settings, the live cloud)."""
    try:
        return choose_endpoint(args, settings)
    except StartError as exc:
        raise PrintError("; ".join(exc.lines)) from None


async def _print(
    args: argparse.Namespace, path: Path, endpoint: str, settings: Settings, out: TextIO, err: TextIO
) -> int:
    username = settings.username or ""
    password = env_password()
    credentials = Credentials(username, password) if username and password else None
    store = SessionStore(session_path(endpoint, username)) if username else None
    session = store.read().session if store is not None else None
    if credentials is None and session is None:
        raise PrintError(
            "no credentials: set FARMDASH_USERNAME and FARMDASH_PASSWORD (the password never on the command line)"
        )
    async with PrinterOSClient(endpoint, session=session) as client:
        sync = FarmSync(client, store=FarmStore(), credentials=credentials, session_store=store)
        if await sync.connect() is not LoginOutcome.OK:
            raise PrintError(sync.login_reason or sync.store.problem or "cannot log in")
        polled = await sync.poll()
        if polled.session_lost is not None and credentials is not None:
            sync.session_lost(polled.session_lost)
            sync.credentials = credentials
            if await sync.connect() is LoginOutcome.OK:
                polled = await sync.poll()
        if not polled.ok:
            raise PrintError(sync.store.problem or polled.session_lost or "cannot read the printers")
        return await _send(args, path, client, sync, out, err)


async def _print_demo(args: argparse.Namespace, path: Path, out: TextIO, err: TextIO) -> int:
    """`--demo`: the simulated farm the headless commands start; nothing goes to a configured cloud."""
    async with open_cloud(args) as cloud:
        await read_farm(cloud)
        return await _send(args, path, cloud.client, cloud.sync, out, err)


async def _send(
    args: argparse.Namespace, path: Path, client: PrinterOSClient, sync: FarmSync, out: TextIO, err: TextIO
) -> int:
    """Printers resolved, the file uploaded, then one print per printer; one stdout line each."""
    printer_ids = resolve_printers(args.printer, sync.store)
    try:
        project_id, project_name = project_choice(await client.get_projects(), args.project)
        file_id = await _upload(client, path, project_id, project_name, err)
    except PrinterOSError as exc:
        print(f"farmdash print: upload of {path.name} failed: {exc.message}", file=err)
        return 1
    runner = ActionRunner(client, sync.store)
    outcomes = await runner.run_print(file_id, printer_ids, only_queue=args.queue)
    for outcome in outcomes:
        name = plain(outcome.printer_name)
        if outcome.result is Result.DONE:
            print(f"{name}\t{outcome.printer_id}\t{outcome.past}\tjob {outcome.job_id}", file=out)
        else:
            print(f"{name}\t{outcome.printer_id}\t{outcome.result.value}\t{plain(outcome.message)}", file=out)
    return 0 if outcomes and all(o.result is Result.DONE for o in outcomes) else 1


def resolve_printers(wanted: list[str], store: FarmStore) -> list[int]:
    """Each NAME_OR_ID to one printer id: an id, else an exact name, else one name ignoring case."""
    ids, problems = [], []
    for given in wanted:
        found = _one_printer(given, store)
        if isinstance(found, str):
            problems.append(found)
        elif found not in ids:
            ids.append(found)
    if problems:
        raise PrintError("; ".join(problems) + " (nothing was sent)")
    return ids


def _one_printer(given: str, store: FarmStore) -> int | str:
    if given.isdigit() and int(given) in store.printers:
        return int(given)
    exact = [pid for pid, p in store.printers.items() if p.name == given]
    loose = exact or [pid for pid, p in store.printers.items() if p.name.casefold() == given.casefold()]
    if len(loose) == 1:
        return loose[0]
    if loose:
        return f"{plain(given)!r} names {len(loose)} printers: give its id ({', '.join(map(str, sorted(loose)))})"
    return f"no printer {plain(given)!r} on this account"


async def _upload(
    client: PrinterOSClient, path: Path, project_id: int | None, project_name: str | None, err: TextIO
) -> int:
    """The upload with its progress on stderr: a bar on a terminal, a line at start and end otherwise."""
    progress = UploadProgress(total=path.stat().st_size)  # noqa: ASYNC240 (one stat, before the upload)
    bar = err.isatty()
    if bar:
        progress.listeners.append(lambda p: err.write("\r" + progress_bar(p) + "\033[K"))
    else:
        print(f"uploading {path.name} ({size_text(progress.total)})", file=err)
    try:
        result = await upload(client, path, progress, project_id=project_id, project_name=project_name)
    finally:
        if bar:
            err.write("\n")
    print(f"uploaded {path.name} as file {result.file_id} ({progress.line()})", file=err)
    return result.file_id


def progress_bar(progress: UploadProgress) -> str:
    filled = round(progress.fraction * BAR_CELLS)
    return f"[{'#' * filled}{'.' * (BAR_CELLS - filled)}] {progress.fraction:4.0%} {progress.line()}"
