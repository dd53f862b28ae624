"""Build the student edition: the book without solutions (HTML) and student notebooks.

    .venv/bin/python scripts/student_edition.py            # strip, export, build, check
    .venv/bin/python scripts/student_edition.py --no-build # strip and export notebooks only
    .venv/bin/python scripts/student_edition.py --execute  # also re-run the stripped notebooks

Output (git-ignored): student/_build/html/ (open index.html) and student/notebooks/*.ipynb.
The logic is in src/ihbook/site/student.py.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from ihbook.site.student import main  # noqa: E402

raise SystemExit(main())
