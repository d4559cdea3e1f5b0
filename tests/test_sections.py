"""The sections scanner (`drafter/post/`) on its own: what it reads in a text, input -> expected, for the cases
mutation testing (`tools/mutation.py --module sections`, seed 0) showed no other test held. Each table's
docstring names what it guards; two rows found real bugs (an unclosed fence at the end of a text with no
final newline read as closed; a `|-|-|` separator row taken for a sample line)."""

from __future__ import annotations

import pytest

from drafter.post import document, markdown, placeholders
from drafter.post.markdown import CodeBlock, Heading, Html, Line, Table
from drafter.post.pairing import pair


@pytest.mark.parametrize(("text", "blocks", "zones"), [
    ("```python\nx = 1\n```\n", [CodeBlock(1, 3, "python", "x = 1")], ["fence", "code", "fence"]),
    ("```python\nx = 1\n", [CodeBlock(1, None, "python", "x = 1")], ["fence", "code"]),
    ("```python\nx = 1", [CodeBlock(1, None, "python", "x = 1")], ["fence", "code"]),
    ("```python\nx = 1\ny = 2", [CodeBlock(1, None, "python", "x = 1\ny = 2")], ["fence", "code", "code"]),
    ("```python", [CodeBlock(1, None, "python", "")], ["fence"]),
    ("```\n```", [CodeBlock(1, 2, "", "")], ["fence", "fence"]),
    ("    x = 1\n", [CodeBlock(1, 1, "", "x = 1", fenced=False)], ["code"]),
], ids=["closed", "open, final newline", "open, no final newline", "open, two lines, no final newline", "open, no code",
        "closed, empty", "indented"])
def test_code_blocks_and_their_zones(text: str, blocks: list[CodeBlock], zones: list[str]) -> None:
    """Guards where a fence closes: a fence left open at the end of a text with no final newline was read as
    closed on its last code line (so `check` missed it), and the code keeps its last character."""
    read = markdown.parse(text)
    assert (list(read.code_blocks), [line.zone for line in read.lines]) == (blocks, zones)


@pytest.mark.parametrize(("text", "lines"), [
    ("a\nb\n", [Line(1, "a", "prose"), Line(2, "b", "prose")]),
    ("a\r\n\r\nb\rc", [Line(1, "a", "prose"), Line(2, "", "prose"), Line(3, "b", "prose"), Line(4, "c", "prose")]),
    ("\n\nx\n", [Line(1, "", "prose"), Line(2, "", "prose"), Line(3, "x", "prose")]),
    ("$$\nE = mc^2\n$$\n", [Line(1, "$$", "fence"), Line(2, "E = mc^2", "math"), Line(3, "$$", "fence")]),
])
def test_lines_are_read_without_their_endings(text: str, lines: list[Line]) -> None:
    """Guards the line texts: each without its LF, CRLF or CR (a mutant stripping the wrong side survived)."""
    assert markdown.scan(text) == lines


@pytest.mark.parametrize(("text", "tables"), [
    ("| a | b |\n|---|---|\n| 1 | 2 |\n", [Table(1, 3, ("a", "b"))]),
    ("Intro.\n\n| Model | BLEU |\n|-|-:|\n| Big | 28.4 |\n| Base | 27.3 |\n", [Table(3, 6, ("Model", "BLEU"))]),
    ("| a | b |\n| 1 | 2 |\n", []),
])
def test_tables_and_their_header_cells(text: str, tables: list[Table]) -> None:
    """Guards the tables the scanner reports, with their header cells (a mutant dropping the header survived)."""
    assert list(markdown.parse(text).tables) == tables


def test_headings_know_their_container() -> None:
    """Guards `container`: a heading in a list item or blockquote is not a top heading (a mutant that set none survived)."""
    read = markdown.parse("- item\n\n  ## Inside\n\n> ## Quoted\n\n## Top\n")
    assert read.headings == (Heading(2, "Inside", 3, container="list", end_line=3),
                             Heading(2, "Quoted", 5, container="blockquote", end_line=5), Heading(2, "Top", 7, end_line=7))
    assert read.top_headings == (Heading(2, "Top", 7, end_line=7),)


def test_a_sections_links_include_references_defined_in_another_section() -> None:
    """Guards a part's inline content being its share of the whole: `[text][r]` in one section, defined in
    another, is a link of its section (as Hugo renders it); parsed alone it would be plain text."""
    draft = document.split("# Title\n\nSee [the attack][r].\n\n## Notes\n\n[r]: javascript:alert(1)\n")
    assert [markdown.parse(block.text).links for block in draft.blocks] == [
        (markdown.Link(3, "javascript:alert(1)", "link"),), (markdown.Link(3, "javascript:alert(1)", "definition"),)]


@pytest.mark.parametrize(("text", "part", "html"), [
    ('A <span\nclass="x">tag</span> and <!-- a\nnote --> end.\n', 0,
     [Html(1, 2, '<span\nclass="x">', False), Html(2, 2, "</span>", False), Html(2, 3, "<!-- a\nnote -->", False)]),
    ('## A\n\nText.\n\n## B\n\nA <b>bold</b>\nand <span\nclass="x">.\n', 1,
     [Html(3, 3, "<b>", False), Html(3, 3, "</b>", False), Html(4, 5, '<span\nclass="x">', False)]),
], ids=["a whole text", "the second section of a draft"])
def test_inline_html_and_its_lines(text: str, part: int, html: list[Html]) -> None:
    """Guards inline HTML's first and last line, in a text and in a section cut from a draft (a mutant that
    dropped the last line survived)."""
    block = document.split(text).blocks[part].text if part else text
    assert list(markdown.parse(block).html) == html


@pytest.mark.parametrize(("body", "level"), [
    ("", 2), ("Text only.\n", 2), ("# Title\n\n## A\n\n## B\n", 2), ("### A\n\n### B\n", 3), ("# Title\n\n### A\n\n### B\n", 3),
    ("# A\n\n# B\n", 1), ("# A\n\n## x\n\n# B\n", 1), ("# Title\n", 1),
])
def test_the_section_level(body: str, level: int) -> None:
    """Guards `detect_section_level`: the level that divides the body (a mutant that always said 2 survived)."""
    assert document.detect_section_level(body) == level


@pytest.mark.parametrize(("text", "front_matter"), [
    ('---\ntitle: "x"\n---\nBody.\n', '---\ntitle: "x"\n---\n'),
    ('+++\ntitle = "x"\n+++\nBody.\n', '+++\ntitle = "x"\n+++\n'),
    ('{\n  "title": "a } b",\n  "draft": true\n}\nBody.\n', '{\n  "title": "a } b",\n  "draft": true\n}\n'),
    ('{\n  "title": "say \\" } here",\n  "params": {"x": 1}\n}\nBody.\n', '{\n  "title": "say \\" } here",\n  "params": {"x": 1}\n}\n'),
    ('{\n  "title": "never closed"\nBody.\n', ""),
    ("---\ntitle: x\nBody.\n", ""),
], ids=["yaml", "toml", "json, brace in a string", "json, escaped quote and nesting", "json, unclosed", "yaml, unclosed"])
def test_front_matter_is_cut_where_it_ends(text: str, front_matter: str) -> None:
    """Guards the JSON front matter's string reading: a `}` inside a string does not close it."""
    assert document.split_front_matter(text) == (front_matter, text[len(front_matter):])


def sections(*titles: str) -> document.Document:
    return document.split("".join(f"## {title}\n\ntext\n\n" for title in titles))


@pytest.mark.parametrize(("archetype", "draft", "pairs"), [
    (("Intro", "Method", "End"), ("Intro", "Method", "End"), [(0, 0), (1, 1), (2, 2)]),
    (("Intro", "Method", "End"), ("Method", "Intro", "End"), [(0, 1), (1, None), (2, 2)]),
    (("Intro", "Method", "End"), ("Intro", "End"), [(0, 0), (1, None), (2, 1)]),
    (("Example", "Example"), ("Example", "Example"), [(0, 0), (1, 1)]),
    (("Example", "Example"), ("Example",), [(0, 0), (1, None)]),
], ids=["in order", "two swapped", "one missing", "a repeated heading", "a repeat missing"])
def test_blocks_pair_in_order(archetype: tuple[str, ...], draft: tuple[str, ...], pairs: list) -> None:
    """Guards `pair`'s cursor: after a pair the search goes on past it, so a moved section is left unpaired."""
    assert pair(sections(*archetype), sections(*draft)) == pairs


@pytest.mark.parametrize(("text", "tags"), [
    ("When p<q and q>r holds.\n", [("<q and q>", False, False)]),  # glued to a letter: a comparison, not a slot
    ("It ends </model name> here.\n", [("</model name>", True, False)]),  # a closing tag is never a slot
    ("Write <Model Name> here.\n", [("<Model Name>", False, True)]),
    ("A <one-line summary of X> here.\n", [("<one-line summary of X>", True, True)]),
    ("A <one-line summary> here.\n", [("<one-line summary>", True, True)]),  # two words are enough
    ('A <div class="x"> here.\n', [('<div class="x">', True, False)]),
], ids=["glued comparison", "closing tag of two words", "slot", "hyphenated slot", "hyphenated slot of two words", "tag with attributes"])
def test_which_angle_tags_are_slots(text: str, tags: list[tuple[str, bool, bool]]) -> None:
    """Guards `is_slot` on a glued `<` and on a closing tag of two words (both mutants survived)."""
    assert [(tag.text, tag.is_html, placeholders.is_slot(tag)) for tag in markdown.angle_tags(text)] == tags


@pytest.mark.parametrize(("line", "slots"), [
    ("Use [Model Name] here.", ["[Model Name]"]),
    ("Write [ ... ] here.", ["[ ... ]"]),
    ("As shown in [1].", ["[1]"]),
    ("The range [$0$, $1$] holds.", []),
    ("Sum over [$x$] only.", []),
    ("Keys [`a`; `b`] only.", []),
    ("- [ ] a task", []),
    ("See [the paper](https://arxiv.org/abs/1706.03762).", []),
], ids=["slot", "ellipsis slot", "numbered", "interval in math", "math alone", "code spans", "task box", "link"])
def test_bracket_slots(line: str, slots: list[str]) -> None:
    """Guards what a `[slot]` is: brackets around only math or code spans and separators (the interval
    `[$0$, $1$]`) are text; the validator used to report them as the placeholder `[ ,  ]` left behind."""
    assert placeholders.bracket_slots(line) == slots


@pytest.mark.parametrize(("block", "fill"), [
    ("## Method\n\n[Describe the method]\n", True),
    ("## Method\n\n<!-- say how it works -->\n", True),
    ("## Method\n\n<one-paragraph summary of the method>\n", True),
    ("## Method\n\n```text\n[not a slot in code]\n```\n", False),
    ("## Method\n\nPlain text, [a link](https://x.org).\n", False),
], ids=["bracket slot", "comment", "angle slot", "brackets in code", "link"])
def test_whether_a_block_has_placeholders(block: str, fill: bool) -> None:
    """Guards `has_placeholders` reading bracket slots in prose only (a mutant that never read prose survived)."""
    assert placeholders.has_placeholders(block) is fill


@pytest.mark.parametrize(("block", "found"), [
    ("## Method\n\n<!-- say   how -->\n\n[Describe it]\n\n- item one\n\n<Model Name>\n\nTODO write\n\n"
     "```python\nclass ModelName: pass\n```\n",
     ["<!-- say how -->", "[Describe it]", "<Model Name>", "TODO write", "- item one", "ModelName"]),
    ("## Notes\n\n<!-- a note on [the slot] -->\n\nPlain text.\n", ["<!-- a note on [the slot] -->"]),
    ("## Notes\n\nPlain text.\n", []),
], ids=["every kind", "a slot inside a comment is the comment's", "none"])
def test_the_placeholders_of_a_block(block: str, found: list[str]) -> None:
    """Guards `placeholders` (what `drafter new` lists as left to fill): no test called it; a slot inside a
    comment is not listed again on its own."""
    assert placeholders.placeholders(block) == found


@pytest.mark.parametrize(("text", "samples"), [
    ("| a | b |\n|---|---|\n| x | y |\n", {"| x | y |"}),
    ("| a | b |\n|-|-|\n| x | y |\n", {"| x | y |"}),
    ("| a | b |\n|:-|-:|\n| x | y |\n| z | w |\n", {"| x | y |", "| z | w |"}),
    ("| a | b |\n| x | y |\n", {"| x | y |"}),  # no separator: the rows under the first are still samples
    ("- one\n- [slot]\n- [link](https://x.org)\n", {"- one"}),
    ("$$\nE = mc^2\n$$\n", {"E = mc^2"}),
], ids=["table", "one-dash separator", "aligned separator", "no separator", "list items", "formula"])
def test_the_sample_lines_of_a_block(text: str, samples: set[str]) -> None:
    """Guards which lines are samples: table rows under the header but never the separator (a `|-|-|` one was
    taken for a sample, so an answer keeping it was told to replace it), list items, formula lines."""
    assert placeholders.sample_lines(text) == samples
