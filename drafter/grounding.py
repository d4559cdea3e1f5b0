"""Grounding: every number a generated section states must come from the source text it was written from.

A model that writes "trained on 8 GPUs for 12 hours" when the abstract says "3.5 days on eight GPUs" is
inventing; the validator cannot judge prose, but it can check that each figure in the prose appears in the
source. Numbers in code, math, link targets and list numbering are not claims; numbers the archetype's
own block holds ("Component 1", "Innovation 2") are structure.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .findings import UNGROUNDED_NUMBER, Finding
from .post.markdown import blank_comments, mask_inline, scan

_UNITS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_DIGIT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_SCALES = {"k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "b": 10**9, "billion": 10**9,
           "t": 10**12, "trillion": 10**12}

# A figure: 1,000 / 28.4 / 2014, not glued to a word before it (v7, x2, d_512) nor part of a dotted run (.5).
_NUMBER = re.compile(
    r"(?<![\w.])(?P<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<scale>\s?(?:thousand|million|billion|trillion)\b|[kKMBT]\b)?(?P<percent>\s?%|\s?percent\b)?"
)
_WORD_NUMBER = re.compile(
    r"\b(?P<tens>" + "|".join(_TENS) + r")(?:[- ](?P<unit>" + "|".join(_DIGIT_WORDS) + r"))?\b"
    r"|\b(?P<word>" + "|".join(_UNITS) + r")\b",
    re.IGNORECASE,
)
_SOURCE_WORD = re.compile(r"\b(one|single|" + "|".join(list(_UNITS) + list(_TENS)) + r"|hundred|thousand)\b", re.IGNORECASE)
# Model and metric names carry numbers that are names, not measurements: GPT-3, ResNet-50, Llama-2, BLEU-4, top-1.
_NAMED = re.compile(r"\b(?:[A-Za-z]*[A-Z][A-Za-z]*|top)-\d+(?:\.\d+)?\b")
_URL = re.compile(r"\]\([^)\s]{0,2000}(?:\s+\"[^\"\n]{0,500}\")?\)|<[a-z][a-z0-9+.-]*:[^>\s]*>|\b(?:https?|ftp)://\S+|\bwww\.\S+", re.IGNORECASE)
_TIMESTAMP = re.compile(r"\b(\d{4})-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b")
_LIST_NUMBER = re.compile(r"^(\s*)(\d+)([.)]\s)")
_FOOTNOTE = re.compile(r"\[\^[^\]]*\]")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")).normalize()
    except InvalidOperation:
        return None


def _claims(text: str) -> list[tuple[str, set[Decimal], bool]]:
    """Return (as written, values it may stand for, is a percentage) for each figure in a prose line."""
    found = []
    for match in _NUMBER.finditer(text):
        value = _decimal(match.group("value"))
        if value is None:
            continue
        values = {value}
        scale = (match.group("scale") or "").strip().lower()
        if scale in _SCALES:
            values.add((value * _SCALES[scale]).normalize())
        found.append((match.group(0).strip(), values, bool(match.group("percent"))))
    for match in _WORD_NUMBER.finditer(text):
        if match.group("tens"):
            number = _TENS[match.group("tens").lower()] + (_DIGIT_WORDS[match.group("unit").lower()] if match.group("unit") else 0)
        else:
            number = _UNITS[match.group("word").lower()]
        found.append((match.group(0), {Decimal(number)}, False))
    return found


def source_numbers(source: str) -> tuple[set[Decimal], set[Decimal]]:
    """Return every number the source states (digits and number words, scaled forms too), and those given as percentages."""
    values: set[Decimal] = set()
    percents: set[Decimal] = set()
    # A timestamp states its year, not figures: 2017-06-12T17:57:34Z grounds 2017, not 6, 12 or 57.
    source = _TIMESTAMP.sub(lambda m: m.group(1), source)
    for match in re.finditer(r"(?<![A-Za-z])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)", source):
        value = _decimal(match.group(0))
        if value is None:
            continue
        values.add(value)
        after = source[match.end(): match.end() + 12].lower()
        scale = re.match(r"\s?(thousand|million|billion|trillion|k|m|b|t)\b", after)
        if scale:
            values.add((value * _SCALES[scale.group(1)]).normalize())
        if re.match(r"\s?(%|percent\b)", after):
            percents.add(value)
    for match in _WORD_NUMBER.finditer(source):
        if match.group("tens"):
            values.add(Decimal(_TENS[match.group("tens").lower()] + (_DIGIT_WORDS[match.group("unit").lower()] if match.group("unit") else 0)))
        else:
            values.add(Decimal(_UNITS[match.group("word").lower()]))
    for match in _SOURCE_WORD.finditer(source):
        word = match.group(1).lower()
        values.add(Decimal({"one": 1, "single": 1, "hundred": 100, "thousand": 1000}.get(word, _UNITS.get(word, _TENS.get(word, 0)))))
    return values, percents


def _grounded(values: set[Decimal], percent: bool, known: set[Decimal], percents: set[Decimal]) -> bool:
    if values & known:
        return True
    for value in values:
        if percent and (value / 100).normalize() in known:  # 95.2% for a source's 0.952
            return True
        if not percent and value < 1 and (value * 100).normalize() in percents:  # 0.952 for a source's 95.2%
            return True
    return False


_CITATION = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+.*(?:\]\(https?://|\barXiv:\s*\d)")


def claim_lines(text: str, *, skip_table_data: bool = False) -> list[tuple[int, str]]:
    """Return (line number, text) of the prose that states claims: code, math, URLs, comments and list numbers removed."""
    out = []
    previous_table = False
    table_index = 0
    for line in scan(blank_comments(text)):
        if line.zone != "prose" or not line.text.strip():
            previous_table = False
            continue
        if _CITATION.match(line.text):
            # A reference entry's years and IDs identify another work; they are not claims about this paper.
            continue
        if _TABLE_ROW.match(line.text):
            table_index = table_index + 1 if previous_table else 0
            previous_table = True
            if _SEPARATOR.match(line.text) or (skip_table_data and table_index >= 1):
                continue
        else:
            previous_table = False
        visible = mask_inline(_URL.sub(" ", line.text))
        visible = _FOOTNOTE.sub(" ", _LIST_NUMBER.sub(r"\1 \3", visible))
        visible = _NAMED.sub(" ", visible)
        out.append((line.number, visible))
    return out


def ungrounded_numbers(answer: str, source: str, skeleton: str) -> list[Finding]:
    """Return a finding for each number in the prose and tables of `answer` that `source` does not state.

    `source` is the text the section was written from (title, authors, dates, abstract, comment, journal
    reference, arXiv ID, facts). Numbers in `skeleton`'s own prose and headings count as structure; the
    figures in its sample table rows do not (they are exactly what a model must not copy).
    """
    known, percents = source_numbers(source)
    structure: set[Decimal] = set()
    for _, text in claim_lines(skeleton, skip_table_data=True):
        for _, values, _ in _claims(text):
            structure |= values
    findings = []
    for number, text in claim_lines(answer):
        for written, values, percent in _claims(text):
            if values & structure or _grounded(values, percent, known, percents):
                continue
            findings.append(Finding(number, UNGROUNDED_NUMBER,
                                    f"the number {written!r} does not appear in the paper text you were given; remove it, "
                                    "or use only figures the paper states (write that it is not reported otherwise)"))
    return findings


def paper_source(paper, *extra: str) -> str:
    """Return the grounding source of a paper: its metadata and abstract, plus any `extra` text (facts, full text)."""
    parts = [paper.title, ", ".join(paper.author_names), paper.published, paper.updated, paper.abstract,
             paper.comment or "", paper.journal_ref or "", paper.arxiv_id, paper.base_id, paper.doi or ""]
    return "\n".join(part for part in [*parts, *extra] if part)
