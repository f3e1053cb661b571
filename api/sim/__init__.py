"""The simulated 3DPrinterOS cloud: the whole Global API v2.1 over a living, seeded print farm."""

from .clock import SimClock
from .farm import Farm, FarmSettings, SimError
from .faults import Faults
from .generate import DEMO_PASSWORD, DEMO_USERNAME, generate_farm, load_farm_file
from .server import SimServer, serve_forever

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "Farm",
    "FarmSettings",
    "Faults",
    "SimClock",
    "SimError",
    "SimServer",
    "generate_farm",
    "load_farm_file",
    "serve_forever",
]
