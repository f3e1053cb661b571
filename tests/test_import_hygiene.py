"""`api/` must not know the UI: importing it (and the simulated cloud) never loads Textual."""

import subprocess
import sys


def test_api_does_not_import_textual():
    code = "import sys, api, api.sim; assert 'textual' not in sys.modules, 'textual imported'; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_tui_builds_no_urls_and_parses_no_json():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "tui"
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert "import json" not in text and "httpx" not in text and "/apiglobal" not in text, path
