"""Chatter: what a chat model says to the person who asked instead of writing the section.

Models wrap an answer in remarks to the requester: before the heading ("Sure! Here is ..."), right after it
("Certainly, here is the completed section:"), as a note ("Note: I have replaced the placeholders ...") or at
the end ("Let me know if you'd like changes"). Each pattern below names the request or the requester; prose
about the paper that merely starts with "Here" or "Note that" does not.
"""

from __future__ import annotations

import re

from ..findings import CHATTER, Finding, quote
from ..post.markdown import Heading, Line, parse

# A leading `**`, `>`, `*` or quote mark does not hide a remark.
_LEAD = r"^[\W_]*"
_INTERJECTION = r"(?:sure(?:\s+thing)?|certainly|of\s+course|absolutely|okay|ok|alright|all\s+right|great|got\s+it|no\s+problem|definitely|gladly|with\s+pleasure)"
# What the requester asked for, named as such: "the completed section", "the filled-in Markdown".
_THE_ANSWER = r"(?:section|subsection|markdown|write-?up|rewrite)"
_THE_ANSWER_IF_INTRODUCED = r"(?:draft|version|answer|text|content|result)"  # only in a line ending with ":"
_FIRST_PERSON = (r"(?:i(?:'ve|\u2019ve|\s+have)|i(?:'ll|\u2019ll|\s+will)|let\s+me|i(?:'d|\u2019d|\s+would)\s+be\s+happy\s+to|"
                 r"i(?:'m|\u2019m|\s+am)\s+(?:happy|glad)\s+to)")
_ASKED_VERBS = (r"(?:written|write|filled|fill|drafted|draft|completed|complete|replaced|replace|rewritten|rewrite|"
                r"provided|provide|prepared|prepare|expanded|expand|help|kept|used|followed|added)")
_OPENING = re.compile(
    _LEAD + r"(?:"
    + _INTERJECTION + r"\s*(?:[!.:]|$)"  # "Sure!", "Certainly.", "Of course:"
    + r"|" + _INTERJECTION + r"\s*[,\u2014\u2013-]\s*(?:here|below|i\b|i'|i\u2019|let\s+me|this\s+is|the\s+following)"
    + r"|(?:here|below)(?:'s|\u2019s|\s+is|\s+are)\b.{0,80}?\b" + _THE_ANSWER + r"\b"  # "Here's the completed section"
    + r"|(?:here|below)(?:'s|\u2019s|\s+is|\s+are)\b.{0,80}?\b" + _THE_ANSWER_IF_INTRODUCED + r"\b[^:]*:\W*$"
    + r"|the\s+following\s+(?:is|are)\b.{0,60}?\b" + _THE_ANSWER + r"\b"
    + r"|as\s+(?:requested|instructed|you\s+asked|per\s+your\s+(?:request|instructions))\s*[,:\u2014-]"
    + r"|" + _FIRST_PERSON + r"\s+(?:now\s+)?" + _ASKED_VERBS + r"\b"
    + r")",
    re.IGNORECASE,
)
_NOTE = re.compile(
    _LEAD + r"(?:note|n\.b\.|p\.?s\.?|disclaimer)\s*(?:\*\*)?\s*[:\u2014\u2013-]\s*(?:\*\*)?\s*"
    r"(?:.*\b(?:i|i've|i\u2019ve|i'll|i\u2019ll|i'm|i\u2019m|me|my|you|your)\b"
    r"|.*\b(?:placeholders?|skeleton|template|archetype|instructions?|requested|as\s+asked)\b)",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^\W*(?:I hope (?:this|that|it|you)|Hope (?:this|that|it)|(?:Please )?let me know|Feel free to|"
    r"If you(?:'d| would)? (?:like|want|need|have)|Would you like|Do you want|Shall I|Should I|"
    r"I can (?:also )?(?:expand|adjust|add|provide|help|revise|elaborate)|Is there anything|Happy to help|Glad to help|"
    r"Thanks? (?:you )?for|I've (?:written|filled|completed)|I have (?:written|filled|completed)|"
    r"(?:This|That) (?:completes|concludes) the (?:section|draft|answer)|End of (?:the )?section\b)",
    re.IGNORECASE,
)


def is_opening_remark(text: str) -> bool:
    """Tell whether a paragraph's first line is a remark to the requester ("Sure! Here is the section:")."""
    return bool(_OPENING.match(text.strip()))


def is_note_to_requester(text: str) -> bool:
    """Tell whether a line is a note about the request ("Note: I have replaced the placeholders ...")."""
    return bool(_NOTE.match(text.strip()))


def is_closing_remark(text: str) -> bool:
    """Tell whether a line is a closing remark to the chat ("Let me know if ...", "I hope this helps")."""
    return bool(_CLOSING.match(text.strip()))


def check_chatter(skeleton: str, answer: str, *, fenced: bool = False) -> list[Finding]:
    """Find chatter in `answer`: text before its heading, opening remarks, notes to the requester, closing remarks."""
    read = parse(answer)
    expected = parse(skeleton).top_headings
    ours = {line.strip() for line in skeleton.splitlines() if line.strip()}
    findings: list[Finding] = []
    first = next((line for line in read.lines if line.text.strip()), None)
    if first is not None and not fenced and expected and expected[0].line == 1:
        if not any(heading.line == first.number for heading in read.top_headings):
            findings.append(Finding(first.number, CHATTER,
                                    f"text before the heading; start the answer with the line {_heading_line(expected[0])}"))
    headed = {heading.line for heading in read.headings}
    before_heading = read.top_headings[0].line if read.top_headings else 1
    for line in _paragraph_starts(read.lines, headed):
        if line.text.strip() in ours or line.number < before_heading:
            continue
        if is_opening_remark(line.text):
            findings.append(Finding(line.number, CHATTER,
                                    f"the remark {quote(line.text.strip(), 60)} is addressed to the chat, not the reader; "
                                    "remove it and start with the section's own text"))
    for line in read.lines:
        if line.zone == "prose" and line.text.strip() not in ours and is_note_to_requester(line.text):
            findings.append(Finding(line.number, CHATTER,
                                    f"the note {quote(line.text.strip(), 60)} speaks to the requester, not the reader; "
                                    "remove it (say in the text itself what the paper does not report)"))
    findings += _closing_remarks(read.lines, ours)
    return findings


def _heading_line(heading: Heading) -> str:
    return f"{'#' * heading.level} {heading.title}"


def _paragraph_starts(lines: tuple[Line, ...], heading_lines: set[int]) -> list[Line]:
    """The first line of each prose paragraph (after a blank line, a heading or the start)."""
    starts = []
    previous_blank = True
    for line in lines:
        blank = not line.text.strip()
        if not blank and line.zone == "prose" and previous_blank and line.number not in heading_lines:
            starts.append(line)
        previous_blank = blank or line.number in heading_lines
    return starts


def _closing_remarks(lines: tuple[Line, ...], ours: set[str]) -> list[Finding]:
    """A closing remark in the answer's last paragraph, after the section's own last content."""
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
                    f"the remark {quote(line.text.strip(), 60)} is addressed to the chat, not the reader; "
                    "end the answer with the section's own last line")
            for line in reversed(tail) if line.text.strip() not in ours and is_closing_remark(line.text)]
