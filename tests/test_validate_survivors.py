"""Findings of one section, exactly: line, rule and message, for the cases mutation testing showed no test held.

Each row is a mutant of `drafter/validate/` that survived `tools/mutation.py --module validate` (seed 0): the
finding it changes (a line number, a word of the message, a finding added or lost) is written out in full,
so putting the mutant back makes its row fail. The message is what the user and the re-asked model read.
"""

from __future__ import annotations

import pytest

from drafter.validate import validate_section

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
]


@pytest.mark.parametrize(("case", "skeleton", "answer", "expected"), FINDINGS, ids=[row[0] for row in FINDINGS])
def test_a_sections_findings_exactly(case: str, skeleton: str, answer: str, expected: list[tuple[int, str, str]]) -> None:
    """Guards the line, the rule and the text of each finding above (mutants of the chatter, heading, empty,
    placeholder, table, fence, stray-tag, nested-heading and shortcode rules survived every other test)."""
    assert [(f.line, f.rule, f.message) for f in validate_section(skeleton, answer)] == expected
