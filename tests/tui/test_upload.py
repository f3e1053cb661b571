"""Files from the server's disk against the simulated cloud: the picker, the upload with progress and
cancel, print_file per printer; moving a queued job; read-only sends none of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from textual import events
from textual.widgets import DataTable, DirectoryTree, OptionList, Static
from textual.widgets._footer import FooterKey

from api import JobStatus
from tui.events import EventKind
from tui.screens.file_picker import FilePickerScreen
from tui.screens.job_queue import JobQueueScreen
from tui.screens.printer_grid import PrinterGridScreen
from tui.screens.printer_picker import PrinterPicker
from tui.screens.send_file import SendFileScreen

from .helpers import SIZE, actions, build_app, select, settle

GCODE = b";FLAVOR:Marlin\n;layer_height = 0.2\nG28\nG1 X10 Y10 E0.5\n" * 6000  # ~300 KB: several chunks


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "jobs"
    folder.mkdir()
    (folder / "bracket.gcode").write_bytes(GCODE)
    (folder / "notes.txt").write_text("not printable")
    (folder / ".hidden.gcode").write_bytes(GCODE)
    (folder / "plate.bgcode").write_bytes(b"GCDE" + bytes(64))
    return folder


def ready(farm):
    return [p for p in sorted(farm.printers.values(), key=lambda p: p.name) if p.state == "ready"]


def send_app(sim_server, farm, files, **kwargs):
    app = build_app(sim_server, farm, files_dir=str(files), **kwargs)
    app.upload_clock = iter(range(0, 10_000)).__next__  # one "second" per reading: steady speed and time left
    return app


async def pick(pilot, name):
    """Open the picker with o and choose `name` with the arrow keys and enter."""
    await pilot.press("o")
    await pilot.pause()
    assert isinstance(pilot.app.screen, FilePickerScreen)
    tree = pilot.app.screen.query_one(DirectoryTree)
    for _ in range(200):  # the tree loads the folder in its own long-lived worker: wait for the entries
        if tree.root.children:
            break
        await pilot.pause(0.01)
    shown = [str(node.label) for node in tree.root.children]
    for _ in range(shown.index(name) + 1):
        await pilot.press("down")
    labels = [tree.render_label(node, Style(), Style()).plain for node in tree.root.children]
    await pilot.press("enter")
    await settle(pilot)
    return shown, labels


def lines(app):
    return str(app.screen.query_one("#send-lines").render())


def status(app):
    return str(app.screen.query_one("#send-status").render())


async def test_picker_shows_printable_files_then_upload_and_queue_on_marked_printers(sim_server, demo_farm, files):
    app = send_app(sim_server, demo_farm, files)
    targets = ready(demo_farm)[:2]
    files_before = len(demo_farm.files)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for printer in targets:
            await select(pilot, printer)
            await pilot.press("space")
        shown, labels = await pick(pilot, "bracket.gcode")
        assert shown == ["bracket.gcode", "plate.bgcode"]  # no hidden files, nothing unprintable
        assert f"bracket.gcode  {len(GCODE) / 1000:.1f} KB · " in labels[0]  # size and date beside each file
        assert isinstance(app.screen, SendFileScreen)
        sim_server.calls.clear()
        await pilot.press("down")  # the first project of the account (the default is above it)
        await pilot.press("enter")
        await settle(pilot)
        assert actions(sim_server.calls) == ["upload", "print_file", "print_file"]
        assert len(demo_farm.files) == files_before + 1
        file = max(demo_farm.files.values(), key=lambda f: f.id)
        assert file.name == "bracket.gcode" and file.size == len(GCODE)
        queued = [j for j in demo_farm.jobs.values() if j.file_id == file.id]
        assert sorted(j.printer_id for j in queued) == sorted(p.id for p in targets)
        assert all(j.status_id == JobStatus.QUEUED for j in queued)
        for job in queued:
            assert f"queued (job {job.id})" in lines(app)
        assert status(app).startswith(f"File {file.id}: 2 queued")
        assert app.screen.progress.sent == len(GCODE)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SendFileScreen)


async def test_print_now_on_the_selected_printer(sim_server, demo_farm, files):
    app = send_app(sim_server, demo_farm, files)
    target = ready(demo_farm)[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, target)
        await pick(pilot, "bracket.gcode")
        await pilot.press("m")  # queue -> print now
        assert "print now" in str(app.screen.query_one("#send-mode").render())
        await pilot.press("enter")
        await settle(pilot)
        job = max(demo_farm.jobs.values(), key=lambda j: j.id)
        assert job.printer_id == target.id and job.status_id == JobStatus.PRINTING
        assert f"sent to print (job {job.id})" in lines(app)


async def test_the_project_label_stands_above_the_project_list(sim_server, demo_farm, files):
    """The label names the list under it (it was printed below the list and the mode line)."""
    app = send_app(sim_server, demo_farm, files)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, ready(demo_farm)[0])
        await pick(pilot, "bracket.gcode")
        await settle(pilot)
        screen = app.screen
        labels = [w for w in screen.query(Static) if str(w.render()).startswith("Project (")]
        assert len(labels) == 1 and labels[0].display
        projects = screen.query_one(OptionList)
        assert labels[0].region.bottom <= projects.region.y  # just above the list, not under it
        assert projects.region.y - labels[0].region.bottom <= 1


async def test_cancel_mid_upload_sends_nothing_to_the_printers(sim_server, demo_farm, files):
    app = send_app(sim_server, demo_farm, files)
    files_before = len(demo_farm.files)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, ready(demo_farm)[0])
        await pick(pilot, "bracket.gcode")
        screen = app.screen
        # The person presses escape once the first chunk has gone: the escape binding's action, at that moment.
        screen.progress.listeners.append(lambda progress: screen.action_stop() if progress.sent else None)
        sim_server.calls.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert 0 < screen.progress.sent < len(GCODE)
        assert status(app).startswith("Upload cancelled at ") and "nothing was sent to the printers" in status(app)
        assert "print_file" not in sim_server.calls and len(demo_farm.files) == files_before
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SendFileScreen)


async def test_refused_file_type_in_the_clouds_words(sim_server, demo_farm, files):
    app = send_app(sim_server, demo_farm, files)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, ready(demo_farm)[0])
        await pick(pilot, "plate.bgcode")
        sim_server.calls.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert status(app) == "Upload failed: File type .bgcode is not supported"
        assert "print_file" not in sim_server.calls


def same_type_pair(farm):
    by_type = {}
    for printer in sorted(farm.printers.values(), key=lambda p: p.name):
        if printer.state in ("ready", "printing"):
            by_type.setdefault(printer.type_id, []).append(printer)
    return next(group for group in by_type.values() if len(group) >= 2)[:2]


async def move_setup(pilot, farm):
    source, target = same_type_pair(farm)
    admin = next(u for u in farm.users.values() if u.is_admin)
    file = next(f for f in farm.files.values() if f.is_gcode)
    with farm.lock:
        job = farm.print_file(admin, file.id, source.id, only_queue=True)
    await settle(pilot)
    await select(pilot, source)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, JobQueueScreen)
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=[row.key.value for row in table.ordered_rows].index(str(job.id)))
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PrinterPicker)
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(str(target.id))
    return source, target, job


async def test_move_a_queued_job_to_a_printer_of_the_same_type(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        source, target, job = await move_setup(pilot, demo_farm)
        offered = [int(o.id) for o in app.screen.query_one(OptionList).options]
        assert target.id in offered and source.id not in offered
        assert all(demo_farm.printers[pid].type_id == source.type_id for pid in offered)  # the same type only
        sim_server.calls.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert actions(sim_server.calls) == ["print_file", "job_cancel"]  # queued there first, then cancelled here
        moved = max(demo_farm.jobs.values(), key=lambda j: j.id)
        assert moved.printer_id == target.id and moved.status_id == JobStatus.QUEUED
        assert demo_farm.jobs[job.id].status_id == JobStatus.ABORTED
        message = [n.message for n in app._notifications][-1]
        assert f"queued on {target.name} as job {moved.id}" in message and f"job {job.id} cancelled" in message
        audit = {(e.printer_id, e.job_id) for e in app.events.log.newest_first() if e.kind == EventKind.ACTION}
        assert audit == {(source.id, job.id), (target.id, moved.id)}  # both steps in the event log


async def test_the_move_picker_names_its_own_keys_and_fits_its_printers(sim_server, demo_farm):
    """It showed the queue's footer (p Pause, c Cancel: keys that do nothing in it) and a box as
    tall as the screen."""
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=(80, 24)) as pilot:
        await move_setup(pilot, demo_farm)
        await pilot.pause()
        screen = app.screen
        footer = " ".join(f"{key.key_display} {key.description}" for key in screen.query(FooterKey))
        assert "⏎ Move here" in footer and "esc Cancel" in footer and "Pause" not in footer
        box = screen.query_one("#printer-picker-box")
        options = screen.query_one(OptionList)
        assert box.region.height <= options.option_count + 6  # title, list, borders: no empty rows
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, JobQueueScreen)


async def test_move_says_plainly_when_the_job_is_now_queued_twice(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        _, _, job = await move_setup(pilot, demo_farm)
        real_print_file = app.client.print_file

        async def someone_else_cancels_meanwhile(*args, **kwargs):
            result = await real_print_file(*args, **kwargs)
            admin = next(u for u in demo_farm.users.values() if u.is_admin)
            with demo_farm.lock:
                demo_farm.job_cancel(admin, job.id)  # the job ends between the two steps
            return result

        app.client.print_file = someone_else_cancels_meanwhile
        await pilot.press("enter")
        await settle(pilot)
        message = [n.message for n in app._notifications][-1]
        assert "the cloud refused to cancel job" in message and "queued twice" in message


async def test_read_only_opens_no_picker_and_moves_nothing(sim_server, demo_farm, files):
    app = send_app(sim_server, demo_farm, files, read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        source, _ = same_type_pair(demo_farm)
        await select(pilot, source)
        sim_server.calls.clear()
        await pilot.press("o")
        await pilot.pause()
        assert not isinstance(app.screen, FilePickerScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert actions(sim_server.calls) == []
        assert [n.message for n in app._notifications].count("read-only: nothing is sent.") == 2


def test_progress_words_and_cancel_between_chunks(tmp_path):
    from api import Project
    from tui.upload import ProgressFile, UploadCancelled, UploadProgress, project_choice

    ticks = iter([0.0, 2.0, 2.0])  # the first chunk starts the clock; two seconds later half is sent
    progress = UploadProgress(total=4_000_000, clock=ticks.__next__)
    progress.advance(1)
    progress.advance(2_000_000)
    assert progress.line() == "2.0 MB of 4.0 MB · 1.0 MB/s · 2 s left"
    path = tmp_path / "x.gcode"
    path.write_bytes(b"G1\n" * 50_000)
    with path.open("rb") as handle:
        body = ProgressFile(handle, UploadProgress(total=150_000))
        assert len(body.read(65536)) == 65536 and body.progress.sent == 65536
        body.progress.cancelled = True
        with pytest.raises(UploadCancelled):
            body.read(65536)
    projects = [Project(id=4, name="Brackets"), Project(id=5, name="jigs")]
    assert project_choice(projects, "Brackets") == (4, None)
    assert project_choice(projects, "JIGS") == (5, None)
    assert project_choice(projects, "New one") == (None, "New one")
    assert project_choice(projects, None) == (None, None)


async def test_picker_starts_in_the_current_folder_and_goes_up_a_folder(sim_server, demo_farm, files, monkeypatch):
    """No files_dir: the picker opens where farmdash was started, and backspace shows the parent folder."""
    monkeypatch.chdir(files)
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, ready(demo_farm)[0])
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FilePickerScreen)
        tree = screen.query_one(DirectoryTree)
        assert Path(tree.path) == files
        assert f"{app.binding_key('file-picker-up')}: up a folder" in str(screen.query_one("#picker-note").render())
        await pilot.press("backspace")
        await pilot.pause()
        for _ in range(200):
            if [str(n.label) for n in tree.root.children] == ["jobs"]:
                break
            await pilot.pause(0.01)
        assert Path(tree.path) == files.parent
        assert [str(n.label) for n in tree.root.children] == ["jobs"]
        assert str(files.parent) in str(screen.query_one("#picker-title").render())


def footer_keys(screen) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [f"{key.key_display} {key.description}" for key in screen.query(FooterKey)]


async def test_picker_at_80x24_shows_its_note_and_its_own_keys(sim_server, demo_farm, files):
    """The note under the tree is on screen in the smallest terminal, and the footer names the
    picker's keys (escape, backspace), not the grid's printer actions under the dialog."""
    app = send_app(sim_server, demo_farm, files)
    app.set_keymap({"file-picker-up": "ctrl+u"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await select(pilot, ready(demo_farm)[0])
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FilePickerScreen)
        note = screen.query_one("#picker-note")
        assert note.region.height == 1 and note.region.bottom <= 23  # above the footer's row
        assert "Printable: .gcode" in str(note.render()) and "^u: up a folder" in str(note.render())
        keys = footer_keys(screen)
        assert any(key.endswith("Up a folder") and key.startswith("^u") for key in keys), keys
        assert any(key.endswith("Close") for key in keys), keys
        assert not any("Pause" in key or "Tray clear" in key for key in keys), keys


async def test_enter_typed_ahead_in_the_move_picker_closes_only_the_picker(sim_server, demo_farm):
    """`m` and three enters read at once: the first enter moves the job, the rest went on popping
    screens (the queue, then the grid: a blank app, then a crash on the empty stack)."""
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await move_setup(pilot, demo_farm)
        await pilot.press("escape")  # the picker closed: the queue, its queued job selected
        await pilot.pause()
        assert isinstance(app.screen, JobQueueScreen)
        sim_server.calls.clear()
        for key, char in [("m", "m"), ("enter", "\r"), ("enter", "\r"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))  # at once, as the driver posts one read's keys
        await settle(pilot)
        assert app.is_running
        kinds = [type(screen) for screen in app.screen_stack[1:3]]
        assert kinds == [PrinterGridScreen, JobQueueScreen], app.screen_stack  # the enters after the first act there
        assert not any(isinstance(screen, PrinterPicker) for screen in app.screen_stack)
        assert actions(sim_server.calls).count("print_file") == 1  # moved once


async def test_a_key_that_reaches_a_closed_screen_does_nothing(sim_server, demo_farm):
    """escape, then j read at once: the `j` reached the queue being closed, its `move` found no
    table and the app closed on the error (NoMatches)."""
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, JobQueueScreen)
        await app.pop_screen()
        await pilot.pause()
        assert not await app.run_action("move(1)", default_namespace=queue)
        assert app.is_running and isinstance(app.screen, PrinterGridScreen)


@pytest.mark.parametrize("screens", [1, 2])
async def test_enters_typed_ahead_open_one_screen_each(sim_server, demo_farm, screens):
    """Enters read at once each opened a job queue of the same printer (three escapes to get
    back). The first opens the queue; one read with it finds the grid no longer on top."""
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if screens == 2:
            await pilot.press("enter")
            await settle(pilot)
        for _ in range(3):  # at once, as the driver posts one read's keys
            app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        stack = [type(screen).__name__ for screen in app.screen_stack[1:]]
        expected = ["PrinterGridScreen", "JobQueueScreen", "JobDetailScreen"][: screens + 1]
        assert stack == expected, stack


async def test_the_footer_says_what_enter_and_escape_do_after_a_refusal(sim_server, demo_farm, files):
    """After a failed upload the footer still read "⏎ Send" and "esc Close / cancel the upload",
    where both keys close the dialog."""
    app = send_app(sim_server, demo_farm, files)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, ready(demo_farm)[0])
        await pick(pilot, "plate.bgcode")
        assert footer_keys(app.screen)[:1] == ["⏎ Send"], footer_keys(app.screen)
        await pilot.press("enter")
        await settle(pilot)
        assert status(app).startswith("Upload failed")
        keys = footer_keys(app.screen)
        assert "⏎ Close" in keys and "esc Close" in keys and not any("Send" in key for key in keys), keys
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SendFileScreen)
