"""The answers the local test server gives: written by drafter's authors, not by a language model.

`Author` answers a Chat Completions request body the way a careful model would: facts as JSON, and
each section as its skeleton with every placeholder, comment and sample line replaced. Hand-written
section texts for a paper live in tests/answers/<arXiv ID>.yaml and win over the mechanical fill.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import yaml

from drafter.post.markdown import HTML_ELEMENTS

ASK_MARKER = "Answer with the completed Markdown only, starting with its heading line:\n\n"
FACTS_MARKER = "Answer with one JSON object and nothing else"
REASK_MARKER = "was rejected by the validator"
HANDWRITTEN = Path(__file__).parent / "answers"

_TODO = re.compile(r"\b(TODO|FIXME|TBD)\b")
_LOREM = re.compile(r"lorem\s+ipsum", re.IGNORECASE)
# `<one-line summary>`: words in angle brackets with a space, not an HTML tag (`<div id=...>`, `<br>`).
_ANGLE = re.compile(r"<([A-Za-z][^<>=\n]*)>")


def _angle_slots(line: str, name: str) -> str:
    """Fill `<one-line summary>` slots; leave HTML tags (`<div id=...>`, `<br>`) alone, as the validator tells them apart."""
    def fill(match: re.Match[str]) -> str:
        words = match.group(1).split()
        tag = words[0].lower().rstrip("/")
        if (len(words) == 1 and (tag in HTML_ELEMENTS or "-" in tag)) or (len(words) > 1 and tag in ("script", "style", "iframe", "img", "a")):
            return match.group(0)
        return _slot_value(match.group(1), name)

    return _ANGLE.sub(fill, line)
_SLOT = re.compile(r"(?<![!\\\]])\[(?!\^)([^\[\]\n]+)\](?![(\[:])")


def _user_messages(body: dict[str, Any]) -> list[str]:
    return [m["content"] for m in body.get("messages", []) if m.get("role") == "user"]


def paper_field(body: dict[str, Any], name: str) -> str:
    """Read a field of the paper block of the shared context message."""
    for content in _user_messages(body):
        match = re.search(rf"^{re.escape(name)}: (.*)$", content, re.MULTILINE)
        if match:
            return match.group(1).strip()
    return ""


def abstract(body: dict[str, Any]) -> str:
    """Return the abstract quoted in the request."""
    for content in _user_messages(body):
        match = re.search(r"<<<ABSTRACT\n(.*?)\nABSTRACT>>>", content, re.DOTALL)
        if match:
            return match.group(1)
    return ""


def skeleton(body: dict[str, Any]) -> str | None:
    """Return the section skeleton a request asks to fill, re-asks included."""
    for content in _user_messages(body):
        if ASK_MARKER in content:
            return content.split(ASK_MARKER, 1)[1].rstrip("\n") + "\n"
    return None


def is_reask(body: dict[str, Any]) -> bool:
    """Tell whether the last message is the validator's findings."""
    messages = body.get("messages", [])
    return bool(messages) and REASK_MARKER in messages[-1].get("content", "")


class Author:
    """Answers requests; `handwritten` maps section titles to texts for one paper."""

    def __init__(self, facts: dict[str, str] | None = None) -> None:
        self.facts = facts

    def __call__(self, body: dict[str, Any]) -> str:
        last = _user_messages(body)[-1] if _user_messages(body) else ""
        if FACTS_MARKER in last or (is_reask(body) and skeleton(body) is None):
            return json.dumps(self.facts_for(body))
        section = skeleton(body)
        if section is None:
            return "I can only write drafter's facts and sections."
        return self.section(body, section)

    def facts_for(self, body: dict[str, Any]) -> dict[str, str]:
        """The facts answer: the authors' own for known papers, else derived from the title."""
        if self.facts:
            return self.facts
        known = _handwritten(paper_field(body, "arXiv ID")).get("facts")
        if known:
            return known
        title = paper_field(body, "Title")
        head = title.split(":")[0].strip()
        name = head if len(head) <= 40 else " ".join(head.split()[:3])
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "paper"
        return {"name": name, "tagline": title if len(title) < 100 else title[:97] + "...", "kind": "machine-learning model", "slug": slug}

    def section(self, body: dict[str, Any], section: str) -> str:
        """The section answer: hand-written if there is one, else a faithful mechanical fill."""
        title = section.splitlines()[0].lstrip("#").strip()
        written = _handwritten(paper_field(body, "arXiv ID")).get("sections", {})
        if title in written:
            return written[title].rstrip("\n") + "\n"
        return mechanical_fill(section, body)


def _handwritten(arxiv_id: str) -> dict[str, Any]:
    base = re.sub(r"v\d+$", "", arxiv_id).replace("/", "_")
    path = HANDWRITTEN / f"{base}.yaml"
    if not path.is_file():
        return {}
    return _parsed(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> dict[str, Any]:
    # Parsed once per file content: re-parsing on every request made the server the bottleneck of
    # the wall-time benchmark. Callers only read the result.
    return yaml.safe_load(text) or {}


def _sentences(text: str) -> list[str]:
    parts = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s.strip()]
    return parts or ["The abstract gives no further detail."]


def mechanical_fill(section: str, body: dict[str, Any]) -> str:
    """Fill a skeleton from the abstract: slots named, comments answered, samples rewritten."""
    name = _name_in(body)
    sentences = _sentences(abstract(body))
    counter = iter(range(10_000))

    def sentence() -> str:
        return _without_digits(sentences[next(counter) % len(sentences)])

    out: list[str] = []
    in_code = False
    in_math = False
    in_comment = False
    table_row = 0
    for line in section.splitlines():
        stripped = line.strip()
        if in_comment:  # the rest of a guidance comment over several lines
            in_comment = "-->" not in line
            continue
        if stripped.startswith("<!--") and "-->" not in stripped and not in_code:
            in_comment = True
            out.append(sentence())
            continue
        if stripped.startswith("```"):
            in_code = not in_code
            out.append(line)
            continue
        if in_code:
            out.append(_rename_code(line, name))
            continue
        if stripped == "$$":
            in_math = not in_math
            out.append(line)
            continue
        if in_math:
            out.append(r"h = \mathrm{" + re.sub(r"[^A-Za-z]", "", name) + r"}(x)")
            continue
        if stripped.startswith("<!--"):
            out.append(sentence())
            continue
        if _TODO.search(line) or _LOREM.search(line):  # a TODO line or lorem ipsum filler: written out
            out.append(sentence())
            continue
        if stripped.startswith("{{<") or stripped.startswith("{{%"):  # a shortcode is kept as it is
            out.append(line)
            continue
        line = _angle_slots(line, name)
        if line.lstrip().startswith("#"):
            out.append(_SLOT.sub(lambda m: _slot_value(m.group(1), name), line))
            table_row = 0
            continue
        if stripped.startswith("|"):
            table_row += 1
            if table_row <= 2:
                out.append(line)
            else:
                cells = stripped.strip("|").split("|")
                out.append("| " + " | ".join("Not reported in the abstract" for _ in cells) + " |")
            continue
        table_row = 0
        list_match = re.match(r"^(\s*(?:[-*+]|\d+[.)])\s+)(.*)$", line)
        if list_match and "](" not in line:
            out.append(list_match.group(1) + sentence())
            continue
        out.append(_SLOT.sub(lambda m: _slot_value(m.group(1), name), line))
    return "\n".join(out).rstrip("\n") + "\n"


def _name_in(body: dict[str, Any]) -> str:
    return paper_field(body, "Model name") or "the model"


def _slot_value(slot: str, name: str) -> str:
    lowered = slot.lower()
    if "name" in lowered:
        return f"{name} block"
    if "domain" in lowered:
        return "Research use"
    if "other model" in lowered:
        return "Earlier approaches"
    return f"described in the abstract ({_without_digits(slot).lower()})"


def _without_digits(text: str) -> str:
    # The mechanical author states no number of its own: a grounded draft only repeats the source's.
    return re.sub(r"\s*\d[\d.,%]*", "", text).replace("[", "").replace("]", "") or "Details follow the abstract."


def _rename_code(line: str, name: str) -> str:
    class_name = re.sub(r"[^A-Za-z0-9]", "", name.title()) or "Model"
    return (line.replace("ModelName", class_name)
            .replace("param1", "d_in").replace("param2", "d_out").replace("layer1", "proj")
            .replace("[Model Name]", name))


class DefectiveOnce(Author):
    """Leaves a placeholder in one section of each named paper the first time it is asked, as a model might."""

    def __init__(self, papers: list[str] | str, section: str) -> None:
        super().__init__()
        self.pending = {papers} if isinstance(papers, str) else set(papers)
        self.target = section

    def section(self, body: dict[str, Any], section: str) -> str:
        """The answer, with `[Add a diagram here]` left in it on a named paper's first ask."""
        answer = super().section(body, section)
        paper = re.sub(r"v\d+$", "", paper_field(body, "arXiv ID"))
        if section.startswith(self.target) and paper in self.pending:
            self.pending.discard(paper)
            return answer.rstrip("\n") + "\n\n[Add a diagram here]\n"
        return answer


class Recorded(Author):
    """Answers with what a real language model answered to drafter's requests (tests/data/real-model/<ID>/).

    Each recorded request names its part: the facts request, or a section by its skeleton's heading line.
    A request is answered with the recorded answer to the request that named the same part, so a run of
    today's drafter gets the real model's answers whatever its prompts now say around the skeleton.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.by_part: dict[str, str] = {}
        for request_path in sorted(folder.glob("*.request.json")):
            body = json.loads(request_path.read_text(encoding="utf-8"))
            answer = request_path.with_name(request_path.name.replace(".request.json", ".answer.md")).read_text(encoding="utf-8")
            self.by_part[self.part(body)] = answer

    @staticmethod
    def part(body: dict[str, Any]) -> str:
        """The part a request asks for: "facts", or its skeleton's heading line."""
        section = skeleton(body)
        return "facts" if section is None else section.splitlines()[0].strip()

    def __call__(self, body: dict[str, Any]) -> str:
        part = self.part(body)
        if part not in self.by_part:
            return f"No recorded answer for {part!r}."
        return self.answer(body, part, self.by_part[part])

    def answer(self, body: dict[str, Any], part: str, recorded: str) -> str:
        """The answer to send: the recorded one (a subclass may break it)."""
        return recorded
