"""Kept for old habits: ``python -m ihbook.generate datapackage`` writes data/datapackage.json."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from ihbook.generate import main  # noqa: E402

sys.exit(main(["datapackage"]))
