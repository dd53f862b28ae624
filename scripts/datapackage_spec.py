"""Write data/datapackage.json (run after adding a table; a test checks the file is current)."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from ihbook.evidence.tables import descriptor  # noqa: E402

out = Path(__file__).resolve().parents[1] / "data" / "datapackage.json"
out.write_text(json.dumps(descriptor(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(f"wrote {out}")
