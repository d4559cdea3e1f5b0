"""Findings of one section, exactly: line, rule and message, for the cases mutation testing showed no test held.

Each row is a mutant of `drafter/validate/` that survived `tools/mutation.py --module validate` (seeds 0 and 1): the
finding it changes (a line number, a word of the message, a finding added or lost) is written out in full,
so putting the mutant back makes its row fail. The message is what the user and the re-asked model read.
"""

from __future__ import annotations

import pytest

from drafter.validate import validate_section
from drafter.validate.front_matter import front_matter_placeholders
from drafter.validate.integrity import table_headers
from drafter.validate.toc import check_toc_links

SKELETON = "## Results\n\n[Results text]\n"
BEFORE_HEADING = "text before the heading; start the answer with the line ## Results"
STRAY = ("is read as an HTML tag, so Hugo drops it from the page; write the < as &lt; (or put a space after it), put math "
         "in $...$ and code in `backticks`")


def nested(title: str, where: str) -> str:
    return (f"the heading '{title}' sits inside {where}, so Hugo renders it there, not as a heading of the post; start it "
            f"at the beginning of a line, outside {where}, with a blank line before it, or write it as **bold** text")


# (case, skeleton, answer, every finding as (line, rule, message))
FINDINGS = [
    # check_chatter: a remark before the heading is "text before the heading", once, not also an opening remark
    ("remark before the heading", SKELETON, "Sure! Here is the section:\n\n## Results\n\nIt works.\n",
     [(1, "chatter", BEFORE_HEADING)]),
    # check_headings: with no heading in the answer, the missing heading is reported on line 1
    ("no heading at all", SKELETON, "It works well.\n",
     [(1, "chatter", BEFORE_HEADING), (1, "heading", "the heading ## Results is missing or renamed; keep it exactly")]),
    # validate_section: an empty answer is one finding, on line 1
    ("empty answer", SKELETON, "", [(1, "empty-section", "the answer is empty; write the whole section, starting with its heading")]),
    ("blank answer", SKELETON, "\n  \n", [(1, "empty-section", "the answer is empty; write the whole section, starting with its heading")]),
    # check_content: the angle placeholder's advice names the literal-code escape as written
    ("angle placeholder", SKELETON, "## Results\n\nIt uses <Model Name> here.\n",
     [(3, "placeholder", "the placeholder <Model Name> is left; replace it with real content "
                         "(put literal code such as List<int> in `backticks`)")]),
    # bracket_slots: an interval in math is text, not a placeholder (it was reported as "[ ,  ]" left behind)
    ("an interval in math", SKELETON, "## Results\n\nThe gate stays in the range [$0$, $1$].\n", []),
    # _check_table: two pipe rows with no separator are already a table that lost its separator
    ("two rows, no separator", SKELETON, "## Results\n\n| a | b |\n| c | d |\n",
     [(3, "table", "these lines look like a table but have no separator row; put a line like |---|---| under the header row")]),
    ("one pipe row is prose", SKELETON, "## Results\n\n| a | b |\n", []),
    # check_markdown: the unclosed fence's message
    ("unclosed fence", SKELETON, "## Results\n\n```python\nx = 1\n",
     [(3, "code-fence", "this code block is never closed; add a closing ``` line after its last line of code")]),
    # ... and at the end of an answer with no final newline (read as closed on its last line once: no finding)
    ("unclosed fence, no final newline", SKELETON, "## Results\n\n```python\nx = 1",
     [(3, "code-fence", "this code block is never closed; add a closing ``` line after its last line of code")]),
    # _stray_tags: the tag is quoted cut at 40 characters
    ("long stray tag", SKELETON, "## Results\n\nIt compares a<bcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz> well.\n",
     [(3, "stray-html", f"'<bcdefghijklmnopqrstuvwxyz abcdefghij...' {STRAY}")]),
    # check_rendering: the nested heading's message names its container, a list item or a blockquote
    ("headings in a list and a blockquote", SKELETON, "## Results\n\n- item\n\n  ## Inside\n\n> ## Quoted\n",
     [(5, "nested-heading", nested("Inside", "a list item")), (7, "nested-heading", nested("Quoted", "a blockquote"))]),
    # shortcodes: a shortcode is known by its name, so the archetype's {{< figure >}} allows no {{< youtube >}}
    ("another shortcode than the archetype's", '## Results\n\n{{< figure src="a.png" >}}\n',
     '## Results\n\n{{< figure src="a.png" >}}\n\n{{< youtube x >}}\n',
     [(5, "shortcode", "the Hugo shortcode {{< youtube >}} is not in the archetype; remove it (Hugo would run it when building the site)")]),
    ("the archetype's shortcode kept", '## Results\n\n{{< figure src="a.png" >}}\n', '## Results\n\n{{< figure src="b.png" >}}\n', []),
    # --- seed 1 survivors ---
    # check_placeholders: a TODO the archetype has is still left in prose (only code may keep the archetype's TODO)
    ("the archetype's TODO, in prose and in code", "## Results\n\nTODO: results\n\n```python\nx = 1  # TODO\n```\n",
     "## Results\n\nTODO: results\n\n```python\nx = 1  # TODO\n```\n",
     [(3, "placeholder", "the marker TODO is left; write the missing content, or say the paper does not report it")]),
    # check_rendering: the open comment's message as written
    ("an HTML comment never closed", SKELETON, "## Results\n\n<!-- a note\n\nIt works.\n",
     [(3, "guidance-comment", "a guidance comment is left; replace it with the text it asks for"),
      (3, "open-comment", "this HTML comment is never closed (no -->), so Hugo hides everything after it to the end of the "
                          "page; close it with --> or remove it")]),
    # _stray_tags: a tag the archetype allows does not end the search; a stray tag after it is still reported
    ("a stray tag after an allowed one", "## Results\n\nUse <br> here.\n", "## Results\n\nUse <br> here, a<b and c>d.\n",
     [(3, "stray-html", f"'<b and c>' {STRAY}")]),
    # check_safety: the raw HTML's message names each tag of the line, quoted
    ("raw HTML not in the archetype", SKELETON, "## Results\n\nIt <span>works</span>.\n",
     [(3, "unsafe-html", "the raw HTML '<span>', '</span>' is not in the archetype; remove it and write plain Markdown "
                         "(put literal markup in `backticks`)")]),
]


@pytest.mark.parametrize(("case", "skeleton", "answer", "expected"), FINDINGS, ids=[row[0] for row in FINDINGS])
def test_a_sections_findings_exactly(case: str, skeleton: str, answer: str, expected: list[tuple[int, str, str]]) -> None:
    """Guards the line, the rule and the text of each finding above (mutants of the chatter, heading, empty,
    placeholder, table, fence, stray-tag, nested-heading and shortcode rules survived every other test)."""
    assert [(f.line, f.rule, f.message) for f in validate_section(skeleton, answer)] == expected


FRONT_MATTER_SLOT = 'the front matter still holds the placeholder {}; fill it in, or leave the value empty ("")'

# (case, front matter, every finding as (line, rule, message))
FRONT_MATTER = [
    # an unquoted scalar value is read too, not only quoted strings
    ("unquoted angle slot", "author: <Author>\n", [(1, "placeholder", FRONT_MATTER_SLOT.format("<Author>"))]),
    # a one-item [bracket] value is a slot, not a YAML list to skip
    ("unquoted bracket slot", "title: [Paper title]\n", [(1, "placeholder", FRONT_MATTER_SLOT.format("[Paper title]"))]),
    ("a real list is no slot", "tags: [a, b]\n", []),
]


@pytest.mark.parametrize(("case", "front_matter", "expected"), FRONT_MATTER, ids=[row[0] for row in FRONT_MATTER])
def test_front_matter_slots_exactly(case: str, front_matter: str, expected: list[tuple[int, str, str]]) -> None:
    """Guards the unquoted front matter values: a `<slot>` or a one-item `[slot]` left unquoted is still found
    (seed-1 mutants that dropped every unquoted value, or every bracket value, survived)."""
    assert [(f.line, f.rule, f.message) for f in front_matter_placeholders(front_matter)] == expected


TABLES = [
    # a table whose header is the text's first line is still a table
    ("header on line 1", "| a | b |\n|---|---|\n| 1 | 2 |\n", [(1, ("a", "b"))]),
    ("header on line 3", "## T\n\n| A | B |\n|---|---|\n", [(3, ("a", "b"))]),
]


@pytest.mark.parametrize(("case", "text", "expected"), TABLES, ids=[row[0] for row in TABLES])
def test_table_headers_exactly(case: str, text: str, expected: list[tuple[int, tuple[str, ...]]]) -> None:
    """Guards that the header row on the first line is read (a seed-1 mutant started the search at line 3)."""
    assert table_headers(text) == expected


TOC = [
    ("a link to no heading", "## Intro\n\nSee [the method](#methd).\n\n## Method\n",
     [(3, "toc-link", "the link [the method](#methd) points at no heading; the nearest heading id is #method. "
                      "Hugo ids are the heading text in lower case, spaces as hyphens, punctuation dropped")]),
]


@pytest.mark.parametrize(("case", "text", "expected"), TOC, ids=[row[0] for row in TOC])
def test_toc_link_findings_exactly(case: str, text: str, expected: list[tuple[int, str, str]]) -> None:
    """Guards the broken table-of-contents link's message, how Hugo makes ids included (a seed-1 mutant
    upper-cased that sentence)."""
    assert [(f.line, f.rule, f.message) for f in check_toc_links(text)] == expected
