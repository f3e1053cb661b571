"""A user's `[keymap]` checked before the screen is taken over.

Textual applies a keymap silently: a binding id it does not know is ignored, and a key that
another binding of the same screen already answers takes that binding's place (`pause = "q"`
would steal quit). Both are refused at start, one line each.
"""

from __future__ import annotations

import re
import string

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key
from textual.widgets import DataTable

from .app import FarmDash
from .screens.base import FarmModal, FarmScreen
from .screens.event_log import EventLogScreen
from .screens.job_queue import JobQueueScreen
from .screens.printer_grid import PrinterGridScreen
from .widgets.printer_grid import PrinterGrid
from .widgets.printer_table import PrinterTable

# Where keys meet: the nodes whose bindings answer together (focused widget, screen, app). The
# printer lists and the queue's table are named; every other screen is found from the screen
# bases, so a new screen is checked without being listed here.
FOCUSED: dict[type[DOMNode], tuple[tuple[str, type[DOMNode]], ...]] = {
    PrinterGridScreen: (("the printer grid", PrinterGrid), ("the printer table", PrinterTable)),
    JobQueueScreen: (("the job queue", DataTable),),
    EventLogScreen: (("the event log", DataTable),),
}


def _all_subclasses(cls: type) -> list[type]:
    found: list[type] = []
    subclasses: list[type] = cls.__subclasses__()
    for subclass in subclasses:
        found += [subclass, *_all_subclasses(subclass)]
    return found


def _words(cls: type) -> str:
    """`JobDetailScreen` -> `job detail`."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__.removesuffix("Screen")).lower()


def contexts() -> dict[str, tuple[type[DOMNode], ...]]:
    found: dict[str, tuple[type[DOMNode], ...]] = {}
    for screen, places in FOCUSED.items():
        for where, widget in places:
            found[where] = (widget, screen, FarmDash)
    for screen in _all_subclasses(FarmScreen):
        if screen not in FOCUSED and not screen.__subclasses__():  # a base is checked in its screens
            found[f"the {_words(screen)} screen"] = (screen, FarmDash)
    for modal in _all_subclasses(FarmModal):  # a modal answers its own keys only
        found[f"the {_words(modal)} dialog"] = (modal,)
    return found


def _bindings(node_type: type[DOMNode]) -> list[Binding]:
    return [binding for bindings in node_type._merge_bindings().key_to_bindings.values() for binding in bindings]


def known_ids() -> set[str]:
    return {b.id for types in contexts().values() for t in types for b in _bindings(t) if b.id}


MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = {key.value for key in Keys if not key.value.startswith("<")} | {
    _character_to_key(character) for character in string.punctuation
}


def is_key(key: str) -> bool:
    """A key Textual can deliver: one character, or a key name (`f5`, `escape`, `question_mark`),
    after any modifiers (`ctrl+x`). Names are lower case: a binding to `F1` never fires."""
    if len(key) == 1:  # "+" and "," too
        return True
    *modifiers, base = key.split("+")
    if not base or any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    return len(base) == 1 or base in NAMED_KEYS


def _key_problems(keymap: dict[str, str], ids: set[str]) -> list[str]:
    """A key that can never be pressed leaves its action out of reach; Textual takes it silently."""
    problems = []
    for binding_id, keys in keymap.items():
        if binding_id not in ids:
            continue
        bad = [key.strip() for key in keys.split(",") if not is_key(key.strip())] if keys.strip() else [""]
        for key in bad:
            hint = f'; did you mean "{key.lower()}"?' if key and is_key(key.lower()) else ""
            what = (
                f'gives "{key}", which is no key' if key else "gives no key" if not keys.strip() else "has an empty key"
            )
            problems.append(f'[keymap] {binding_id} = "{keys}" {what} (keys look like P, ctrl+x, f5, escape){hint}')
    return problems


def keymap_problems(keymap: dict[str, str]) -> list[str]:
    """One line per binding id nobody has, per key that cannot be pressed, or per key that would
    answer two things on one screen."""
    normalized = FarmDash._normalize_keymap(keymap)
    ids = known_ids()
    problems = [
        f'[keymap] names "{binding_id}", which is no binding (known: {", ".join(sorted(ids))})'
        for binding_id in normalized
        if binding_id not in ids
    ]
    problems += _key_problems(keymap, ids)
    if problems:
        return problems  # a collision check over keys that cannot be pressed would only add noise
    reported: set[tuple[str, str]] = set()
    for where, types in contexts().items():
        owners: dict[str, Binding] = {}
        for node_type in types:
            for binding in _bindings(node_type):
                keys = normalized.get(binding.id, binding.key) if binding.id else binding.key
                for key in (key.strip() for key in keys.split(",")):
                    owner = owners.setdefault(key, binding)
                    if owner is binding or _same(owner, binding):
                        continue
                    remapped = next((b for b in (binding, owner) if b.id in normalized), None)
                    if remapped is None or (remapped.id, key) in reported:
                        continue  # farmdash's own defaults shadow each other on purpose
                    other = owner if remapped is binding else binding
                    reported.add((remapped.id or "", key))
                    what = other.description or other.action
                    problems.append(
                        f'[keymap] {remapped.id} = "{keymap_text(keymap, remapped.id)}" takes "{key}", '
                        f"which already means {what!r} on {where}"
                    )
    return problems


def _same(a: Binding, b: Binding) -> bool:
    return a.action == b.action and a.id == b.id


def keymap_text(keymap: dict[str, str], binding_id: str | None) -> str:
    return keymap.get(binding_id or "", "")
