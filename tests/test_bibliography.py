"""The bibliography is generated from data/sources.csv, current, and parses as BibTeX."""
import re

import yaml

from ihbook.site import bibliography
from ihbook.evidence.paths import BOOK, ROOT
from ihbook.evidence.sources import load_sources


def test_bib_file_is_current():
    assert bibliography.BIB_FILE.exists(), "run: python -m ihbook.site.bibliography"
    assert bibliography.is_current(), "book/references.bib is stale: run python -m ihbook.site.bibliography"


def test_every_source_is_an_entry_with_its_metadata():
    from pybtex.database import parse_file

    db = parse_file(str(bibliography.BIB_FILE), bib_format="bibtex")
    for s in load_sources().to_dict("records"):
        e = db.entries[s["source_id"]]
        assert e.type == ("online" if s["kind"] == "web-article" else "misc")
        assert e.fields["title"] == "{" + s["title"] + "}"
        assert e.fields["year"] == s["date"][:4]
        assert e.fields["howpublished"] == s["publisher"]
        assert e.fields["keywords"] == "source"
        assert s["rights"].rstrip("。") in e.fields["note"]
        if s["url"]:
            assert e.fields["url"] == s["url"]
        names = [str(p) for p in e.persons["author"]]
        assert names, s["source_id"]
        if s["author"]:
            assert s["author"] in names[0]


def test_software_entries_and_unique_keys():
    from pybtex.database import parse_file

    db = parse_file(str(bibliography.BIB_FILE), bib_format="bibtex")
    keys = bibliography.keys()
    assert len(keys) == len(set(keys)) == len(db.entries)
    for k in ["jupyterbook", "jieba", "pandas", "matplotlib", "ipywidgets"]:
        assert db.entries[k].fields["keywords"] == "software"
    assert db.entries["jupyterbook"].fields["doi"] == "10.5281/zenodo.4539666"


def test_a_changed_source_changes_the_bib(monkeypatch):
    import pandas as pd

    df = load_sources()
    df.loc[0, "title"] = "改过的标题 & 100% 测试_一"
    monkeypatch.setattr(bibliography, "load_sources", lambda: df)
    text = bibliography.render()
    assert r"改过的标题 \& 100\% 测试\_一" in text
    assert not bibliography.is_current()  # the committed file no longer matches
    assert isinstance(df, pd.DataFrame)


def test_bibliography_page_lists_both_groups():
    page = (BOOK / "bibliography.md").read_text(encoding="utf-8")
    assert page.count("```{bibliography}") == 2
    assert ':filter: keywords % "source"' in page and ':filter: keywords % "software"' in page


def test_citation_cff_matches_the_book():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] in cfg["title"]
    assert cff["authors"] == [{"name": cfg["author"]}]
    url = (cfg.get("repository") or {}).get("url") or ""
    # _config.yml may leave the address empty (the launch buttons then take it from the git remote)
    assert cff["repository-code"] == url if url else cff["repository-code"].startswith("https://")
    assert set(cff["license"]) == {"MIT", "CC-BY-4.0"}
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)[1]
    assert str(cff["version"]) == version


def test_licence_files():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    text = (ROOT / "LICENSE-TEXT.md").read_text(encoding="utf-8")
    for needle in ["CC BY 4.0", "版权属于各自的发布方", "教学与研究", "OFL.txt", "LICENSE"]:
        assert needle in text, needle
