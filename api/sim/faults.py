"""Faults the simulated cloud can inject, to test how a client copes with a bad day.

Off by default. Rates are probabilities per request, drawn from their own seeded generator so
that turning faults on never changes what the farm itself does. Changes arrive as JSON over an
unauthenticated route, so every value is checked (type, finite, range) before any is applied.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FAULT_KINDS = ("error_500", "timeout", "drop", "malformed_json", "html_error")

# The session refusals of the "login storm": the login succeeds, then the cloud refuses the session.
SESSION_REFUSALS = ("", "unauthorized", "too_many_sessions")

# Allowed range of each numeric setting (and of `outage_seconds`, which is not kept as such).
LIMITS: dict[str, tuple[float, float]] = {
    "latency_ms": (0.0, 60_000.0),
    "timeout_seconds": (0.0, 600.0),
    "outage_seconds": (0.0, 86_400.0),
    **{f"{kind}_rate": (0.0, 1.0) for kind in FAULT_KINDS},
}


def checked_number(name: str, value: Any, low: float, high: float) -> float:
    """`value` as a finite float within [low, high], or ValueError naming the setting and the reason."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{name} must be a number, not {type(value).__name__}")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise ValueError(f"{name} must be a number, not {str(value)[:40]!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number")
    if not low <= number <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g}")
    return number


def checked_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


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
    refuse_sessions: str = ""  # "unauthorized" (401) or "too_many_sessions" (200, result false) after login
    seed: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.rng.seed(self.seed)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply `changes` (the JSON of `/sim/faults`) all or nothing: ValueError says what is wrong."""
        if not isinstance(changes, dict):
            raise ValueError("the body must be a JSON object")
        checked: dict[str, Any] = {}
        for key, value in changes.items():
            if key in LIMITS:
                checked[key] = checked_number(key, value, *LIMITS[key])
            elif key == "seed":
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError("seed must be an integer")
                checked[key] = value
            elif key == "refuse_sessions":
                if value not in SESSION_REFUSALS:
                    raise ValueError(f"refuse_sessions must be one of {', '.join(map(repr, SESSION_REFUSALS))}")
                checked[key] = value
            elif key in ("expire_sessions", "clear"):
                checked_flag(key, value)  # `clear` is applied first, below; `expire_sessions` by the route
            else:
                raise ValueError(f"unknown fault {str(key)[:40]!r}")
        if changes.get("clear"):
            self.clear()
        for key, value in checked.items():
            if key == "outage_seconds":
                self.outage_until = time.monotonic() + value
            else:
                setattr(self, key, value)
        if "seed" in checked:
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
