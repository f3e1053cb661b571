"""The layers hold on the real import graph: `api` knows no UI, `tui` speaks no HTTP and parses no
JSON, only the command line starts the simulated cloud, and the farm logic runs without a screen.

The contracts live in pyproject.toml ([tool.importlinter]); this runs them, and checks the two
that matter most in a fresh interpreter as well.
"""

import subprocess
import sys
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def loaded_after(imports: str) -> set[str]:
    code = f"import sys; {imports}; print(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(result.stdout.split())


def test_api_and_the_simulated_cloud_load_no_ui():
    loaded = loaded_after("import api, api.sim")
    assert "textual" not in loaded and "tui" not in loaded


def test_farm_logic_loads_without_textual():
    loaded = loaded_after("import tui.sync, tui.actions, tui.rules, tui.states, tui.store, tui.session")
    assert "textual" not in loaded
