"""Faults the simulated cloud can inject, to test how a client copes with a bad day.

Off by default. Rates are probabilities per request, drawn from their own seeded generator so
that turning faults on never changes what the farm itself does.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FAULT_KINDS = ("error_500", "timeout", "drop", "malformed_json", "html_error")


@dataclass
class Faults:
    latency_ms: float = 0.0
    error_500_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    drop_rate: float = 0.0
    malformed_json_rate: float = 0.0
    html_error_rate: float = 0.0
    outage_until: float = 0.0  # time.monotonic() deadline; while before it every request drops
    seed: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.rng.seed(self.seed)

    def update(self, changes: dict[str, Any]) -> None:
        names = {f.name for f in fields(self)} - {"rng", "outage_until"}
        for key, value in changes.items():
            if key == "outage_seconds":
                self.outage_until = time.monotonic() + float(value)
            elif key in names:
                setattr(self, key, type(getattr(self, key))(value))
            elif key != "expire_sessions":
                raise ValueError(f"unknown fault {key!r}")
        if "seed" in changes:
            self.rng.seed(self.seed)

    def clear(self) -> None:
        for f in fields(self):
            if f.name not in ("rng", "seed", "timeout_seconds"):
                setattr(self, f.name, f.default)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("rng", None)
        data["outage_seconds_left"] = max(0.0, round(self.outage_until - time.monotonic(), 2))
        data.pop("outage_until")
        return data

    @property
    def in_outage(self) -> bool:
        return time.monotonic() < self.outage_until

    def pick(self) -> str | None:
        """The fault for this request, or None."""
        if self.in_outage:
            return "drop"
        for kind in FAULT_KINDS:
            rate = getattr(self, f"{kind}_rate")
            if rate and self.rng.random() < rate:
                return kind
        return None
