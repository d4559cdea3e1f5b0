"""Grounding: every figure a generated section states must come from the source text it was written from.

A model that writes "trained on 8 GPUs for 12 hours" when the paper says "3.5 days on eight GPUs" is
inventing; the validator cannot judge prose, but it can check that each figure in the prose is stated in
the source, with the same scale and unit: "12 days" is not grounded by "12 hours", "1.5 billion" not by
"1.5 million", "3%" not by "3 times".

What counts as a claim (the README's Validator section states the same rule):
- a number written in digits ("8 GPUs", "10,000", "4.5M", "35.2 BLEU"), except a bare 0 or 1 ("close to 1");
- a spelled-out number attached to a measure word or a scale word ("eight GPUs", "twelve hours", "ten times
  fewer", "two million tokens").
A spelled-out count that describes structure ("two sub-layers", "three ways", "one of the", "a pair of
matrices") is prose. Numbers in code, math, link targets, list numbering, model names (GPT-3) and reference
entries are not claims; numbers the archetype's own block holds ("Component 1") are structure.

The source is indexed once per text (cached): the value, the unit word that follows it and where it stands
(its `#` section and sentence), so `evidence` can say where the paper states each figure.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .findings import UNGROUNDED_NUMBER, Finding
from .post.markdown import blank_comments, mask_inline, scan_masked

# -- vocabulary ------------------------------------------------------------------------------

_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_DIGIT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "b": 10**9, "billion": 10**9,
           "t": 10**12, "trillion": 10**12}
_SCALE_WORDS = ("thousand", "million", "billion", "trillion")


def _family(canonical: str, *words: str) -> dict[str, str]:
    return {word: canonical for word in (canonical, *words)}


# Unit and measure words, each mapped to its unit: two figures match only with the same unit (or where one
# side has none). The time units are distinct units: 12 hours are not 12 days.
_UNITS: dict[str, str] = {
    **_family("second", "seconds", "sec", "secs", "s"), **_family("millisecond", "milliseconds", "ms"),
    **_family("minute", "minutes", "min", "mins"), **_family("hour", "hours", "hr", "hrs", "h"),
    **_family("day", "days"), **_family("week", "weeks"), **_family("month", "months"), **_family("year", "years"),
    **_family("gpu", "gpus"), **_family("tpu", "tpus"), **_family("core", "cores"), **_family("machine", "machines"),
    **_family("node", "nodes"), **_family("accelerator", "accelerators"), **_family("chip", "chips"),
    **_family("times", "time", "x", "×", "fold"), **_family("percent", "%", "pct"),
    **_family("point", "points", "pp"),
    **_family("parameter", "parameters", "params", "param"), **_family("token", "tokens"),
    **_family("word", "words"), **_family("sentence", "sentences"), **_family("example", "examples"),
    **_family("sample", "samples"), **_family("image", "images"), **_family("document", "documents"),
    **_family("step", "steps"), **_family("epoch", "epochs"), **_family("iteration", "iterations"),
    **_family("update", "updates"), **_family("gb", "gib"), **_family("mb", "mib"), **_family("tb", "tib"),
    **_family("flops", "flop", "gflops", "tflops", "pflops", "petaflops", "teraflops"),
    **_family("bleu"), **_family("rouge"), **_family("accuracy"), **_family("f1"), **_family("perplexity", "ppl"),
    # Structure: matched as units when written in digits ("6 layers" is not grounded by "6 heads"), but a
    # spelled-out count of them is prose ("two sub-layers", "a two-layer network").
    **_family("layer", "layers", "sub-layer", "sub-layers", "sublayer", "sublayers"), **_family("head", "heads"),
    **_family("block", "blocks"), **_family("dimension", "dimensions"),
}
_STRUCTURE_UNITS = frozenset({"layer", "head", "block", "dimension"})
# Metrics are also read before the figure: "a BLEU score of 28.4" states 28.4 BLEU.
_METRICS = frozenset({"bleu", "rouge", "accuracy", "f1", "perplexity"})
# Metrics given in percent: "95.2% accuracy" and "an accuracy of 95.2" state the same figure.
_PERCENT_LIKE = frozenset({"percent", "accuracy", "f1"})

# -- patterns --------------------------------------------------------------------------------

# A figure: 1,000 / 28.4 / 1e-4 / 2014, not glued to a word or dotted run before it (v7, d_512, .5), with an
# optional scale (175B, 1.5 million) and percent or times sign (25%, 25\%, 3x, 3×).
_NUMBER = re.compile(
    r"(?<![\w.])(?P<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"(?P<scale>\s?(?:thousand|million|billion|trillion)\b|[kKMBT]\b)?"
    r"(?P<sign>\s?(?:\\?%|percent\b|per cent\b)|\s?×|x(?!\w))?"
)
_SPELLED = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:[- ](?P<unit>" + "|".join(_DIGIT_WORDS) + r"))?"
    r"|(?P<word>" + "|".join([*_TEENS, *_DIGIT_WORDS]) + r"))\b"
    r"(?P<scale>[- ](?:hundred|" + "|".join(_SCALE_WORDS) + r")\b)?",
    re.IGNORECASE,
)
# "single" and "hundred" in a source state 1 and 100 ("a single GPU", "a hundred examples").
_SOURCE_WORDS = re.compile(r"\b(single|hundred)\b", re.IGNORECASE)
_NEXT_WORD = re.compile(r"[ \t]*-?[ \t]*(?P<word>[A-Za-z][A-Za-z0-9]*|%|×)")
# A name-like word between a figure and its unit is skipped: "8 NVIDIA P100 GPUs" is 8 GPUs.
_NAME_LIKE = re.compile(r"(?:[A-Za-z]*\d[A-Za-z0-9]*|[A-Z]{2,}[A-Za-z]*)$")
_METRIC_BEFORE = re.compile(r"\b(" + "|".join(_METRICS) + r")(?:\s+score)?\s*(?:of|=|:|is|at|was)?\s*$", re.IGNORECASE)
# A setting's name before its value: the unit is the name's last word ("warmup_steps=4000" is 4000 steps).
_SETTING_BEFORE = re.compile(r"([A-Za-z]+)\}?\s*=\s*$")
# Model and metric names carry numbers that are names, not measurements: GPT-3, ResNet-50, Llama-2, BLEU-4, top-1.
_NAMED = re.compile(r"\b(?:[A-Za-z]*[A-Z][A-Za-z]*|top)-\d+(?:\.\d+)?\b")
_URL = re.compile(r"\]\([^)\s]{0,2000}(?:\s+\"[^\"\n]{0,500}\")?\)|<[a-z][a-z0-9+.-]*:[^>\s]*>|\b(?:https?|ftp)://\S+|\bwww\.\S+", re.IGNORECASE)
_TIMESTAMP = re.compile(r"\b(\d{4})-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b")
_LIST_NUMBER = re.compile(r"^(\s*)(\d+)([.)]\s)")
_FOOTNOTE = re.compile(r"\[\^[^\]]*\]")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_CITATION = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+.*(?:\]\(https?://|\barXiv:\s*\d)")
# A LaTeX comment: a % at the start of a line, or after a space and before a space or the line's end, unless
# it follows a number ("25 %" is a percent; "25%", "25\\%" and "Acc (%)" are not comments).
_LATEX_COMMENT = re.compile(r"^[ \t]*(?<!\\)%[^\n]*|(?<![\d\\] )(?<=[ \t])%(?=[ \t]|$)[^\n]*", re.MULTILINE)
_HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<title>.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
# A reference list states other works' years, volumes and pages, not this paper's figures.
_REFERENCE_LIST = re.compile(r"(?:[\dA-Z]+(?:\.\d+)*\.?\s+)?(?:references|bibliography|works cited)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'])")
# The words around a bare figure of the source, read for the unit a claim gives it; "a factor of 3" states 3 times.
_CONTEXT_WORD = re.compile(r"[A-Za-z][A-Za-z-]*|%|×")
_UNIT_ALSO = {"times": frozenset({"factor"})}


@dataclass(frozen=True)
class Quantity:
    """One figure in a text: where it is, as written (with its unit), its value and its unit (None if none)."""

    start: int
    written: str
    value: Decimal
    unit: str | None
    claim: bool  # a claim to ground, by the rule above (a spelled-out count of structure is not)
    mantissa: Decimal | None = None  # the figure before its scale: 175 of "175B"


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _unit_after(text: str, end: int) -> tuple[str | None, int]:
    """Return the unit word after position `end` (skipping up to two name-like words) and where it ends."""
    position = end
    for _ in range(3):
        match = _NEXT_WORD.match(text, position)
        if match is None:
            return None, end
        word = match.group("word")
        unit = _UNITS.get(word.lower())
        if unit is not None:
            return unit, match.end()
        if not _NAME_LIKE.match(word):
            return None, end
        position = match.end()
    return None, end


def _unit_before(text: str, start: int) -> str | None:
    """Return the unit a figure takes from before it: a metric ("a BLEU score of 28.4") or a setting's name
    ("warmup_steps=4000", "num\\_epochs = 10"), else None."""
    before = _METRIC_BEFORE.search(text, max(0, start - 30), start)
    if before:
        return before.group(1).lower()
    setting = _SETTING_BEFORE.search(text, max(0, start - 40), start)
    return _UNITS.get(setting.group(1).lower()) if setting else None


def _spelled_value(match: re.Match[str]) -> tuple[Decimal, str]:
    if match.group("tens"):
        number = _TENS[match.group("tens").lower()] + (_DIGIT_WORDS[match.group("unit").lower()] if match.group("unit") else 0)
    else:
        word = match.group("word").lower()
        number = _TEENS.get(word) or _DIGIT_WORDS[word]
    scale = (match.group("scale") or "").strip(" -").lower()
    multiplier = 100 if scale == "hundred" else _SCALES.get(scale, 1)
    return Decimal(number * multiplier), scale


def quantities(text: str) -> list[Quantity]:
    """Return every figure of `text` (digits and spelled-out numbers) with its value, unit and whether it is a claim."""
    found = []
    for match in _NUMBER.finditer(text):
        value = _decimal(match.group("value"))
        if value is None:
            continue
        scale = (match.group("scale") or "").strip().lower()
        sign = (match.group("sign") or "").strip().lstrip("\\")
        end = match.end()
        mantissa = None
        if scale in _SCALES:
            mantissa, value = value, value * _SCALES[scale]
        if sign:
            unit = "percent" if sign in ("%", "percent", "per cent") else "times"
        else:
            unit, end = _unit_after(text, end)
            if unit is None:
                unit = _unit_before(text, match.start())
        bare_constant = unit is None and mantissa is None and value in (0, 1)  # "close to 1", "from 0 to 1"
        found.append(Quantity(match.start(), text[match.start():end].strip(), value, unit, not bare_constant, mantissa))
    for match in _SPELLED.finditer(text):
        value, scale = _spelled_value(match)
        unit, end = _unit_after(text, match.end())
        # "one" is the article of counting ("one token at a time", "one of the"), never a figure on its own.
        one = (match.group("word") or "").lower() == "one"
        claim = bool(scale) or (unit is not None and unit not in _STRUCTURE_UNITS and not one)
        found.append(Quantity(match.start(), text[match.start():end if unit else match.end()], value, unit, claim))
    return found


# -- the source, indexed once ----------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    """Where the source states a figure: its section heading and the sentence holding it."""

    section: str
    sentence: str


def _blank_reference_lists(text: str) -> str:
    """Blank the body of every References or Bibliography section, up to the next heading of its level or higher."""
    headings = list(_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if not _REFERENCE_LIST.fullmatch(heading.group("title")):
            continue
        level = len(heading.group("level"))
        end = next((later.start() for later in headings[index + 1:] if len(later.group("level")) <= level), len(text))
        text = text[:heading.end()] + re.sub(r"[^\n]", " ", text[heading.end():end]) + text[end:]
    return text


class SourceIndex:
    """The figures a source text states, by value, with their units and positions; built once per text."""

    def __init__(self, source: str) -> None:
        # A timestamp states its year, not figures: 2017-06-12T17:57:34Z grounds 2017, not 6, 12 or 57.
        # Comments are not the paper: an HTML or LaTeX comment is blanked (same length, so positions hold).
        text = _TIMESTAMP.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - 4), blank_comments(source))
        self.text = _LATEX_COMMENT.sub(lambda m: " " * len(m.group(0)), text)
        # A model name states no figure, in the source as in the answer: GPT-3 grounds neither "3%" nor "3 times".
        unnamed = _blank_reference_lists(_NAMED.sub(lambda m: " " * len(m.group(0)), self.text))
        self.by_value: dict[Decimal, list[tuple[str | None, int]]] = {}
        for quantity in quantities(unnamed):
            self._add(quantity.value, quantity.unit, quantity.start)
            if quantity.mantissa is not None:
                self._add(quantity.mantissa, "scaled", quantity.start)
        for match in _SOURCE_WORDS.finditer(unnamed):
            unit, _ = _unit_after(unnamed, match.end())
            self._add(Decimal(1 if match.group(1).lower() == "single" else 100), unit, match.start())
        self._headings = [(m.start(), m.group("title")) for m in _HEADING.finditer(self.text)]
        self._heading_starts = [start for start, _ in self._headings]

    def _add(self, value: Decimal, unit: str | None, start: int) -> None:
        self.by_value.setdefault(value, []).append((unit, start))

    def find(self, quantity: Quantity) -> int | None:
        """Return where the source states `quantity` with a compatible unit, or None."""
        readings = [(quantity.value, quantity.unit)]
        if quantity.unit == "percent":  # 95.2% for a source's 0.952
            readings.append((quantity.value / 100, "fraction"))
        elif quantity.unit is None or quantity.unit in _METRICS:
            if 0 < quantity.value <= 1:  # 0.952 for a source's 95.2%, 1.0 for its 100%
                readings.append((quantity.value * 100, "of-percent"))
        compatible = None
        for value, unit in readings:
            for stated_unit, start in self.by_value.get(value, ()):
                if stated_unit == unit:
                    return start  # the same figure with the same unit: the best evidence
                if compatible is None and _compatible(unit, stated_unit) and self._bare_grounds(unit, stated_unit, start):
                    compatible = start
        return compatible

    def _bare_grounds(self, unit: str | None, stated: str | None, start: int) -> bool:
        """Whether the source's figure at `start` can ground a claim in `unit`: yes, unless the claim has a unit
        and the source's figure has none and no scale; then only if the source names that unit in the figure's
        sentence or table row, or its table's header row ("d_model = 512" grounds no "512 GPUs"). A scaled
        figure ("GPT-3 175B", "a 10K vocabulary") is distinctive enough to ground a unit the source leaves out."""
        if stated is not None or unit in (None, "fraction", "of-percent"):
            return True
        written = _NUMBER.match(self.text, start) or _SPELLED.match(self.text, start)
        if written and written.group("scale"):
            return True  # "175B", "10K", "two million"
        context = self.statement(start).sentence
        line_start = self.text.rfind("\n", 0, start) + 1
        if self.text.startswith("|", line_start):  # a table row: its header row names the column's unit
            header = line_start
            while header > 0:
                above = self.text.rfind("\n", 0, header - 1) + 1
                if not self.text.startswith("|", above):
                    break
                header = above
            header_end = self.text.find("\n", header)
            context += " " + self.text[header: len(self.text) if header_end < 0 else header_end]
        wanted = _PERCENT_LIKE if unit in _PERCENT_LIKE else {unit}
        return any(_UNITS.get(word.lower()) in wanted or word.lower() in _UNIT_ALSO.get(unit, ())
                   for word in _CONTEXT_WORD.findall(context))

    def statement(self, start: int) -> Statement:
        """Return the section heading and the sentence around position `start` of the source.

        The sentence is read within its paragraph (text between blank lines and headings, its line breaks
        joined); a table row or a heading is a sentence of its own.
        """
        text = self.text
        index = bisect.bisect_right(self._heading_starts, start) - 1
        section = self._headings[index][1] if index >= 0 else "the paper"  # a source with no headings
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        if text.startswith(("|", "#"), line_start):
            return Statement(section, _clip(text[line_start:line_end], start - line_start))
        begin = text.rfind("\n\n", 0, start)
        begin = 0 if begin < 0 else begin + 2
        if index >= 0 and self._heading_starts[index] >= begin:  # the paragraph starts below its heading
            begin = text.find("\n", self._heading_starts[index]) + 1
        end = text.find("\n\n", start)
        paragraph = text[begin: len(text) if end < 0 else end].replace("\n", " ")
        offset = start - begin
        sentence_start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            if match.start() >= offset:
                return Statement(section, _clip(paragraph[sentence_start:match.start()], offset - sentence_start))
            sentence_start = match.end()
        return Statement(section, _clip(paragraph[sentence_start:], offset - sentence_start))


def _clip(sentence: str, around: int, limit: int = 240) -> str:
    """Return `sentence`, cut to `limit` characters centred on position `around` when longer, its spaces collapsed."""
    lead = len(sentence) - len(sentence.lstrip(" |#"))
    sentence, around = sentence.strip(" |#"), around - lead
    if len(sentence) > limit:
        start = max(0, min(around - limit // 2, len(sentence) - limit))
        sentence = ("…" if start else "") + sentence[start:start + limit] + ("…" if start + limit < len(sentence) else "")
    return " ".join(sentence.split())


def _compatible(unit: str | None, stated: str | None) -> bool:
    """Whether a figure with `unit` is grounded by a source figure with the unit `stated` (None: no unit)."""
    if unit == "fraction":  # the percent read as a fraction: the source's 0.952, bare or of a metric
        return stated is None or stated in _METRICS
    if unit == "of-percent":
        return stated == "percent"
    if unit is None:
        return True  # a bare figure ("rank 8") is grounded by the value stated with any unit
    if unit in _PERCENT_LIKE and stated in _PERCENT_LIKE:
        return True  # "95.2% accuracy" and "an accuracy of 95.2"
    return stated is None or stated == unit


@lru_cache(maxsize=8)
def source_index(source: str) -> SourceIndex:
    """Return the index of `source`'s figures, built once per text (the same paper serves every section)."""
    return SourceIndex(source)


_indexing = threading.Lock()


def shared_index(source: str) -> SourceIndex:
    """`source_index` for threads judging at once: the first builds the index, the others wait for it (~10 ms each)."""
    with _indexing:
        return source_index(source)


# -- the answer ------------------------------------------------------------------------------

def claim_lines(text: str, *, skip_table_data: bool = False) -> list[tuple[int, str]]:
    """Return (line number, text) of the prose that states claims: code, math, URLs, comments and list numbers removed."""
    out = []
    previous_table = False
    table_index = 0
    for line in scan_masked(text, blank_comments(text)):
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


def _structure(skeleton: str) -> set[tuple[Decimal, str | None]]:
    """Return (value, unit) of every number, digits or words, in the skeleton's own prose and headings."""
    values: set[tuple[Decimal, str | None]] = set()
    for _, text in claim_lines(skeleton, skip_table_data=True):
        for quantity in quantities(text):
            values.add((quantity.value, quantity.unit))
            if quantity.mantissa is not None:
                values.add((quantity.mantissa, None))
    return values


def _is_structure(quantity: Quantity, structure: set[tuple[Decimal, str | None]]) -> bool:
    """Whether the skeleton holds this number: bare ("Component 3"), or with the same unit."""
    if quantity.unit is None:
        return any(value == quantity.value for value, _ in structure)
    return (quantity.value, quantity.unit) in structure


@dataclass(frozen=True)
class Evidence:
    """Where the source states one figure of an answer: `stated` None when it does not (or it is structure)."""

    line: int
    written: str
    stated: Statement | None
    structure: bool = False  # the number belongs to the archetype's own block, not to the paper

    def describe(self) -> str:
        """Return the one-line explanation `drafter check --explain` prints."""
        if self.structure:
            return f'line {self.line}: "{self.written}" — part of the archetype\'s own text'
        if self.stated is None:
            return f'line {self.line}: "{self.written}" — not stated in the paper'
        return f'line {self.line}: "{self.written}" — stated in {self.stated.section}: "{self.stated.sentence}"'

    def as_dict(self) -> dict[str, object]:
        """Return the JSON form `drafter check --format json --explain` lists: section and sentence null when not stated."""
        return {"line": self.line, "number": self.written, "stated": self.stated is not None, "structure": self.structure,
                "section": self.stated and self.stated.section, "sentence": self.stated and self.stated.sentence}


def evidence(answer: str, source: str, skeleton: str) -> list[Evidence]:
    """Return, for each figure `answer` claims, where `source` states it (section and sentence), in order."""
    index = shared_index(source)
    structure = _structure(skeleton)
    out = []
    for number, text in claim_lines(answer):
        for quantity in sorted(quantities(text), key=lambda q: q.start):
            if not quantity.claim:
                continue
            if _is_structure(quantity, structure):
                out.append(Evidence(number, quantity.written, None, structure=True))
                continue
            start = index.find(quantity)
            out.append(Evidence(number, quantity.written, None if start is None else index.statement(start)))
    return out


def ungrounded_numbers(answer: str, source: str, skeleton: str) -> list[Finding]:
    """Return a finding for each number in the prose and tables of `answer` that `source` does not state.

    `source` is the text the section was written from (title, authors, dates, abstract, comment, journal
    reference, arXiv ID, facts, and the paper's text where it was fetched). Numbers in `skeleton`'s own
    prose and headings count as structure; the figures in its sample table rows do not (they are exactly
    what a model must not copy).
    """
    index = shared_index(source)
    structure = _structure(skeleton)
    findings = []
    for number, text in claim_lines(answer):
        for quantity in sorted(quantities(text), key=lambda q: q.start):
            if not quantity.claim or _is_structure(quantity, structure):
                continue
            if index.find(quantity) is None:
                findings.append(Finding(number, UNGROUNDED_NUMBER,
                                        # Read by the model on a re-ask and by a person in check: words for both.
                                        f"the number {quantity.written!r} does not appear in the paper; remove it, or "
                                        "use only figures the paper states (write that it is not reported otherwise)"))
    return findings


def paper_source(paper, *extra: str, full_text: str = "") -> str:
    """Return the grounding source of a paper: its metadata and abstract, the `extra` text (facts), and the full text.

    Each part sits under a `#` heading (Metadata, Abstract, Facts) so evidence can name where a figure is
    stated; `full_text`, the paper as Markdown, brings its own section headings.
    """
    metadata = [paper.title, ", ".join(paper.author_names), paper.published, paper.updated, paper.comment or "",
                paper.journal_ref or "", paper.arxiv_id, paper.base_id, paper.doi or ""]
    parts = ["# Metadata", *metadata, "# Abstract", paper.abstract]
    extras = [part for part in extra if part]
    if extras:
        parts += ["# Facts", *extras]
    return "\n\n".join(part for part in [*parts, full_text] if part)  # each part a paragraph of its own
