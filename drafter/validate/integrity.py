"""Markdown integrity: what would render broken: unclosed fences, Python that does not parse, unbalanced math,
ragged tables and tables whose columns changed."""

from __future__ import annotations

import ast
import re
import warnings

from ..findings import CODE_FENCE, MATH, PYTHON_SYNTAX, TABLE, Finding, quote
from ..post.markdown import Line, code_blocks, mask_code_spans, scan

_PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "py3"})


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
                                        f"the Python code does not parse ({message}) at {quote(code_line, 60)}; "
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

