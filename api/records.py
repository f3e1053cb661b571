"""Lists from the cloud, read one record at a time.

One record the client cannot read loses only itself: it is skipped, counted (`Records.unreadable`)
and logged once, and the rest of the list is returned. The whole farm comes back every poll, so
the printers list keeps each printer's raw record, as bytes: a record equal to last poll's (a
`marshal` dump and a bytes compare, both in C) gives back last poll's model without validating
again. Bytes, not the dict: the garbage collector never walks bytes, where a record kept as a dict
with its lists was four more objects per printer for every collection to walk (a 5,000-printer farm
kept 20,000, and each poll's young collection walked them once more). Work is done in slices of a
few milliseconds with a yield to the event loop between them, so a 5,000-printer poll never holds
the loop long enough to delay a key.
"""

from __future__ import annotations

import logging
import marshal
import time
from collections.abc import Hashable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .pace import PACE
from .text import one_line

log = logging.getLogger("farmdash.api")

SLICE_SECONDS = 0.002  # longest stretch of record work between two yields to the event loop
_CHECK_EVERY = 16  # records between two looks at the clock
_REPORTED_MAX = 10_000
_FIELD_SETS_MAX = 256  # distinct sets of field names shared; a cloud sends a handful


def as_items(payload: Any) -> list[Any]:
    """The records of a list answer: a list, an object keyed by index, one object, or null."""
    if payload is None:
        return []
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        if payload and all(isinstance(value, dict) for value in payload.values()):
            return list(payload.values())
        return [payload]
    return [payload]


def record_key(raw: Any) -> Hashable | None:
    """What identifies a record from one poll to the next: its id as sent (printers: `id` or `printer_id`)."""
    if not isinstance(raw, dict):
        return None
    key = raw.get("id", raw.get("printer_id"))
    return key if isinstance(key, (str, int)) and not isinstance(key, bool) else None


def unreadable_reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    return one_line(f"{where}: {first['msg']}")


def fingerprint(raw: Any) -> bytes | None:
    """The record as bytes that are equal when the records are (None: it cannot be written, so it
    is validated every time). `marshal` format 2 writes no back-references, which would depend on
    how many holders a value has. It tells `1` from `1.0`, so such a change validates again: the
    model would be the same, only the time is spent."""
    try:
        return marshal.dumps(raw, 2)
    except ValueError:  # not JSON's types, or nested too deep
        return None


_shared_field_sets: dict[frozenset[str], set[str]] = {}

Model = TypeVar("Model", bound=BaseModel)


def share_fields(model: Model) -> Model:
    """Give a frozen model the one set of field names every model sending the same fields shares.

    Pydantic makes a set per model of the fields that were given (~200 bytes), and the garbage
    collector walks each one: at 5,000 printers, 5,000 objects a collection. A frozen model's set
    is never changed in place (`model_copy` copies it first), so one set can serve them all.
    """
    if not model.model_config.get("frozen"):
        return model
    fields = model.__pydantic_fields_set__
    names = frozenset(fields)
    shared = _shared_field_sets.get(names)
    if shared is None:
        if len(_shared_field_sets) < _FIELD_SETS_MAX:
            _shared_field_sets[names] = fields
    elif shared is not fields:
        object.__setattr__(model, "__pydantic_fields_set__", shared)
    return model


class RecordReader:
    """Validates list items one at a time; keeps the last poll of the calls it is asked to keep."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        # per call: id -> last raw record (its `fingerprint`), id -> its model (None: it could not be read)
        self._raws: dict[str, dict[Hashable, bytes]] = {}
        self._models: dict[str, dict[Hashable, BaseModel | None]] = {}
        self._reported: set[tuple[str, Hashable]] = set()

    def forget(self) -> None:
        """Drop the kept records (a new session may see other printers)."""
        self._raws.clear()
        self._models.clear()

    async def read(
        self, call: str, model: type[BaseModel], payload: Any, *, keep: bool = False, whole: bool = True
    ) -> tuple[list[Any], int]:
        """(the records that could be read, how many could not).

        `keep`: remember raw records and models for the next call (the printers list).
        `whole`: the answer is the whole list, so records not in it are forgotten.
        """
        items = as_items(payload)
        last_raws = self._raws.get(call, {}) if keep else {}
        last_models = self._models.get(call, {})
        raws: dict[Hashable, bytes] = {}
        models: dict[Hashable, BaseModel | None] = {}
        records: list[Any] = []
        unreadable = 0
        clock = time.perf_counter
        deadline = clock() + SLICE_SECONDS
        for index, raw in enumerate(items):
            key = record_key(raw)
            kept = fingerprint(raw) if keep and key is not None else None
            previous = last_raws.get(key) if kept is not None else None
            if previous is not None and previous == kept:
                record = last_models[key]
                kept = previous  # the old copy stays; the new one dies young
            else:
                record = self._validate(call, model, raw, key, index)
            if kept is not None:
                raws[key] = kept
                models[key] = record
            if record is None:
                unreadable += 1
            else:
                records.append(record)
            if index % _CHECK_EVERY == _CHECK_EVERY - 1 and clock() > deadline:
                await PACE.breathe()
                deadline = clock() + SLICE_SECONDS
        if keep:
            if not whole:
                raws, models = {**last_raws, **raws}, {**last_models, **models}
            self._raws[call], self._models[call] = raws, models
        return records, unreadable

    def _validate(self, call: str, model: type[BaseModel], raw: Any, key: Hashable | None, index: int) -> Any:
        try:
            return share_fields(model.model_validate(raw, context=self.context))
        except ValidationError as exc:
            marker = (call, key if key is not None else f"#{index}")
            level = logging.DEBUG if marker in self._reported else logging.WARNING
            if len(self._reported) < _REPORTED_MAX:
                self._reported.add(marker)
            shown = f"id {one_line(key)}" if key is not None else f"item {index}"
            log.log(level, "%s: skipped a record farmdash cannot read (%s; %s)", call, shown, unreadable_reason(exc))
            return None
