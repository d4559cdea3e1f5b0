"""The paper's full text as drafter keeps it: Markdown sections with a role, rendered and cut to a token budget. Pure.

Both extractors (`html` for arXiv's LaTeXML pages, `latex` for the e-print source) produce a `PaperText`;
the prompt shows `PaperText.markdown()`, grounding reads the same string, and cassettes record it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from drafter.chat.base import Message
from drafter.chat.base import estimate_tokens as estimate_tokens_of

BODY = "body"
APPENDIX = "appendix"
BIBLIOGRAPHY = "bibliography"
RELATED = "related"

# The order in which parts go when the text is over its budget: the appendix first, then the
# bibliography, then related work (issue 11). The body is cut last, from its end.
DROP_ORDER = (APPENDIX, BIBLIOGRAPHY, RELATED)

_RELATED_TITLE = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:related\s+work|prior\s+work|previous\s+work|"
                            r"background|literature\s+review|related\s+literature)s?\b", re.IGNORECASE)
_BIBLIOGRAPHY_TITLE = re.compile(r"^(?:references|bibliography)$", re.IGNORECASE)
_APPENDIX_TITLE = re.compile(r"^(?:appendix|appendices|supplementary\s+material)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Section:
    """One heading of the paper and the Markdown under it (its subsections are Sections of their own)."""

    title: str
    level: int  # 1 section, 2 subsection, 3 subsubsection
    text: str
    role: str = BODY

    def markdown(self) -> str:
        """The section as Markdown: a `#` heading of its level, then its text."""
        heading = "#" * max(1, min(self.level, 6)) + " " + self.title
        return heading + ("\n\n" + self.text.strip() if self.text.strip() else "") + "\n"


@dataclass(frozen=True)
class PaperText:
    """The extracted text of one paper and where it came from."""

    source: str  # "html" or "latex"
    url: str  # what was downloaded
    sha256: str  # of the raw download, so a cassette names exactly what was read
    sections: tuple[Section, ...]
    dropped: tuple[str, ...] = field(default=())  # titles cut to fit the token budget, in the order cut

    def markdown(self) -> str:
        """Every section as Markdown, in paper order."""
        return "\n".join(section.markdown() for section in self.sections)

    def to_record(self) -> dict:
        """The text as plain data (JSON in the cache, YAML block scalars in a cassette)."""
        return {"source": self.source, "url": self.url, "sha256": self.sha256,
                "sections": [{"title": s.title, "level": s.level, "role": s.role, "text": s.text} for s in self.sections]}

    @classmethod
    def from_record(cls, data: dict) -> "PaperText":
        """Read what `to_record` wrote; a malformed record raises ValueError."""
        try:
            sections = tuple(Section(str(s["title"]), int(s["level"]), str(s["text"]), str(s.get("role", BODY)))
                             for s in data["sections"])
            return cls(str(data["source"]), str(data["url"]), str(data["sha256"]), sections)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a paper text record ({error})") from None

    def outline(self) -> list[str]:
        """One line per section kept ("## 3.2 Attention"), for --dry-run."""
        return ["#" * section.level + " " + section.title for section in self.sections]


def markdown_table(rows: list[list[str]]) -> str:
    """Table rows as a Markdown table, the first row the header, short rows padded ("" for no rows)."""
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def role_of(title: str, default: str = BODY) -> str:
    """The role a heading names: the bibliography, an appendix, related work, else `default`."""
    bare = title.strip()
    if _BIBLIOGRAPHY_TITLE.match(bare):
        return BIBLIOGRAPHY
    if _APPENDIX_TITLE.match(bare):
        return APPENDIX
    if default == BODY and _RELATED_TITLE.match(bare):
        return RELATED
    return default


def with_roles(sections: list[Section]) -> list[Section]:
    """Give subsections their parent's role (a subsection of the appendix is appendix); after the references is appendix."""
    out: list[Section] = []
    parent_role = BODY
    after_bibliography = False
    for section in sections:
        role = section.role
        if section.level == 1:
            # What a paper puts after its references (unnumbered "Attention Visualizations") is appendix.
            if after_bibliography and role == BODY:
                role = APPENDIX
            after_bibliography = after_bibliography or role == BIBLIOGRAPHY
            parent_role = role
        elif role == BODY:
            role = parent_role
        out.append(replace(section, role=role))
    return out


def estimate_tokens(text: str) -> int:
    """The tokens of paper text by drafter's one estimate (chat.base), less the framing of a message."""
    return estimate_tokens_of([Message("user", text)]) - estimate_tokens_of([Message("user", "")])


def fit(paper: PaperText, max_tokens: int) -> PaperText:
    """The paper cut to `max_tokens`: appendix, then bibliography, then related work go whole; then the body's end."""
    sections = list(paper.sections)
    dropped: list[str] = []

    def total() -> int:
        return estimate_tokens("\n".join(section.markdown() for section in sections))

    for role in DROP_ORDER:
        if total() <= max_tokens:
            break
        # Later sections of a role go first: the tail of the appendix matters least.
        for index in range(len(sections) - 1, -1, -1):
            if sections[index].role == role:
                dropped.append(sections[index].title)
                del sections[index]
                if total() <= max_tokens:
                    break
    while sections and total() > max_tokens:
        last = sections[-1]
        over = total() - max_tokens
        keep_chars = len(last.text) - 4 * over - 16
        cut = _cut_at_paragraph(last.text, keep_chars)
        if cut.strip():
            sections[-1] = replace(last, text=cut.rstrip() + "\n\n[... the rest of this section is cut to fit the token budget]")
            dropped.append(f"{last.title} (end)")
            if total() <= max_tokens:
                break
        dropped.append(last.title)
        sections.pop()
    return replace(paper, sections=tuple(sections), dropped=tuple(dropped))


def _cut_at_paragraph(text: str, keep_chars: int) -> str:
    """The longest run of whole paragraphs of `text` within `keep_chars` characters ("" when none fits)."""
    if keep_chars <= 0:
        return ""
    head = text[:keep_chars]
    end = head.rfind("\n\n")
    return head[:end] if end > 0 else ""


@dataclass(frozen=True)
class Fetched:
    """What fetching found: the text, or None and the one line the run prints instead."""

    text: PaperText | None
    note: str | None = None

    def shown(self, max_tokens: int) -> PaperText | None:
        """The part of the text the model is shown: cut to `max_tokens` (None: the abstract alone)."""
        return fit(self.text, max_tokens) if self.text is not None else None

    def to_record(self) -> dict:
        """Plain data for the cache and cassettes: the text's record, or the note alone."""
        return self.text.to_record() if self.text is not None else {"note": self.note or "no full text"}

    @classmethod
    def from_record(cls, data: object) -> "Fetched":
        """Read what `to_record` wrote (ValueError when it is not such a record)."""
        if isinstance(data, dict) and "note" in data and "sections" not in data:
            return cls(None, str(data["note"]))
        if not isinstance(data, dict):
            raise ValueError("not a paper text record")
        return cls(PaperText.from_record(data))
