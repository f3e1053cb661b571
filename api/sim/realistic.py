"""The realistic mode's shapes: what public callers of the real cloud see where the doc says less.

With `FarmSettings.realistic` the simulated cloud stops agreeing with its own client: ids come
as strings, some printers have no name or type and some jobs no email or file name (null), seconds
and sizes are fractional, and now and then one printer record cannot be read. Every choice here is
a hash of the farm's seed and the record's id (never the farm's own generator, so the farm's life
is the same in both modes), so a seeded farm answers the same way on every run.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .farm import Farm
from .records import Job, Printer

UNREADABLE_PERCENT = "99.9%"


def on(farm: Farm) -> bool:
    return farm.settings.realistic


def ident(farm: Farm, value: int | None) -> int | str | None:
    """An id as the doc writes it (a number), or as public callers see it (a string)."""
    return str(value) if value is not None and on(farm) else value


def _draw(farm: Farm, *key: object) -> int:
    """A number drawn from the seed and `key` alone: stable across runs, and unrelated for near keys
    (`random.Random` seeded with similar strings gives similar first draws)."""
    text = ":".join(map(str, (farm.settings.seed, *key)))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _one_in(farm: Farm, kind: str, key: int, n: int) -> bool:
    return n > 0 and _draw(farm, kind, key) % n == 0


def nameless(farm: Farm, printer: Printer) -> bool:
    """True for the printers that come with a null name and type (about one in `nameless_one_in`)."""
    return on(farm) and _one_in(farm, "printer", printer.id, farm.settings.nameless_one_in)


def anonymous(farm: Farm, job: Job) -> bool:
    """True for the jobs that come with a null email and file name."""
    return on(farm) and _one_in(farm, "job", job.id, farm.settings.nameless_one_in)


def unreadable_printer(farm: Farm, printers: list[Printer]) -> int | None:
    """The id of the printer whose record this full list answer spoils, or None.

    Every `unreadable_every`-th full list (counted per farm) spoils one record; which one is drawn
    from the seed and the answer's number.
    """
    every = farm.settings.unreadable_every
    if not on(farm) or every <= 0 or not printers:
        return None
    farm.printer_list_answers += 1
    if farm.printer_list_answers % every:
        return None
    ids = sorted(p.id for p in printers)
    return ids[_draw(farm, "unreadable", farm.printer_list_answers) % len(ids)]


def seconds(farm: Farm, value: float, *, number: bool = False) -> Any:
    """Seconds as the doc writes them (a whole number in a string), or fractional as public callers
    see them: `"3600.5"` in a string, or a JSON number such as `1234.5` when `number`."""
    if not on(farm):
        return str(int(value))
    fractional = round(value + 0.5, 1) if value else 0.0
    return fractional if number else f"{fractional:.1f}"


def extruders(farm: Farm, job: Job, nozzle_temp: float, weight: float, count: int) -> Any:
    """The doc's `{"R": 230, "L": 0}` (temperatures), or the per-extruder list public callers also
    see (`[{"w": 12.3}, ...]`, grams per extruder, no temperature): in the realistic mode, both
    shapes occur, about half the jobs each."""
    if on(farm) and _draw(farm, "extruders", job.id) % 2 == 0:
        return [{"w": round(weight if i == 0 else 0.0, 1)} for i in range(count)]
    return {"R": int(nozzle_temp), "L": 0} if count == 2 else {"R": int(nozzle_temp)}


def filaments(farm: Farm, count: int, diameter: float) -> Any:
    """Filaments as the doc's list, or as an object keyed by extruder index."""
    items = [{"extruder": i, "material": "PLA", "diameter": diameter} for i in range(count)]
    return {str(i): item for i, item in enumerate(items)} if on(farm) else items
