"""Findings and their stable rule ids: the ground floor every check, the pipeline and the CLI share."""

from __future__ import annotations

from dataclasses import dataclass

# Stable rule ids: findings are matched on these by tests, tools and re-ask prompts.
PLACEHOLDER = "placeholder"
COMMENT = "guidance-comment"
SAMPLE = "sample-content"
HEADING = "heading"
FENCE_WRAP = "fence-wrap"
CHATTER = "chatter"
EMPTY = "empty-section"
FRONT_MATTER = "front-matter"
# Safety: what would run or load something when Hugo renders the post.
UNSAFE_HTML = "unsafe-html"
SHORTCODE = "shortcode"
UNSAFE_LINK = "unsafe-link"
# Markdown integrity: what would render broken.
CODE_FENCE = "code-fence"
PYTHON_SYNTAX = "python-syntax"
MATH = "math"
TABLE = "table"
# What Hugo renders otherwise than the writer meant (drafter.validate.render).
SETEXT_HEADING = "setext-heading"
OPEN_COMMENT = "open-comment"
STRAY_HTML = "stray-html"
NESTED_HEADING = "nested-heading"
# Whole-document checks.
TOC_LINK = "toc-link"
# Grounding (drafter.grounding): a number the source does not state.
UNGROUNDED_NUMBER = "ungrounded-number"


@dataclass(frozen=True)
class Finding:
    """One problem in a section: where, which rule, and what to do about it."""

    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.rule}: {self.message}"


def quote(text: str, limit: int = 80) -> str:
    """Quote a piece of the user's text for a message: whitespace collapsed, cut at `limit` characters."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
