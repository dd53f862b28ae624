"""Step 0 of the triage demo: make a complaint matchable, and decide whether it can be processed.

Two jobs, kept apart on purpose (issue 12):

- :func:`normalize` prepares the text *for matching only*: Traditional → Simplified (OpenCC
  ``t2s``), full-width → half-width (NFKC: ２０ → 20, ％ → %, ！ → !), HTML tags and
  entities, emoji and other pictographs removed. The reader's own text is never changed;
  the demo shows what they typed (escaped).
- :func:`check_input` is the gate (empty, not text, over-long, markup, not Chinese). In
  :func:`ihbook.chapters.triage.triage` it runs **after** the red-flag scan, so an emergency
  inside a long, emoji-laden or ``<``/``>``-containing complaint is never refused.

:func:`excerpt` shortens what is echoed back: a refused over-long input is never shown whole.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

MAX_CHARS = 1000         # longer complaints are refused (after the red-flag scan)
SCAN_CHARS = 20000       # the red-flag scan reads at most this much of a huge input
ECHO_CHARS = 40          # at most this many characters of a refused input are echoed
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PUNCT = re.compile(r"[，,。.；;！!？?、\s]")
CLAUSE_END = "，,。.；;！!？?\n"
TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^<>]*>")
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!][^<>]*>|&[#a-zA-Z0-9]+;|javascript:|\{\{|\}\}|\[\[|\]\(", re.I)
# emoji, pictographs, dingbats, variation selectors, zero-width joiners, skin tones, flags
EMOJI = re.compile("[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U0001F1E6-\U0001F1FF"
                   "\U00002B00-\U00002BFF\U0000FE00-\U0000FE0F\U0000200B-\U0000200F\U00002060\U0000E000-\U0000F8FF"
                   "\U000020D0-\U000020FF\U00003030\U0000303D\U00003297\U00003299]")


# decoration people put inside words (胸*口*疼, 喘不上气~~~, 【急】); removed for matching only
DECOR = re.compile(r"[*＊·•~～`^_|#@…—–【】「」『』〔〕\"“”‘’]")


class InputProblem(ValueError):
    """A complaint the demo cannot process; the message says why, in Chinese."""


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters as Simplified (頭痛 → 头痛, 喉嚨 → 喉咙)."""
    return _t2s().convert(text)


def strip_markup(text: str) -> str:
    """HTML tags removed and entities decoded; a lone ``<`` or ``>`` (血压>180) is kept."""
    return html.unescape(TAG.sub(" ", text))


def strip_emoji(text: str) -> str:
    return EMOJI.sub("", text)


@lru_cache(maxsize=16384)   # pure; the evaluation and the fallback normalize the same complaints again
def normalize(text: str) -> str:
    """The complaint as the matcher reads it (never shown as the reader's words).

    Markup and emoji are stripped, full-width forms folded (NFKC), Traditional converted to
    Simplified, runs of blanks collapsed, Latin letters lower-cased.
    """
    s = strip_emoji(strip_markup(text[:SCAN_CHARS]))
    s = unicodedata.normalize("NFKC", s)
    s = to_simplified(s)
    s = DECOR.sub("", s)
    s = re.sub(r"[ \t\u3000]+", " ", s)
    s = re.sub(r"(?<=[\u3400-\u9fff])[^\w，,。.；;！!？?、\n]+(?=[\u3400-\u9fff])", "", s)   # 叫 不-醒 → 叫不醒
    return s.strip().lower()


def has_chinese(text: str) -> bool:
    return bool(CJK.search(text))


def chinese_share(text: str) -> float:
    """Share of Chinese characters among the letters (digits, punctuation, emoji ignored)."""
    s = strip_emoji(strip_markup(text))
    letters = [ch for ch in s if not PUNCT.match(ch) and not ch.isdigit() and (ch.isalpha() or CJK.match(ch))]
    return sum(1 for ch in letters if CJK.match(ch)) / len(letters) if letters else 0.0


def check_input(complaint) -> str | None:
    """The gate: ``None`` if the complaint can be triaged, else the reason (Chinese).

    Runs after the red-flag scan (see the module docstring). Emoji are not a reason to refuse;
    markup is refused only when it is real markup (``<script>``), not a comparison (``>180``).
    """
    if not isinstance(complaint, str):
        return "请输入一段文字形式的主诉（例如：“咳嗽三天，有黄痰”）。"
    s = complaint.strip()
    if not strip_emoji(s).strip():
        return "主诉是空的：请用一两句话描述哪里不舒服、持续多久（例如：“咳嗽三天，有黄痰”）。"
    if len(s) > MAX_CHARS:
        return f"主诉过长（{len(s)} 字）：请用一两句话描述最主要的不适，不超过 {MAX_CHARS} 字。"
    if MARKUP.search(s):
        return "输入中含有网页标记或代码（如 <script>）：本演示只接受纯文字的症状描述。"
    if not has_chinese(s) or chinese_share(s) < 0.2:
        return "本演示只识别中文主诉：请用中文描述症状（例如：“头痛两天”）。"
    return None


def excerpt(text, limit: int = ECHO_CHARS) -> str:
    """What may be echoed back of an input: at most ``limit`` characters, with the length."""
    s = text if isinstance(text, str) else repr(text)
    s = s.replace("\n", " ")
    return s if len(s) <= limit else f"{s[:limit]}…（共 {len(s)} 字，未全部显示）"
