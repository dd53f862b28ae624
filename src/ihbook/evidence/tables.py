"""The Frictionless descriptor of every table in ``data/``, and its validation.

The descriptor is generated from the table definitions below (``python
scripts/datapackage_spec.py`` writes ``data/datapackage.json``), so the schema and the code
that reads the tables cannot drift apart. :func:`validate` runs Frictionless and reports every
problem as file, row, column and reason in Chinese.
"""
from __future__ import annotations

from pathlib import Path

from ihbook.evidence.ledger import COLUMNS as CLAIM_COLUMNS, KINDS, QUALIFIERS, TOPICS, DataError
from ihbook.evidence.paths import DATA

S = {"type": "string"}
REQ = {"type": "string", "constraints": {"required": True}}


def _f(name: str, desc: str, **spec) -> dict:
    field = {"name": name, "description": desc, "type": "string"}
    field.update(spec)
    return field


def _enum(values) -> dict:
    return {"constraints": {"required": True, "enum": sorted(values)}}


TABLES: dict[str, dict] = {
    "sources": {
        "path": "sources.csv", "title": "来源清单", "description": "五份来源文档的元数据，每份一行。",
        "primaryKey": ["source_id"],
        "fields": [
            _f("source_id", "来源的简短编号", constraints={"required": True, "unique": True, "pattern": "[a-z0-9]+-[0-9]{4}"}),
            _f("raw_file", "data/sources/raw/ 中的原始文件名", constraints={"required": True}),
            _f("title", "标题", constraints={"required": True}),
            _f("publisher", "发布方", constraints={"required": True}),
            _f("author", "作者（不详则空）"),
            _f("date", "发布日期（YYYY 或 YYYY-MM-DD）", constraints={"required": True, "pattern": "[0-9]{4}(-[0-9]{2}-[0-9]{2})?"}),
            _f("url", "原文网址（未随文本保存则空）"),
            _f("kind", "类型", **_enum(["web-article", "report-preview"])),
            _f("language", "原文文字", **_enum(["zh-Hans", "zh-Hant"])),
            _f("rights", "权利说明", constraints={"required": True}),
        ],
    },
    "claims": {
        "path": "claims.csv", "title": "数字账本", "description": "本书使用的每一个数字，附逐字引文。",
        "primaryKey": ["claim_id"],
        "fields": [
            _f("claim_id", "编号：来源前缀 + 序号", constraints={"required": True, "unique": True, "pattern": "[A-Z]{1,3}[0-9]{2}-[0-9]{3}"}),
            _f("source_id", "来源编号", constraints={"required": True}),
            _f("topic", "主题", **_enum(TOPICS)),
            _f("metric", "指标（data/keys/metrics.csv）", constraints={"required": True}),
            _f("entity", "主体（data/keys/entities.csv）", constraints={"required": True}),
            _f("period", "时期：空、YYYY、YYYY-MM、YYYY-Hn、YYYY-Qn、YYYY/YYYY、YYYY-MM/YYYY-MM",
               constraints={"pattern": r"(|\d{4}|\d{4}-(0[1-9]|1[0-2])|\d{4}-H[12]|\d{4}-Q[1-4]|\d{4}/\d{4}|\d{4}-(0[1-9]|1[0-2])/\d{4}-(0[1-9]|1[0-2]))"}),
            _f("value", "来源所写的数值（来源的单位）", type="number", constraints={"required": True}),
            _f("value_max", "区间上限（仅区间）", type="number"),
            _f("value_text", "引文中数字的原样写法", constraints={"required": True}),
            _f("qualifier", "限定：约/超过/不足/区间", constraints={"enum": sorted(QUALIFIERS)}),
            _f("unit", "来源的单位", constraints={"required": True}),
            _f("kind", "类型", **_enum(KINDS)),
            _f("quote", "规范化文本中的逐字引文", constraints={"required": True}),
            _f("relation", "与其他数字的算术关系（op:ID,ID）"),
            _f("note", "备注"),
        ],
        "foreignKeys": [
            {"fields": "source_id", "reference": {"resource": "sources", "fields": "source_id"}},
            {"fields": "metric", "reference": {"resource": "metrics", "fields": "metric"}},
            {"fields": "entity", "reference": {"resource": "entities", "fields": "entity"}},
        ],
    },
    "conflicts": {
        "path": "conflicts.csv", "title": "冲突清单", "description": "由 ihbook.evidence.conflicts 从账本生成，勿手工编辑。",
        "primaryKey": ["conflict_id"],
        "fields": [
            _f("conflict_id", "编号（由类型与数字编号散列而来，稳定）", constraints={"required": True, "unique": True, "pattern": "CF-[0-9a-f]{6}"}),
            _f("kind", "类型", **_enum(["cross-source", "within-source", "arithmetic", "definition"])),
            _f("claim_ids", "涉及的数字编号，以分号分隔", constraints={"required": True}),
            _f("summary", "说明", constraints={"required": True}),
            _f("magnitude", "相差倍数（算术冲突为所述值÷重算值）", type="number", constraints={"required": True}),
        ],
    },
    "metrics": {
        "path": "keys/metrics.csv", "title": "指标词表", "description": "账本 metric 列的受控词表。",
        "primaryKey": ["metric"],
        "fields": [
            _f("metric", "指标键", constraints={"required": True, "unique": True, "pattern": "[a-z0-9_]+"}),
            _f("label", "中文名称", constraints={"required": True}),
            _f("family", "相关指标归为一族（图表与浏览用）", constraints={"required": True}),
            _f("term", "来源用来称呼它的词（同词不同口径者检测为口径冲突）"),
            _f("dimension", "量纲", constraints={"required": True}),
            _f("aggregation", "stock＝时点水平；flow＝期间总量", constraints={"required": True, "enum": ["stock", "flow"]}),
            _f("max_annual_growth", "合理的年增长上限（冲突检测用；空＝不跨期比较）", type="number"),
            _f("description", "说明"),
        ],
    },
    "entities": {
        "path": "keys/entities.csv", "title": "主体词表", "description": "账本 entity 列的受控词表。",
        "primaryKey": ["entity"],
        "fields": [
            _f("entity", "主体键", constraints={"required": True, "unique": True, "pattern": "[a-z0-9_]+"}),
            _f("label", "中文名称", constraints={"required": True}),
            _f("kind", "类别", constraints={"required": True}),
        ],
    },
    "quotes": {
        "path": "quotes.csv", "title": "引文表", "description": "不含数字的逐字引文（定义、表述）。",
        "primaryKey": ["quote_id"],
        "fields": [
            _f("quote_id", "编号", constraints={"required": True, "unique": True, "pattern": "Q-[a-z0-9-]+"}),
            _f("source_id", "来源编号", constraints={"required": True}),
            _f("topic", "主题", constraints={"required": True}),
            _f("quote", "逐字引文", constraints={"required": True}),
            _f("note", "备注"),
        ],
    },
    "furniture": {
        "path": "sources/furniture.csv", "title": "页面杂项规则", "description": "规范化时删去页面杂项的规则。",
        "fields": [
            _f("source_id", "来源编号", constraints={"required": True}),
            _f("action", "动作", **_enum(["drop-line", "drop-from", "drop-until", "reflow"])),
            _f("pattern", "正则表达式"),
            _f("reason", "理由", constraints={"required": True}),
        ],
    },
    "repairs": {
        "path": "sources/repairs.csv", "title": "乱码修复", "description": "对原网页转码损坏处的编辑修复。",
        "fields": [
            _f("source_id", "来源编号", constraints={"required": True}),
            _f("garbled", "损坏的原文", constraints={"required": True}),
            _f("repaired", "修复后", constraints={"required": True}),
            _f("note", "依据", constraints={"required": True}),
        ],
    },
    "removed": {
        "path": "sources/removed.csv", "title": "删改记录", "description": "规范化命令删去或改动的全部内容及理由（生成）。",
        "fields": [
            _f("source_id", "来源编号", constraints={"required": True}),
            _f("step", "步骤", constraints={"required": True}),
            _f("text", "被删去或改动的内容", constraints={"required": True}),
            _f("reason", "理由", constraints={"required": True}),
        ],
    },
}


SCHEMAS = DATA / "schemas"


def all_tables() -> dict[str, dict]:
    """The built-in tables plus every topic table described in ``data/schemas/<name>.json``
    (same keys as the entries of ``TABLES``: path, title, description, fields, primaryKey,
    foreignKeys), so a chapter can add a table without editing this module."""
    import json

    tables = dict(TABLES)
    if SCHEMAS.is_dir():
        for f in sorted(SCHEMAS.glob("*.json")):
            tables[f.stem] = json.loads(f.read_text(encoding="utf-8"))
    return tables


def descriptor() -> dict:
    resources = []
    for name, spec in all_tables().items():
        res = {"name": name, "path": spec["path"], "title": spec["title"], "description": spec["description"],
               "format": "csv", "encoding": "utf-8", "mediatype": "text/csv",
               "schema": {"fields": spec["fields"]}}
        if "primaryKey" in spec:
            res["schema"]["primaryKey"] = spec["primaryKey"]
        if "foreignKeys" in spec:
            res["schema"]["foreignKeys"] = spec["foreignKeys"]
        resources.append(res)
    return {"name": "ihbook-data", "title": "中国互联网医疗读本：数据包",
            "licenses": [{"name": "CC-BY-4.0", "title": "本书自编数据（账本结构、词表、派生表）"}],
            "resources": resources}


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
    """Validate every table against the descriptor (empty list: all good)."""
    from frictionless import Package

    pkg = Package(descriptor(), basepath=str(root))
    report = pkg.validate()
    return _errors_of(report, lambda t: f"data/{t.place}" if getattr(t, "place", None) else "data/datapackage.json")


def validate_file(path: Path, table: str) -> list[DataError]:
    """Validate one CSV file against one table's schema (used for fixtures and new tables)."""
    from frictionless import Resource, Schema

    spec = all_tables()[table]
    schema = {"fields": spec["fields"]}
    if "primaryKey" in spec:
        schema["primaryKey"] = spec["primaryKey"]
    path = Path(path).resolve()
    res = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema),
                   format="csv", encoding="utf-8")
    report = res.validate()
    return _errors_of(report, lambda t: str(path))
