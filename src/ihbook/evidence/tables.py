"""The table registry: every table in ``data/``, its schema, its checks and one loader.

Each table is described by one JSON file in ``data/schemas/<name>.json`` — the Frictionless
fields of the table plus ``path``, ``title``, ``description``, optionally ``primaryKey``,
``foreignKeys``, ``order`` (position in the data package; default after the core tables) and
``checks``: the deeper checks the table needs beyond its schema (quotes verbatim in the source,
ids that exist, raw files unchanged), each named ``"module:function"``, a function without
required arguments that returns its problems. Files are discovered, so a chapter adds a
table by adding its schema file, with no code change here.

- :func:`schemas` / :func:`schema` — the registry, by table name.
- :func:`load_table` — a table as a DataFrame, typed from its schema.
- :func:`read_checked` — a table read only after its own check passes.
- :func:`descriptor` — ``data/datapackage.json`` (written by ``python -m ihbook.generate``).
- :func:`validate` / :func:`validate_file` — Frictionless against the schemas.
- :func:`run_checks` — every declared check, each once.
- :func:`unregistered` — CSV files in ``data/`` without a schema.

Every problem is reported as file, row, column and reason (:class:`~ihbook.evidence.ledger.DataError`).
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import pandas as pd

from ihbook.evidence.ledger import DataError, LedgerError
from ihbook.evidence.paths import DATA

SCHEMAS = DATA / "schemas"
DEFAULT_ORDER = 100
PACKAGE_KEYS = ("primaryKey", "foreignKeys")


class RegistryError(KeyError):
    """An unknown table name; the message lists the known ones."""


class SchemaFileError(ValueError):
    """A schema file that cannot be read as a table schema; the message names the file."""


REQUIRED_KEYS = ("path", "title", "description", "fields")


def _read_schema(f: Path) -> dict:
    try:
        spec = json.loads(f.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SchemaFileError(f"data/schemas/{f.name} 不是有效的 JSON：{exc}") from None
    missing = [k for k in REQUIRED_KEYS if not isinstance(spec, dict) or k not in spec]
    if missing:
        raise SchemaFileError(f"data/schemas/{f.name} 缺少 {'、'.join(missing)}")
    return spec


def schema_errors(folder: Path = SCHEMAS) -> list[DataError]:
    """Schema files the registry cannot use (invalid JSON, missing keys), as errors."""
    out = []
    for f in sorted(Path(folder).glob("*.json")):
        try:
            _read_schema(f)
        except SchemaFileError as exc:
            out.append(DataError(f"data/schemas/{f.name}", 1, "（全文）", str(exc)))
    return out


def schemas(folder: Path = SCHEMAS) -> dict[str, dict]:
    """Every schema in ``folder`` by table name (the file's stem), in data-package order.
    A file that is not a usable schema raises :class:`SchemaFileError` naming it."""
    found = {f.stem: _read_schema(f) for f in sorted(Path(folder).glob("*.json"))}
    return dict(sorted(found.items(), key=lambda kv: (kv[1].get("order", DEFAULT_ORDER), kv[0])))


def all_tables() -> dict[str, dict]:
    """The registry (the name this module used before the schemas moved to JSON)."""
    return schemas()


def schema(name: str) -> dict:
    """One table's schema; a :class:`RegistryError` names the known tables."""
    reg = schemas()
    if name not in reg:
        raise RegistryError(f"没有名为“{name}”的表；已登记：{'、'.join(reg)}")
    return reg[name]


def load_table(name: str, root: Path = DATA) -> pd.DataFrame:
    """Table ``name`` as a DataFrame: text columns as ``str`` (empty cells as ``""``), number
    columns as floats (empty: NaN), integer columns as nullable ``Int64``, booleans as
    ``boolean``. Columns not in the schema are kept as text."""
    spec = schema(name)
    df = pd.read_csv(Path(root) / spec["path"], dtype=str, keep_default_na=False)
    for field in spec["fields"]:
        col, kind = field["name"], field.get("type", "string")
        if col not in df:
            continue
        if kind == "number":
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype(float)
        elif kind == "integer":
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype("Int64")
        elif kind == "boolean":
            df[col] = df[col].str.lower().map({"true": True, "false": False, "1": True, "0": False}).astype("boolean")
    return df


def read_checked(path: Path, check) -> pd.DataFrame:
    """A hand-written table as text (empty cells ``""``), read only after ``check()`` found no
    problem; otherwise :class:`~ihbook.evidence.ledger.LedgerError` lists every problem (file,
    row, column, reason). Chapters read their own tables through this, so none is used unchecked."""
    errors = check()
    if errors:
        raise LedgerError(errors)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def descriptor() -> dict:
    """The Frictionless data package of every registered table."""
    resources = []
    for name, spec in schemas().items():
        res = {"name": name, "path": spec["path"], "title": spec["title"], "description": spec["description"],
               "format": "csv", "encoding": "utf-8", "mediatype": "text/csv",
               "schema": {"fields": spec["fields"]}}
        for key in PACKAGE_KEYS:
            if key in spec:
                res["schema"][key] = spec[key]
        resources.append(res)
    return {"name": "ihbook-data", "title": "中国互联网医疗读本：数据包",
            "licenses": [{"name": "CC-BY-4.0", "title": "本书自编数据（账本结构、词表、派生表）"}],
            "resources": resources}


def descriptor_text() -> str:
    """``data/datapackage.json`` exactly as it should be on disk."""
    return json.dumps(descriptor(), ensure_ascii=False, indent=2) + "\n"


_REASONS = {
    "type-error": "类型不符", "constraint-error": "违反约束", "missing-cell": "缺少单元格",
    "extra-cell": "多出单元格", "unique-error": "值重复", "primary-key": "主键重复",
    "blank-row": "空行", "duplicate-label": "列名重复", "missing-label": "缺少列名",
    "incorrect-label": "列名不符", "extra-label": "多出列", "blank-label": "列名为空",
    "foreign-key": "外键无对应", "encoding-error": "编码错误", "source-error": "无法读取",
    "scheme-error": "无法读取", "format-error": "格式错误",
}


def _errors_of(report, file_for) -> list[DataError]:
    out = []
    for task in report.tasks:
        fname = file_for(task)
        for err in task.errors:
            row = getattr(err, "row_number", None) or 1
            col = getattr(err, "field_name", None) or getattr(err, "label", None) or "（整行）"
            reason = _REASONS.get(err.type, err.type)
            out.append(DataError(fname, row, col, f"{reason}：{err.note or err.message}"))
    return out


def validate(root: Path = DATA) -> list[DataError]:
    """Validate every table against its schema with Frictionless (empty list: all good)."""
    from frictionless import Package

    pkg = Package(descriptor(), basepath=str(root))
    report = pkg.validate()
    return _errors_of(report, lambda t: f"data/{t.place}" if getattr(t, "place", None) else "data/datapackage.json")


def validate_file(path: Path, table: str) -> list[DataError]:
    """Validate one CSV file against one table's schema (fixtures, drafts of a table)."""
    from frictionless import Resource, Schema

    spec = schema(table)
    desc = {"fields": spec["fields"]}
    if "primaryKey" in spec:
        desc["primaryKey"] = spec["primaryKey"]
    path = Path(path).resolve()
    res = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(desc),
                   format="csv", encoding="utf-8")
    report = res.validate()
    return _errors_of(report, lambda t: str(path))


def unregistered(root: Path = DATA) -> list[DataError]:
    """CSV files in ``data/`` that no schema describes (a table nobody checks)."""
    described = {spec["path"] for spec in schemas().values()}
    return [DataError(f"data/{rel}", 1, "（全表）", "没有登记的表：请在 data/schemas/ 加一个结构文件")
            for rel in sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*.csv"))
            if rel not in described]


def declared_checks() -> dict[str, list[str]]:
    """Each declared check (``"module:function"``) → the tables that declare it."""
    out: dict[str, list[str]] = {}
    for name, spec in schemas().items():
        for ref in spec.get("checks", []):
            out.setdefault(ref, []).append(name)
    return out


def _resolve(ref: str):
    module, _, func = ref.partition(":")
    if not module or not func:
        raise ValueError(f"检查“{ref}”应写作 module:function")
    return getattr(importlib.import_module(module), func)


def run_checks() -> list[DataError]:
    """Run every declared check once. A check may return DataErrors or plain messages; a
    message becomes an error on the declaring table's file. A check that cannot be imported
    or that raises is itself reported (never silently skipped)."""
    errors: list[DataError] = []
    reg = schemas()
    for ref, names in declared_checks().items():
        where = f"data/{reg[names[0]]['path']}"
        try:
            found = _resolve(ref)() or []
        except Exception as exc:  # noqa: BLE001 - a broken check is a finding, not a crash
            errors.append(DataError(where, 1, "（检查）", f"{ref} 无法运行：{type(exc).__name__}: {exc}"))
            continue
        for e in found:
            errors.append(e if isinstance(e, DataError) else DataError(where, 1, "（检查）", f"{ref}：{e}"))
    return errors
