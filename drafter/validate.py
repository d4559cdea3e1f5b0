"""Judge a model's section against the archetype's section: placeholders left, structure broken, wrapping added,
unsafe markup (raw HTML, shortcodes, script links), Markdown that would render broken, and, given the paper's
text, numbers the paper does not state (drafter.grounding). Every finding carries a stable rule id (the
module constants below) and a message saying what to change."""

from __future__ import annotations

import ast
import difflib
import html
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from . import sections
from .findings import (  # noqa: F401  (re-exported: callers name rules as validate.PLACEHOLDER)
    PLACEHOLDER,
    COMMENT,
    SAMPLE,
    HEADING,
    FENCE_WRAP,
    CHATTER,
    EMPTY,
    FRONT_MATTER,
    UNSAFE_HTML,
    SHORTCODE,
    UNSAFE_LINK,
    CODE_FENCE,
    PYTHON_SYNTAX,
    MATH,
    TABLE,
    TOC_LINK,
    UNGROUNDED_NUMBER,
    Finding,
)
from .sections import Action, Block, Heading
from .textscan import FENCE as _FENCE, Line, blank as _blank, blank_comments, mask_code_spans, mask_inline, scan

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
SLOT = re.compile(r"(?<![!\\\]])\[(?!\^)([^\[\]\n]+)\](?![(\[])")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_TASK_BOX = re.compile(r"^[ xX]$")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
_SAMPLE_IDENTIFIER = re.compile(r"\b(ModelName|MyModel|YourModel|[a-z]+\d+)\b")


def bracket_slots(line: str) -> list[str]:
    """Return the bracketed placeholder slots in a prose line (not links, images, footnotes or task boxes)."""
    if _LINK_DEFINITION.match(line) and "://" in line:
        return []
    visible = _INLINE_MATH.sub(" ", _INLINE_CODE.sub(" ", line))
    return [match.group(0) for match in SLOT.finditer(visible) if not _TASK_BOX.match(match.group(1))]


def has_placeholders(text: str) -> bool:
    """Tell whether a block of an archetype holds anything for the model to fill."""
    if sections.guidance_comments(text):
        return True
    return any(line.zone == "prose" and bracket_slots(line.text) for line in scan(text)) or bool(generic_slots(text))


_SHORTCODE_CALL = re.compile(r"\{\{[<%].*?[>%]\}\}")


def generic_slots(text: str) -> list[str]:
    """Placeholders any archetype may use beyond [bracket] slots and comments, in prose outside comments and
    shortcodes (kept as they are): `<angle slots>`, TODO/FIXME/TBD lines, lorem ipsum."""
    visible = _SHORTCODE_CALL.sub(lambda m: " " * len(m.group(0)), blank_comments(text))
    found = [tag.text for tag in angle_tags(visible) if is_slot(tag)]
    for line in scan(visible):
        if line.zone == "prose" and (_TODO.search(line.text) or _LOREM.search(line.text)):
            found.append(line.text.strip())
    return found


def is_slot(tag: "Tag") -> bool:
    """A `<slot>` for a writer: words in angle brackets, including `<one-line summary of X>` (whose
    hyphenated first word would otherwise pass for a custom element) but no tag with attributes."""
    if not tag.is_html:
        return True
    words = tag.text.strip("<>").split()
    return (len(words) >= 2 and "=" not in tag.text and not tag.text.startswith("</")
            and tag.name not in HTML_ELEMENTS and tag.name not in _DANGEROUS)


def placeholders(text: str) -> list[str]:
    """Everything in an archetype block that asks for content: guidance comments, [bracket] slots,
    generic slots (see generic_slots), sample lines and sample identifiers in code."""
    found = [" ".join(comment.split()) for comment in sections.guidance_comments(text)]
    without_comments = sections.strip_comments(text)
    for line in scan(without_comments):
        if line.zone == "prose":
            found += bracket_slots(line.text)
    found += generic_slots(without_comments)
    found += sorted(_sample_lines(without_comments) - set(found))
    found += sorted(_sample_identifiers(without_comments))
    return list(dict.fromkeys(found))


def classify(block: Block) -> Action:
    """Decide whether a block of the archetype is filled by the model, stripped of comments, or kept."""
    comments = sections.guidance_comments(block.text)
    without_comments = sections.strip_comments(block.text)
    slots = any(line.zone == "prose" and bracket_slots(line.text) for line in scan(without_comments))
    if slots or _sample_lines(without_comments) or _sample_identifiers(without_comments) or generic_slots(without_comments):
        return Action.FILL
    if not comments:
        return Action.KEEP
    # Comments beside real content (a widget's <div>) are notes to the writer, not a request for prose.
    rest = "\n".join(line for line in without_comments.splitlines()[1:] if line.strip())
    has_subheadings = len(block.headings) > 1
    return Action.STRIP if rest and not has_subheadings else Action.FILL


def _sample_lines(text: str) -> frozenset[str]:
    """Lines of an archetype section that are sample content: list items, table data rows, formula lines."""
    samples = set()
    previous_was_table = False
    table_row_index = 0
    for line in scan(text):
        stripped = line.text.strip()
        if line.zone == "math" and stripped:
            samples.add(stripped)
        if line.zone != "prose":
            previous_was_table = False
            continue
        if _TABLE_ROW.match(line.text):
            table_row_index = table_row_index + 1 if previous_was_table else 0
            previous_was_table = True
            if table_row_index >= 1 and not _TABLE_SEPARATOR.match(line.text):
                samples.add(stripped)
            continue
        previous_was_table = False
        # A list of links (a table of contents) is navigation, not sample content.
        if _LIST_ITEM.match(line.text) and not bracket_slots(line.text) and "](" not in line.text:
            samples.add(stripped)
    return frozenset(samples)


def _sample_identifiers(text: str) -> frozenset[str]:
    """Identifiers in an archetype's code that only stand for something (`ModelName`, `param1`)."""
    found = set()
    for line in scan(text):
        if line.zone == "code":
            found.update(match.group(1) for match in _SAMPLE_IDENTIFIER.finditer(line.text))
    return frozenset(found)


@lru_cache(maxsize=512)
def heading_pattern(title: str) -> re.Pattern[str]:
    """Return a regex that an archetype heading's filled form must match: fixed parts kept, slots filled."""
    parts = re.split(r"(\[[^\[\]]+\])", title)
    regex = "".join(r"(.+?)" if part.startswith("[") and part.endswith("]") else re.escape(part) for part in parts)
    return re.compile(rf"^{regex}$", re.IGNORECASE if "[" not in title else 0)


def _heading_matches(expected: Heading, actual: Heading) -> bool:
    return bool(heading_pattern(expected.title).match(actual.title))


def check_headings(expected: tuple[Heading, ...] | list[Heading], actual: list[Heading] | tuple[Heading, ...]) -> list[Finding]:
    """Compare a section's headings with the archetype's: none lost, renamed, re-levelled, reordered or added."""
    findings: list[Finding] = []
    matched: list[int] = []
    used: set[int] = set()
    for want in expected:
        found = next(
            (i for i, have in enumerate(actual) if i not in used and _heading_matches(want, have)), None
        )
        if found is None:
            findings.append(Finding(actual[0].line if actual else 1, HEADING,
                                    f"the heading {'#' * want.level} {want.title} is missing or renamed; keep it exactly"))
            continue
        used.add(found)
        matched.append(found)
        have = actual[found]
        if have.level != want.level:
            findings.append(Finding(have.line, HEADING,
                                    f"{have.title!r} is a level-{have.level} heading; the archetype has it at level "
                                    f"{want.level} ({'#' * want.level})"))
    if matched != sorted(matched):
        first = next(actual[b] for a, b in zip(matched, matched[1:]) if b < a)
        findings.append(Finding(first.line, HEADING, f"the heading {first.title!r} is out of order; keep the archetype's order"))
    kept = {actual[index].title for index in used}
    for index, have in enumerate(actual):
        if index not in used:
            if have.title in kept:
                message = (f"the heading {'#' * have.level} {have.title} appears twice; keep one and merge "
                           "the text of the repeat into it")
            else:
                message = (f"the heading {'#' * have.level} {have.title} is not in the archetype; remove it or "
                           "fold its text into an existing subsection")
            findings.append(Finding(have.line, HEADING, message))
    return findings


def validate_section(skeleton: str, answer: str, source: str | None = None) -> list[Finding]:
    """Return what is wrong with `answer`, the model's version of the archetype section `skeleton`.

    With `source` (the paper's text: metadata, abstract, facts), numbers the source does not state are
    findings too (rule `ungrounded-number`).
    """
    findings: list[Finding] = []
    lines = answer.splitlines()
    first = next(((n, text) for n, text in enumerate(lines, start=1) if text.strip()), None)
    expected_headings = tuple(sections.headings(skeleton))
    if first is None:
        return [Finding(1, EMPTY, "the answer is empty; write the whole section, starting with its heading")]
    number, first_text = first
    if _FENCE.match(first_text):
        findings.append(Finding(number, FENCE_WRAP,
                                "the section is wrapped in a code fence; answer with the Markdown itself, no ``` around it"))
    elif expected_headings and expected_headings[0].line == 1:
        head = sections.headings(first_text)
        if not head:
            findings.append(Finding(number, CHATTER,
                                    f"text before the heading; start the answer with the line {'#' * expected_headings[0].level} {expected_headings[0].title}"))
    findings.extend(check_headings(expected_headings, sections.headings(answer)))
    findings.extend(check_empty_sections(skeleton, answer))
    findings.extend(check_content(skeleton, answer))
    findings.extend(check_safety(skeleton, answer))
    findings.extend(check_markdown(answer))
    findings.extend(check_table_columns(skeleton, answer))
    findings.extend(check_placeholders(skeleton, answer))
    findings.extend(check_trailing_chatter(skeleton, answer))
    if source is not None:
        from .grounding import ungrounded_numbers

        findings.extend(ungrounded_numbers(answer, source, skeleton))
    return sorted(set(findings), key=lambda finding: (finding.line, finding.rule, finding.message))


def check_content(skeleton: str, answer: str) -> list[Finding]:
    """Find placeholders, guidance comments and unchanged sample content in `answer`."""
    findings: list[Finding] = []
    samples = _sample_lines(sections.strip_comments(skeleton))
    identifiers = _sample_identifiers(skeleton)
    for line in scan(answer):
        if "<!--" in line.text:
            findings.append(Finding(line.number, COMMENT,
                                    "a guidance comment is left; replace it with the text it asks for"))
        if line.zone == "prose":
            for slot in bracket_slots(line.text):
                findings.append(Finding(line.number, PLACEHOLDER,
                                        f"the placeholder {slot} is left; replace it with real content"))
        if line.text.strip() in samples:
            findings.append(Finding(line.number, SAMPLE,
                                    f"the archetype's sample line {line.text.strip()!r} is unchanged; replace it with content about this paper"))
        if line.zone == "code":
            for identifier in sorted({m.group(1) for m in _SAMPLE_IDENTIFIER.finditer(line.text)} & identifiers):
                findings.append(Finding(line.number, SAMPLE,
                                        f"the sample identifier {identifier!r} is left in the code; use names from this model"))
    return findings


def find_block(expected: Block, blocks: tuple[Block, ...], start: int = 0) -> int | None:
    """Return the index of the first block from `start` whose heading fills the archetype block's heading."""
    for index in range(start, len(blocks)):
        candidate = blocks[index]
        if expected.heading is None or (
            candidate.heading is not None
            and candidate.heading.level == expected.heading.level
            and _heading_matches(expected.heading, candidate.heading)
        ):
            return index
    return None


def check_document(archetype: sections.Document, draft: sections.Document) -> list[Finding]:
    """Validate every part of a whole draft against the archetype's parts; line numbers are the draft's."""
    findings: list[Finding] = []
    cursor = 0
    seen: set[str] = set()
    end_line = draft.join().count("\n") + 1
    for expected in archetype.blocks:
        match = find_block(expected, draft.blocks, cursor)
        if match is None:
            line = draft.blocks[cursor].start_line if cursor < len(draft.blocks) else end_line
            findings.append(Finding(line, HEADING, f"the section {'#' * expected.level} {expected.title} is missing or renamed; the archetype has it here"))
            continue
        findings.extend(_extra_blocks(draft.blocks[cursor:match], seen))
        cursor = match + 1
        seen.add(draft.blocks[match].title.casefold())
        findings.extend(_check_block(expected, draft.blocks[match]))
    findings.extend(_extra_blocks(draft.blocks[cursor:], seen))
    findings.extend(check_toc_links(draft.join()))
    return sorted(findings, key=lambda finding: (finding.line, finding.rule))


def _extra_blocks(extras: tuple[Block, ...], seen: set[str]) -> list[Finding]:
    findings = []
    for extra in extras:
        if extra.title.casefold() in seen:
            message = f"the section {'#' * extra.level} {extra.title} appears twice; keep one and merge the text of the repeat into it"
        else:
            message = f"the section {'#' * extra.level} {extra.title} is not in the archetype; remove it or fold its text into an existing section"
        findings.append(Finding(extra.start_line, HEADING, message))
    return findings


def _check_block(expected: Block, actual: Block) -> list[Finding]:
    action = classify(expected)
    offset = actual.start_line - 1
    if action is Action.FILL:
        local = validate_section(expected.text, actual.text)
    else:
        local = check_headings(expected.headings, actual.headings)
        local += check_safety(expected.text, actual.text) + check_markdown(actual.text)
        if action is Action.STRIP:
            local += [f for f in check_content(sections.strip_comments(expected.text), actual.text) if f.rule == COMMENT]
    return [Finding(f.line + offset, f.rule, f.message) for f in local]


# -- safety: raw HTML, shortcodes, script links ------------------------------------------------

HTML_ELEMENTS = frozenset("""
a abbr address applet area article aside audio b base basefont bdi bdo big blink blockquote body br button
canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed
fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i
iframe img input ins isindex kbd keygen label legend li link listing main map mark marquee math menu meta
meter nav nobr noembed noframes noscript object ol optgroup option output p param picture plaintext pre
progress q rb rp rt rtc ruby s samp script search section select slot small source span strike strong style
sub summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr
xmp animate foreignobject set use
""".split())
# Elements that run script, load something or take over the page: flagged whatever the attributes look like.
_DANGEROUS = frozenset("""
script iframe frame frameset object embed applet img svg math style link meta base form input button
textarea select video audio source track picture canvas a body html head template noscript details dialog
marquee animate set use foreignobject xmp plaintext noembed noframes
""".split())
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)([^<>]*)(>?)")
_INLINE_LINK = re.compile(r"\]\(\s*(?:<([^<>\n]*)>|([^\s)]*))")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*(?:<([^<>\n]*)>|(\S+))")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
_SHORTCODE = re.compile(r"\{\{\s*([<%])\s*(/\*)?\s*/?\s*([^\s<>%{}*/]*)")
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


@dataclass(frozen=True)
class Tag:
    """An angle-bracket construct in rendered text: a raw HTML tag, or a `<slot>` left for a writer."""

    line: int
    text: str  # whitespace collapsed
    name: str  # lower case
    is_html: bool


def angle_tags(text: str) -> list[Tag]:
    """Find raw HTML tags and `<angle slots>` in the prose of `text` (code, math and comments excluded)."""
    found: list[Tag] = []
    for line in scan(blank_comments(text)):
        if line.zone != "prose":
            continue
        visible = _AUTOLINK.sub(_blank, mask_inline(line.text))
        for match in _TAG.finditer(visible):
            name, rest, closed = match.group(1).lower(), match.group(2), match.group(3)
            whole = match.group(0)
            if not closed:
                # A tag broken over lines (`<img` then `src=x onerror=...` below) still renders as HTML.
                if name in _DANGEROUS and (not rest.strip() or "=" in rest):
                    found.append(Tag(line.number, " ".join(whole.split()), name, True))
                continue
            closing = whole.startswith("</")
            attributes = rest.strip().rstrip("/").strip()
            if closing or "=" in attributes or "-" in name or name in _DANGEROUS:
                is_html = True
            elif attributes:
                is_html = False  # `<image path/url>`, `<alt text>`: words, not attributes
            else:
                is_html = name in HTML_ELEMENTS
            found.append(Tag(line.number, " ".join(whole.split()), name, is_html))
    return found


def _unsafe_url(url: str) -> bool:
    # Browsers ignore case, whitespace and control characters in a scheme, and Markdown decodes entities.
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", unquote(html.unescape(url))).lower()
    return cleaned.startswith(_UNSAFE_SCHEMES)


def link_targets(line: str) -> list[str]:
    """Return the destinations of the inline links, reference definitions and autolinks in a prose line."""
    visible = mask_code_spans(line)
    targets = [m.group(1) if m.group(1) is not None else m.group(2) for m in _INLINE_LINK.finditer(visible)]
    definition = _REFERENCE_DEFINITION.match(visible)
    if definition:
        targets.append(definition.group(1) if definition.group(1) is not None else definition.group(2))
    targets += [m.group(1) for m in _AUTOLINK.finditer(visible)]
    return targets


def shortcodes(text: str) -> list[tuple[int, str]]:
    """Return (line, name) of every Hugo shortcode call; Hugo runs them even inside code blocks."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _SHORTCODE.finditer(line):
            if match.group(2):  # {{</* name */>}} is Hugo's escape: it renders as text
                continue
            found.append((number, match.group(3).lower() or match.group(1)))
    return found


def check_safety(skeleton: str, answer: str) -> list[Finding]:
    """Find raw HTML, shortcodes and script links in `answer` that the archetype's `skeleton` did not have."""
    findings: list[Finding] = []
    allowed_tags = {tag.text for tag in angle_tags(skeleton) if tag.is_html and not is_slot(tag)}
    answer_tags = angle_tags(answer)
    by_line: dict[int, list[str]] = {}
    for tag in answer_tags:
        if tag.is_html and tag.text not in allowed_tags:
            by_line.setdefault(tag.line, []).append(tag.text)
    for number, tags in by_line.items():
        shown = ", ".join(_quote(text, 60) for text in dict.fromkeys(tags))
        findings.append(Finding(number, UNSAFE_HTML,
                                f"the raw HTML {shown} is not in the archetype; remove it and write plain Markdown "
                                "(put literal markup in `backticks`)"))
    present = {tag.text for tag in answer_tags if tag.is_html}
    for missing in sorted(allowed_tags - present):
        findings.append(Finding(1, UNSAFE_HTML,
                                f"the archetype's HTML {_quote(missing)} is missing or changed; keep it exactly as the archetype has it"))
    allowed_shortcodes = {name for _, name in shortcodes(skeleton)}
    for number, name in shortcodes(answer):
        if name not in allowed_shortcodes:
            findings.append(Finding(number, SHORTCODE,
                                    f"the Hugo shortcode {{{{< {name} >}}}} is not in the archetype; remove it "
                                    "(Hugo would run it when building the site)"))
    for line in scan(blank_comments(answer)):
        if line.zone != "prose":
            continue
        for target in link_targets(line.text):
            if _unsafe_url(target):
                findings.append(Finding(line.number, UNSAFE_LINK,
                                        f"the link target {_quote(target)} would run script or embed data; "
                                        "link to an https:// page instead, or remove the link"))
    return findings


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


# -- Markdown integrity: fences, Python, math, tables ------------------------------------------

_PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "py3"})


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block: where it opens and closes (None when never closed), its language and code."""

    open_line: int
    close_line: int | None
    language: str
    code: str


def code_blocks(text: str) -> list[CodeBlock]:
    """Return the fenced code blocks of `text`, as `scan` sees them."""
    blocks: list[CodeBlock] = []
    current: tuple[int, str, int] | None = None  # (open line, language, indent)
    code: list[str] = []
    for line in scan(text):
        if line.zone == "fence" and line.text.strip() != "$$":
            if current is None:
                match = _FENCE.match(line.text)
                info = line.text.strip()[len(match.group(1)) if match else 3:].strip()
                language = info.split()[0].strip("{}.").lower() if info else ""
                current = (line.number, language, len(line.text) - len(line.text.lstrip(" ")))
                code = []
            else:
                blocks.append(CodeBlock(current[0], line.number, current[1], "\n".join(code)))
                current = None
        elif line.zone == "code" and current is not None:
            indent = current[2]
            stripped = line.text[: indent].lstrip(" ") + line.text[indent:] if indent else line.text
            code.append(stripped)
    if current is not None:
        blocks.append(CodeBlock(current[0], None, current[1], "\n".join(code)))
    return blocks


def python_error(code: str) -> tuple[int, str] | None:
    """Return (line within the code, message) if `code` is not valid Python, else None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(code)
        except SyntaxError as error:
            count = max(1, code.count("\n") + 1)
            return min(max(error.lineno or 1, 1), count), error.msg
        except (ValueError, RecursionError, MemoryError, OverflowError) as error:
            return 1, " ".join(str(error).split()) or type(error).__name__
    return None


def check_markdown(answer: str) -> list[Finding]:
    """Find what would render broken: unclosed fences, Python that does not parse, unbalanced math, ragged tables."""
    findings: list[Finding] = []
    lines = scan(answer)
    for block in code_blocks(answer):
        if block.close_line is None:
            findings.append(Finding(block.open_line, CODE_FENCE,
                                    "this code block is never closed; add a closing ``` line after its last line of code"))
        elif block.language in _PYTHON_LANGUAGES:
            error = python_error(block.code)
            if error is not None:
                within, message = error
                code_line = block.code.splitlines()[within - 1].strip() if block.code.strip() else ""
                findings.append(Finding(block.open_line + within, PYTHON_SYNTAX,
                                        f"the Python code does not parse ({message}) at {_quote(code_line, 60)}; "
                                        "fix it so the block runs as written"))
    display = [line for line in lines if line.zone == "fence" and line.text.strip() == "$$"]
    if len(display) % 2:
        findings.append(Finding(display[-1].number, MATH,
                                "this $$ opens display math that is never closed; put a line with $$ after the formula"))
    findings += _inline_math_findings(lines)
    findings += _table_findings(lines)
    return findings


def _dollar_tokens(text: str) -> tuple[int, int]:
    visible = mask_code_spans(text).replace("\\$", "  ")
    double = visible.count("$$")
    return double, visible.replace("$$", "  ").count("$")


def _inline_math_findings(lines: list[Line]) -> list[Finding]:
    findings = []
    paragraph: list[Line] = []
    for line in lines + [Line(0, "", "prose")]:
        if line.zone == "prose" and line.text.strip():
            paragraph.append(line)
            continue
        if paragraph:
            counts = [_dollar_tokens(item.text) for item in paragraph]
            if sum(single for _, single in counts) % 2:
                culprit = next((item for item, (_, single) in zip(paragraph, counts) if single % 2), paragraph[0])
                findings.append(Finding(culprit.number, MATH,
                                        "an inline math $ is not closed; close the formula with $, "
                                        "or write a literal dollar sign as \\$"))
            if sum(double for double, _ in counts) % 2:
                culprit = next((item for item, (double, _) in zip(paragraph, counts) if double % 2), paragraph[0])
                findings.append(Finding(culprit.number, MATH,
                                        "a $$ in this line is not closed; put display math on its own lines between $$ lines"))
        paragraph = []
    return findings


_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


def table_cells(row: str) -> int:
    """Count the cells of a pipe-table row as GitHub-flavoured Markdown does (an escaped \\| is text)."""
    text = row.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return len(re.split(r"(?<!\\)\|", text))


def _has_pipe(text: str) -> bool:
    return bool(re.search(r"(?<!\\)\|", text))


def _table_findings(lines: list[Line]) -> list[Finding]:
    findings: list[Finding] = []
    group: list[Line] = []
    for line in lines + [Line(0, "", "prose")]:
        if line.zone == "prose" and line.text.strip() and _has_pipe(line.text):
            group.append(line)
            continue
        if group:
            findings += _check_table(group)
        group = []
    return findings


def table_headers(text: str) -> list[tuple[int, tuple[str, ...]]]:
    """Return (line, cell texts) of each pipe table's header row in `text`."""
    headers = []
    lines = scan(text)
    for index in range(1, len(lines)):
        line, above = lines[index], lines[index - 1]
        if (line.zone == above.zone == "prose" and "-" in line.text and _has_pipe(line.text)
                and _SEPARATOR_ROW.match(line.text) and _has_pipe(above.text)):
            cells = above.text.strip().strip("|")
            headers.append((above.number, tuple(" ".join(c.split()).casefold() for c in re.split(r"(?<!\\)\|", cells))))
    return headers


def check_table_columns(skeleton: str, answer: str) -> list[Finding]:
    """Each table of the archetype's block keeps its columns (the header row) in the answer."""
    have = table_headers(answer)
    findings = []
    skeleton_lines = skeleton.splitlines()
    for index, (number, columns) in enumerate(table_headers(skeleton)):
        if any(cells == columns for _, cells in have):
            continue
        line = have[index][0] if index < len(have) else 1
        header = " ".join(skeleton_lines[number - 1].split())
        findings.append(Finding(line, TABLE, f"keep the archetype's table columns: the header row must be {header} "
                                             "(same columns, same order); put extra detail in the cells"))
    return findings


def _check_table(group: list[Line]) -> list[Finding]:
    separator = next((i for i, line in enumerate(group) if "-" in line.text and _SEPARATOR_ROW.match(line.text)), None)
    if separator is None:
        rows = [line for line in group if line.text.strip().startswith("|")]
        if len(rows) >= 2 and len(rows) == len(group):
            return [Finding(group[0].number, TABLE,
                            "these lines look like a table but have no separator row; put a line like |---|---| under the header row")]
        return []
    if separator == 0:
        return [Finding(group[0].number, TABLE, "this table separator row has no header row above it; add the header row")]
    header = group[separator - 1]
    columns = table_cells(header.text)
    findings = []
    for line in group[separator:]:
        cells = table_cells(line.text)
        if cells != columns:
            what = "separator row" if line is group[separator] else "row"
            findings.append(Finding(line.number, TABLE,
                                    f"this table {what} has {cells} cells but the header has {columns}; give every row "
                                    f"{columns} cells (write a literal | inside a cell as \\|)"))
    return findings


_TRAILING_CHATTER = re.compile(
    r"^\W*(?:I hope (?:this|that|it|you)|Hope (?:this|that|it)|(?:Please )?let me know|Feel free to|"
    r"If you(?:'d| would)? (?:like|want|need|have)|Would you like|Do you want|Shall I|Should I|"
    r"I can (?:also )?(?:expand|adjust|add|provide|help|revise|elaborate)|Is there anything|Happy to help|Glad to help|"
    r"Thanks? (?:you )?for|I've (?:written|filled|completed)|I have (?:written|filled|completed))",
    re.IGNORECASE,
)


def check_trailing_chatter(skeleton: str, answer: str) -> list[Finding]:
    """Find a closing remark to the reader of the chat ("I hope this helps") after the section's last content."""
    lines = scan(answer)
    ours = {line.strip() for line in skeleton.splitlines() if line.strip()}
    tail: list[Line] = []
    for line in reversed(lines):
        if not line.text.strip():
            if tail:
                break
            continue
        if line.zone != "prose":
            break
        tail.append(line)
    return [Finding(line.number, CHATTER,
                    f"the remark {_quote(line.text.strip(), 60)} is addressed to the chat, not the reader; "
                    "end the answer with the section's own last line")
            for line in reversed(tail) if line.text.strip() not in ours and _TRAILING_CHATTER.match(line.text)]


# -- placeholders beyond [slots] ---------------------------------------------------------------

_TODO = re.compile(r"\b(TODO|FIXME|TBD)\b")
_LOREM = re.compile(r"lorem\s+ipsum", re.IGNORECASE)
_LABELLED = re.compile(r"^\s*(?:[-*+]\s+)?\*\*([^*\n]+?):?\*\*\s*:?\s*(.*?)\s*$")


def _labelled_samples(skeleton: str) -> dict[str, str]:
    """Sample values of `- **Label**: value` lines in a skeleton (`**Time Complexity**: $O(n)$`)."""
    samples = {}
    for line in scan(sections.strip_comments(skeleton)):
        match = _LABELLED.match(line.text) if line.zone == "prose" else None
        if match and match.group(2) and not bracket_slots(match.group(2)):
            samples[match.group(1).strip().casefold()] = _normal_value(match.group(2))
    return samples


def _normal_value(value: str) -> str:
    return " ".join(value.split()).rstrip(".;,").strip()


def check_placeholders(skeleton: str, answer: str) -> list[Finding]:
    """Find TODO markers, lorem ipsum, `<angle slots>` and the archetype's sample values left in `answer`."""
    findings: list[Finding] = []
    skeleton_todo = set(_TODO.findall(skeleton))
    skeleton_lorem = bool(_LOREM.search(skeleton))
    # `<slots>` of the skeleton's prose are placeholders too; other angle text (inside a shortcode) may stay.
    skeleton_slots = {tag.text for tag in angle_tags(skeleton) if is_slot(tag)} - set(generic_slots(skeleton))
    samples = _labelled_samples(skeleton)
    sample_lines = _sample_lines(sections.strip_comments(skeleton))
    for line in scan(answer):
        for marker in sorted(set(_TODO.findall(line.text)) - (skeleton_todo if line.zone != "prose" else set())):
            findings.append(Finding(line.number, PLACEHOLDER,
                                    f"the marker {marker} is left; write the missing content, or say the paper does not report it"))
        if (not skeleton_lorem or line.zone == "prose") and _LOREM.search(line.text):
            findings.append(Finding(line.number, PLACEHOLDER, "lorem ipsum filler is left; replace it with text about this paper"))
        match = _LABELLED.match(line.text) if line.zone == "prose" else None
        if match and line.text.strip() not in sample_lines:
            label = match.group(1).strip()
            if samples.get(label.casefold()) == _normal_value(match.group(2)) and match.group(2):
                findings.append(Finding(line.number, SAMPLE,
                                        f"the archetype's sample value {match.group(2).strip()} for {label} is unchanged; "
                                        f"give this model's own {label.lower()}, saying what each symbol stands for, "
                                        "or write that the paper does not report it"))
    for tag in angle_tags(answer):
        if is_slot(tag) and tag.text not in skeleton_slots:
            findings.append(Finding(tag.line, PLACEHOLDER,
                                    f"the placeholder {tag.text} is left; replace it with real content "
                                    "(put literal code such as List<int> in `backticks`)"))
    return findings


_QUOTED = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'([^\'\n]*)\'')
_FRONT_MATTER_SCALAR = re.compile(r"^\s*(?:-\s+)?(?:[\w.-]+\s*[:=]\s*)?(.*?)\s*$")


def front_matter_placeholders(front_matter: str) -> list[Finding]:
    """Find `<angle>` and `[bracket]` slots left in the string values of a front matter block."""
    findings: list[Finding] = []
    for number, line in enumerate(front_matter.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped in ("---", "+++") or stripped.startswith("#"):
            continue
        values = [m.group(1) if m.group(1) is not None else m.group(2) for m in _QUOTED.finditer(line)]
        if not values:
            scalar = _FRONT_MATTER_SCALAR.match(line)
            value = scalar.group(1) if scalar else ""
            if value.startswith("[") and not value.startswith("[["):
                value = value if re.fullmatch(r"\[[^\[\],]+\]", value) else ""
            elif value.startswith("{"):
                value = ""
            values = [value] if value else []
        for value in values:
            slots = re.findall(r"<[^<>\n]+>", value) + bracket_slots(value)
            for slot in slots:
                findings.append(Finding(number, PLACEHOLDER,
                                        f"the front matter still holds the placeholder {slot}; fill it in, or leave the value empty (\"\")"))
    return findings


# -- headings, anchors and the table of contents -----------------------------------------------

_EXPLICIT_ID = re.compile(r"\s*\{#([^\s}]+)[^}]*\}\s*$")
_ANCHOR_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?#([^\s)>]*)>?")


def heading_anchor(title: str) -> str:
    """Return the id Hugo gives a heading with `autoHeadingIDType = "github"` (the default), before de-duplication."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", _EXPLICIT_ID.sub("", title))
    out = []
    for char in text:
        if char in "- \t":
            out.append("-")
        elif char == "_" or char.isalpha() or unicodedata.category(char) == "Nd":
            out.append(char.lower())
    return "".join(out)


def heading_ids(body: str) -> list[tuple[Heading, str]]:
    """Return each heading of `body` with its HTML id as Hugo makes it: explicit {#id}, or derived and numbered -1, -2 on repeats."""
    taken: set[str] = set()
    result = []
    for heading in sections.headings(body):
        explicit = _EXPLICIT_ID.search(heading.title)
        if explicit:
            identifier = explicit.group(1)
        else:
            base = heading_anchor(heading.title) or "heading"
            identifier, counter = base, 0
            while identifier in taken:
                counter += 1
                identifier = f"{base}-{counter}"
        taken.add(identifier)
        result.append((heading, identifier))
    return result


def check_toc_links(text: str) -> list[Finding]:
    """Every `[Text](#anchor)` link in the post's body must point at a heading id Hugo will generate."""
    front_matter, body = sections.split_front_matter(text)
    offset = front_matter.count("\n")
    ids = [identifier for _, identifier in heading_ids(body)]
    known = set(ids)
    findings = []
    for line in scan(blank_comments(body)):
        if line.zone != "prose":
            continue
        for match in _ANCHOR_LINK.finditer(mask_code_spans(line.text)):
            anchor = unquote(match.group(2))
            if anchor in known:
                continue
            close = difflib.get_close_matches(anchor, ids, n=1) or difflib.get_close_matches(heading_anchor(match.group(1)), ids, n=1)
            hint = f"; the nearest heading id is #{close[0]}" if close else "; no heading has an id like it"
            findings.append(Finding(line.number + offset, TOC_LINK,
                                    f"the link [{match.group(1)}](#{match.group(2)}) points at no heading{hint}. "
                                    "Hugo ids are the heading text in lower case, spaces as hyphens, punctuation dropped"))
    return findings


def check_empty_sections(skeleton: str, answer: str) -> list[Finding]:
    """Find headings of `answer` with nothing under them where the archetype asked for text."""
    findings = []
    want = _extents(skeleton)
    have = _extents(answer)
    used: set[int] = set()
    for heading, has_text, is_leaf in have:
        match = next((i for i, (w, _, _) in enumerate(want) if i not in used and w.level == heading.level
                      and _heading_matches(w, heading)), None)
        if match is None:
            continue
        used.add(match)
        if is_leaf and not has_text and want[match][1]:
            findings.append(Finding(heading.line, EMPTY,
                                    f"the section {'#' * heading.level} {heading.title} has no text under its heading; "
                                    "write it, or say what the paper does not report"))
    return findings


def _extents(text: str) -> list[tuple[Heading, bool, bool]]:
    """Each heading with whether text follows it before the next heading, and whether no deeper heading follows."""
    lines = text.splitlines()
    found = sections.headings(text)
    result = []
    for index, heading in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else None
        end = following.line - 1 if following else len(lines)
        has_text = any(line.strip() for line in lines[heading.line: end])
        is_leaf = following is None or following.level <= heading.level
        result.append((heading, has_text, is_leaf))
    return result
