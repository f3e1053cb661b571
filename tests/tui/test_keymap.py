"""A user's [keymap] reaches every place a key is named, and a keymap that collides is refused at start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.cli import main
from tui.commands import BindingCommands
from tui.keymap import keymap_problems, known_ids
from tui.screens.help import HelpScreen
from tui.widgets.printer_grid import PrinterGrid

from .helpers import SIZE, act, build_app, first, select, settle

KEYMAP = {"pause": "P", "tray-clear": "T", "start": "X"}


def help_rows(app) -> str:
    return "\n".join(str(static.render()) for static in app.screen.query("Static"))


async def test_help_palette_refusals_and_card_hint_show_the_remapped_keys(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    app.set_keymap(KEYMAP)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid_screen = app.screen
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = [" ".join(line.split()) for line in help_rows(app).splitlines()]
        assert "P Pause" in rows and "T Tray clear" in rows and "X Start queued" in rows
        assert "p Pause" not in rows and "t Tray clear" not in rows
        await pilot.press("escape")
        await pilot.pause()

        hits = [hit async for hit in BindingCommands(grid_screen).discover()]
        helps = {hit.display: hit.help for hit in hits}
        assert helps["Pause"] == "key: P" and helps["Tray clear"] == "key: T"

        bed = first(demo_farm, "bed_not_clear")
        await select(pilot, bed)
        assert await act(pilot, sim_server, "X") == []  # start does not apply: the tray is not clear
        notices = [n.message for n in app._notifications]
        assert any("T marks it clear first" in message for message in notices), notices
        assert not any("t marks it clear first" in message for message in notices)

        grid = app.screen.query_one(PrinterGrid)
        card = grid.render_item(next(v for v in grid.items if v.id == bed.id), 30, False)
        assert "T clears the tray" in " ".join(line.plain for line in card)

        assert await act(pilot, sim_server, "p") == []  # the old key does nothing now
        printing = first(demo_farm, "printing")
        await select(pilot, printing)
        assert await act(pilot, sim_server, "P") == ["job_pause"]


@pytest.mark.parametrize(
    ("keymap", "says"),
    [
        ({"pause": "q"}, "already means 'Quit' on the printer grid"),
        ({"pause": "c"}, "already means 'Cancel'"),
        ({"help": "j"}, "already means 'Down'"),
        ({"paus": "z"}, 'names "paus", which is no binding'),
    ],
)
def test_colliding_or_unknown_keymap_is_named(keymap, says):
    problems = keymap_problems(keymap)
    assert len(problems) == 1 and says in problems[0], problems


@pytest.mark.parametrize(
    ("keymap", "says"),
    [
        (
            {"help": "F1"},
            'help = "F1" gives "F1", which is no key (keys look like P, ctrl+x, f5, escape); did you mean "f1"?',
        ),
        ({"pause": "ctrl+"}, 'pause = "ctrl+" gives "ctrl+", which is no key'),
        ({"pause": "Ctrl+P"}, 'did you mean "ctrl+p"?'),
        ({"pause": ""}, 'pause = "" gives no key'),
        ({"pause": "P,"}, 'pause = "P," has an empty key'),
        ({"pause": "pause key"}, 'gives "pause key", which is no key'),
    ],
)
def test_a_key_that_can_never_be_pressed_is_named(keymap, says):
    """Textual takes these silently and the action is out of reach (F1 never arrives: keys are f1)."""
    problems = keymap_problems(keymap)
    assert len(problems) == 1 and says in problems[0], problems


def test_keys_textual_delivers_are_accepted():
    keymap = {
        "pause": "f1",
        "resume": "ctrl+shift+u",
        "cancel": "%",
        "help": "question_mark,F",
        "start": "é",
        "faster": "+",
    }
    assert keymap_problems(keymap) == []


def test_swapped_keys_do_not_collide():
    assert keymap_problems({"pause": "c", "cancel": "p"}) == []
    assert keymap_problems(KEYMAP) == []


def test_a_colliding_keymap_is_refused_at_start_in_one_line(tmp_path, monkeypatch, capsys):
    for key in ("FARMDASH_USERNAME", "FARMDASH_PASSWORD", "FARMDASH_ENDPOINT", "FARMDASH_REFRESH"):
        monkeypatch.delenv(key, raising=False)
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\npause = "q"\n')
    monkeypatch.setenv("FARMDASH_CONFIG", str(config))
    monkeypatch.setenv("FARMDASH_STATE_DIR", str(tmp_path / "state"))
    assert main(["--demo"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ['farmdash: [keymap] pause = "q" takes "q", which already means \'Quit\' on the printer grid']


async def test_one_function_names_every_key_on_any_screen(sim_server, demo_farm):
    """`binding_key` is the one source for texts that name a key: the user's key for any binding id,
    the dialog's own and the grid's under it alike (a confirm dialog over the grid still names `T`)."""
    from tui.screens.confirm import ConfirmScreen

    app = build_app(sim_server, demo_farm)
    app.set_keymap({**KEYMAP, "confirm-yes": "Y"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [app.binding_key(i) for i in ("tray-clear", "pause", "resume", "event-log")] == ["T", "P", "u", "L"]
        app.push_screen(ConfirmScreen("Sure?"))
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert [app.binding_key(i) for i in ("confirm-yes", "confirm-no", "tray-clear", "start")] == [
            "Y",
            "n",
            "T",
            "X",
        ]
        assert app.binding_key("cancel") == "c"  # not in the keymap: the grid's own key, from under the dialog


def test_the_readme_lists_every_binding_id_a_keymap_can_name():
    """The README is where a user learns the ids for [keymap]: a new binding missing there is a key nobody can move."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    listing = readme[readme.index("Binding ids:") : readme.index("Logs go to")]
    listed = set(re.findall(r"`([a-z][a-z0-9-]*)`", listing))
    assert known_ids() - listed == set()
    assert listed - known_ids() == set()
