"""Texts folded for comparison: 三级 names into keys, narratives into character bigrams (pure)."""

import re
import unicodedata
from collections import Counter

_TAG = re.compile(r"<[^>]*>")
# Years and other numbers say nothing about what a project is ("2020年度" in every form).
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年?度?")
_NOT_WORD = re.compile(r"[\W_\d]+")
_LEVEL2_SUFFIX = re.compile(r"(?:指标|目标)$")

# What of a project is compared: its name counts thrice (it is short and says the most), then
# the start of its 概况 and 立项依据 (long ones mostly list laws and steps).
NAME_REPEAT = 3
OVERVIEW_CHARS = 400
BASIS_CHARS = 200
DOCUMENT_MAX_LENGTH = 2000


def fold(text: str) -> str:
    """NFKC, lower case, tags, years, digits, spaces and punctuation removed."""
    text = unicodedata.normalize("NFKC", _TAG.sub(" ", text or "")).lower()
    return _NOT_WORD.sub("", _YEAR.sub("", text))


def name_key(level3: str) -> str:
    """A 三级 name as rows are matched: `2020年 培训人次` and `培训人次` are one indicator."""
    return fold(level3)


def topic(level2: str) -> str:
    """A 二级 name without its 指标/目标 suffix, so that 数量 and 数量指标 meet across frameworks."""
    return _LEVEL2_SUFFIX.sub("", fold(level2)) or fold(level2)


def document(name: str, overview: str = "", basis: str = "") -> str:
    """The text of a project that is compared with others, folded and capped."""
    parts = [fold(name)] * NAME_REPEAT + [fold(overview)[:OVERVIEW_CHARS], fold(basis)[:BASIS_CHARS]]
    return " ".join(part for part in parts if part)[:DOCUMENT_MAX_LENGTH]


def bigrams(folded: str) -> Counter:
    """Character bigrams of each space-separated part of a folded text (a lone character counts as one)."""
    grams: Counter = Counter()
    for part in folded.split():
        if len(part) == 1:
            grams[part] += 1
        grams.update(part[i : i + 2] for i in range(len(part) - 1))
    return grams
