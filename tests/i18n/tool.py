"""scripts/i18n.py, loaded as a module (scripts/ is not a package)."""

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[2] / "scripts" / "i18n.py"
_spec = importlib.util.spec_from_file_location("mentorhub_i18n_tool", _PATH)
assert _spec is not None and _spec.loader is not None
i18n = importlib.util.module_from_spec(_spec)
sys.modules["mentorhub_i18n_tool"] = i18n
_spec.loader.exec_module(i18n)
