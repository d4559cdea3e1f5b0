"""The facts every section shares (name, tagline, kind, slug), and what drafter fills from them and the metadata alone."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, replace

from .arxiv import Paper
from .findings import Finding
from .post.document import Document
from .post.placeholders import SLOT
from .post.pairing import heading_pattern

FACTS_RULE = "facts"
# The facts answer's shape, sent as a JSON-schema response_format where the endpoint takes one (OpenAI's);
# elsewhere the facts prompt asks for the same object in words.
FACTS_SCHEMA = {
    "name": "facts",
    "strict": True,
    "schema": {
        "type": "object",
        "properties": {key: {"type": "string"} for key in ("name", "tagline", "kind", "slug")},
        "required": ["name", "tagline", "kind", "slug"],
        "additionalProperties": False,
    },
}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Facts:
    """What the facts request established."""

    name: str
    tagline: str
    kind: str
    slug: str


def slugify(text: str) -> str:
    """Return a URL slug: ASCII lowercase words joined by hyphens (`LoRA` -> `lora`)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def parse_facts(answer: str) -> tuple[Facts | None, list[Finding]]:
    """Read the model's facts answer, or say what is wrong with it."""
    text = answer.strip()
    fenced = re.match(r"^```[a-zA-Z]*\n(.*)\n```$", text, re.DOTALL)
    if fenced:  # a fence around JSON is harmless; unwrap rather than pay for a re-ask
        text = fenced.group(1).strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [Finding(error.lineno, FACTS_RULE, f"the answer is not a JSON object ({error.msg}); answer with the JSON object only")]
    if not isinstance(data, dict):
        return None, [Finding(1, FACTS_RULE, "the answer is not a JSON object; answer with one object with name, tagline, kind and slug")]
    findings = []
    values = {}
    for key, limit in (("name", 60), ("tagline", 140), ("kind", 100)):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            findings.append(Finding(1, FACTS_RULE, f'"{key}" is missing or empty; give it as a non-empty string'))
        elif len(value) > limit or "\n" in value.strip():
            findings.append(Finding(1, FACTS_RULE, f'"{key}" is too long; keep it to one line under {limit} characters'))
        elif re.search(r"[\[\]<>{}]", value):
            findings.append(Finding(1, FACTS_RULE, f'"{key}" holds brackets or markup; give plain text'))
        else:
            values[key] = " ".join(value.split())
    slug = data.get("slug")
    slug = slug if isinstance(slug, str) and _SLUG.match(slug) else slugify(values.get("name", ""))
    if findings:
        return None, findings
    if not slug:
        return None, [Finding(1, FACTS_RULE, '"slug" is missing; give lowercase letters, digits and hyphens')]
    return Facts(values["name"], values["tagline"], values["kind"], slug), []


def fallback_facts(paper: Paper) -> Facts:
    """Facts taken from the title alone, for when the model could not give usable ones."""
    head, colon, tail = paper.title.partition(":")
    name = head.strip() if colon and len(head) <= 40 else paper.title
    tagline = tail.strip() if colon else paper.title
    return Facts(name=name, tagline=tagline, kind="machine-learning model", slug=slugify(name) or slugify(paper.base_id))


def citation(paper: Paper) -> str:
    """Return the reference-list entry for the paper itself."""
    names = [_surname_initials(name) for name in paper.author_names]
    authors = ", ".join(names[:3]) + (", et al." if len(names) > 3 else "")
    venue = f" {paper.journal_ref}." if paper.journal_ref else ""
    doi = f" doi:{paper.doi}." if paper.doi else ""
    return f"{authors} ({paper.year}). [{_escape_brackets(paper.title)}]({paper.abs_url}). arXiv:{paper.arxiv_id}.{venue}{doi}"


def _surname_initials(name: str) -> str:
    parts = name.split()
    if len(parts) < 2:
        return name
    initials = " ".join(f"{part[0]}." for part in parts[:-1] if part[0].isalpha())
    return f"{parts[-1]}, {initials}"


def _escape_brackets(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def known_slots(paper: Paper, facts: Facts) -> dict[str, str]:
    """Placeholder texts (lower case, without brackets) that drafter fills itself, with their values."""
    return {
        "model name": facts.name,
        "model": facts.name,
        "brief tagline": facts.tagline,
        "tagline": facts.tagline,
        "type of model": facts.kind,
        "paper/year": f'"{paper.title}" ({paper.year})',
        "original paper citation": citation(paper),
        "paper citation": citation(paper),
    }


def fill_known_slots(text: str, slots: dict[str, str]) -> str:
    """Replace the bracketed placeholders drafter knows the value of; leave the others."""
    def substitute(match: re.Match[str]) -> str:
        return slots.get(match.group(1).strip().casefold(), match.group(0))

    return SLOT.sub(substitute, text)


def fill_front_matter(front_matter: str, paper: Paper, facts: Facts) -> str:
    """Fill placeholders in the front matter from metadata, force `draft: true`, record the arXiv ID."""
    if not front_matter:
        return front_matter
    toml = front_matter.startswith("+++")
    if front_matter.startswith("{"):
        return _fill_json_front_matter(front_matter, paper, facts)
    slots = known_slots(paper, facts)
    separator = " = " if toml else ": "
    angle_values = {"image": "", "alt": f"{facts.name}: {facts.tagline}", "caption": ""}
    lines = front_matter.splitlines(keepends=True)
    out = []
    seen_draft = seen_arxiv = False
    key_line = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z_][\w-]*)(?P<sep>\s*[:=]\s*)(?P<value>.*?)(?P<end>\r?\n?)$")
    for line in lines[1:-1]:
        match = key_line.match(line)
        if not match:
            out.append(line)
            continue
        indent, key, sep, value, end = match.group("indent", "key", "sep", "value", "end")
        top_level = indent == ""
        if top_level and key == "draft":
            seen_draft = True
            value = "true"
        elif top_level and key == "arxiv":
            seen_arxiv = True
            value = json.dumps(paper.arxiv_id)
        elif re.fullmatch(r"""(["']?)<[^<>]*>\1""", value):
            value = json.dumps(angle_values.get(key.lower(), ""))
        elif key.lower() == "description" and "[" in value:
            filled = fill_known_slots(_unquote(value), slots)
            value = json.dumps(filled if "[" not in filled else f"{facts.name}: {facts.tagline}.", ensure_ascii=False)
        out.append(f"{indent}{key}{sep}{value}{end}")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    if not seen_draft:
        out.append(f"draft{separator}true{newline}")
    if not seen_arxiv:
        out.append(f"arxiv{separator}{json.dumps(paper.arxiv_id)}{newline}")
    return lines[0] + "".join(out) + lines[-1]


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return json.loads(value) if value[0] == '"' else value[1:-1]
    return value


def _fill_json_front_matter(front_matter: str, paper: Paper, facts: Facts) -> str:
    data = json.loads(front_matter)
    data["draft"] = True
    data["arxiv"] = paper.arxiv_id
    if isinstance(data.get("description"), str):
        data["description"] = fill_known_slots(data["description"], known_slots(paper, facts))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def facts_from_draft(archetype: Document, draft: Document, paper: Paper, slug: str) -> Facts:
    """The facts as the draft now states them: name and tagline from its lead heading, the slug from its file."""
    fallback = fallback_facts(paper)
    name, tagline = fallback.name, fallback.tagline
    lead = next((b for b in archetype.blocks if b.heading and b.heading.level == 1), None)
    actual = next((b for b in draft.blocks if b.heading and b.heading.level == 1), None)
    if lead is not None and actual is not None:
        slots = [part.strip("[]").casefold() for part in re.findall(r"\[[^\[\]]+\]", lead.heading.title)]
        match = heading_pattern(lead.heading.title).match(actual.heading.title)
        if match:
            values = dict(zip(slots, match.groups()))
            name = values.get("model name", values.get("model", name))
            tagline = values.get("brief tagline", values.get("tagline", tagline))
    return Facts(name=name, tagline=tagline, kind="", slug=slug)


def prefill(document: Document, paper: Paper, facts: Facts) -> Document:
    """Fill what drafter knows without the model: the front matter, and the name, tagline and citation slots."""
    slots = known_slots(paper, facts)
    filled = replace(document, front_matter=fill_front_matter(document.front_matter, paper, facts))
    for index, block in enumerate(document.blocks):
        text = fill_known_slots(block.text, slots)
        if text != block.text:
            filled = filled.with_block(index, text)
    return filled


# `title: "Lora"` (YAML, any quoting), `title = "Lora"` (TOML), `"title": "Lora"` (JSON), on a line of its own.
_TITLE_LINE = re.compile(r'^(?P<key>[ \t]*title[ \t]*[:=][ \t]*|[ \t]*"title"[ \t]*:[ \t]*)(?P<quote>["\']?)(?P<value>[^"\'\r\n]*)(?P=quote)(?P<end>[ \t]*,?[ \t]*)$',
                         re.MULTILINE)


def title_value(front_matter: str) -> str | None:
    """The front matter's title as written (without quotes), or None when it has no title line."""
    match = _TITLE_LINE.search(front_matter)
    return match.group("value").strip() if match is not None else None


def retitle(front_matter: str, base_name: str, name: str) -> str | None:
    """The front matter with a title that is only the title-cased file name ("Lora") replaced by `name` ("LoRA").

    Archetypes take the title from the file name (`replace .File.ContentBaseName "-" " " | title`), which
    turns the slug `lora` into "Lora" and `resnet` into "Resnet"; the paper writes the name better. Returns
    None when the title is anything else (the writer's or the archetype's own), or already `name`.
    """
    match = _TITLE_LINE.search(front_matter)
    if match is None or not name.strip():
        return None
    value = match.group("value").strip()
    words = base_name.replace("-", " ").replace("_", " ")
    # Title-cased, not the slug as it is: `title: "{{ .File.ContentBaseName }}"` is the writer's own choice.
    if value == name or value == words or value.lower() != words.lower() or not value[:1].isupper():
        return None
    quote = match.group("quote") or '"'
    escaped = name.replace("\\", "\\\\").replace(quote, "\\" + quote) if quote == '"' else name.replace("'", "''")
    return (front_matter[:match.start("quote")] + quote + escaped + quote + match.group("end")
            + front_matter[match.end():])
