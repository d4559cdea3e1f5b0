"""A paper's LaTeX source read into Markdown sections. Pure: it gets the files' bytes, never a path on disk.

Not a TeX engine: a small reader for what papers do. It finds the main file (the one with
`\\documentclass`), follows `\\input`/`\\include`, drops comments, expands argument-free and simple
`#1`-style macros, and keeps what a reader needs: section headings, paragraphs, tables as rows with
their captions, equations as LaTeX, figure captions and the bibliography (`.bbl` or `thebibliography`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from .text import APPENDIX, BIBLIOGRAPHY, Section, markdown_table, role_of, with_roles

MAX_INCLUDE_DEPTH = 12
_REFERENCES = "\x02references\x02"  # the heading that marks where the bibliography stands
_MACRO_PASSES = 4


class LatexUnreadable(Exception):
    """No main file, or nothing readable in it (the caller falls back to the abstract with this reason)."""


# ------------------------------------------------------------------ files


def decode(data: bytes) -> str:
    """A .tex file's text: UTF-8 when it is, else Latin-1 (older arXiv sources), which always decodes."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_COMMENT = re.compile(r"(?<!\\)((?:\\\\)*)%.*")
_WHOLE_LINE_COMMENT = re.compile(r"^[ \t]*%.*\n?", re.MULTILINE)
_COMMENT_ENV = re.compile(r"\\begin\{comment\}.*?\\end\{comment\}", re.DOTALL)
_IFFALSE = re.compile(r"\\iffalse\b.*?\\fi\b", re.DOTALL)


def strip_comments(text: str) -> str:
    """Drop `%` comments (not `\\%`), `comment` environments and `\\iffalse ... \\fi` blocks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _WHOLE_LINE_COMMENT.sub("", text)
    text = _COMMENT.sub(lambda m: m.group(1), text)
    text = _COMMENT_ENV.sub("", text)
    return _IFFALSE.sub("", text)


def find_main(files: Mapping[str, str]) -> str:
    """The name of the main file: one with `\\documentclass` (and `\\begin{document}`), preferring ms/main."""
    candidates = [name for name, text in files.items() if name.endswith(".tex") and "\\documentclass" in strip_comments(text)]
    if not candidates:
        raise LatexUnreadable("no .tex file has \\documentclass")
    with_body = [name for name in candidates if "\\begin{document}" in files[name]]
    pool = with_body or candidates
    preferred = [n for n in pool if posixpath.basename(n) in ("ms.tex", "main.tex", "paper.tex")]
    return sorted(preferred or pool, key=lambda n: (n.count("/"), -len(files[n]), n))[0]


_INPUT = re.compile(r"\\(?:input|include|subfile)\s*(?:\{([^{}]*)\}|([^\s{}\\]+))")


def expand_inputs(name: str, files: Mapping[str, str], depth: int = 0, seen: frozenset[str] = frozenset()) -> str:
    """The file's text (comments dropped) with every `\\input`/`\\include` replaced by the named file's text."""
    text = strip_comments(files[name])
    if depth >= MAX_INCLUDE_DEPTH:
        return text
    base = posixpath.dirname(name)

    def replace_input(match: re.Match[str]) -> str:
        target = (match.group(1) or match.group(2) or "").strip()
        found = _resolve(target, base, files)
        if found is None or found in seen or found == name:
            return ""
        return "\n" + expand_inputs(found, files, depth + 1, seen | {name}) + "\n"

    return _INPUT.sub(replace_input, text)


def _resolve(target: str, base: str, files: Mapping[str, str]) -> str | None:
    """The archive member an `\\input{target}` names: relative to the main folder or the including file, .tex optional."""
    for folder in dict.fromkeys(("", base)):
        for candidate in (target, target + ".tex"):
            path = posixpath.normpath(posixpath.join(folder, candidate))
            if path in files:
                return path
    return None


# ------------------------------------------------------------------ macros


def _group(text: str, start: int) -> tuple[str, int] | None:
    """The content of the balanced `{...}` at `start` (whitespace skipped) and the index after it, or None."""
    i = start
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if i >= len(text) or text[i] != "{":
        return None
    depth = 0
    j = i
    while j < len(text):
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1 : j], j + 1
        j += 1
    return None


def _optional(text: str, start: int) -> tuple[str, int] | None:
    """The content of a `[...]` at `start` (whitespace skipped), or None."""
    i = start
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if i >= len(text) or text[i] != "[":
        return None
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "[":
            depth += 1
        elif text[j] == "]":
            depth -= 1
            if depth == 0:
                return text[i + 1 : j], j + 1
    return None


_DEFINER = re.compile(r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand)\*?\s*|\\def\s*|\\DeclareMathOperator\*?\s*")


def collect_macros(text: str) -> tuple[dict[str, tuple[int, str]], str]:
    """Read simple macro definitions (name -> (argument count, body)) and return the text without them."""
    macros: dict[str, tuple[int, str]] = {}
    out: list[str] = []
    position = 0
    for match in _DEFINER.finditer(text):
        if match.start() < position:
            continue
        definer = match.group(0).strip().rstrip("*").strip()
        i = match.end()
        named = _group(text, i)
        if named is not None and named[0].strip().startswith("\\"):
            name, i = named[0].strip()[1:], named[1]
        else:
            bare = re.match(r"\s*\\([A-Za-z]+|.)", text[i:])
            if bare is None:
                continue
            name, i = bare.group(1), i + bare.end()
        count = 0
        if definer == "\\def":
            params = re.match(r"((?:#\d)*)", text[i:])
            count = len(params.group(1)) // 2 if params else 0
            i += params.end() if params else 0
        else:
            arity = _optional(text, i)
            if arity is not None:
                if not arity[0].strip().isdigit():
                    continue
                count, i = int(arity[0]), arity[1]
                if _optional(text, i) is not None:  # a default for #1: too clever for this reader; keep as is
                    continue
        body = _group(text, i)
        if body is None:
            continue
        value = body[0] if definer != "\\DeclareMathOperator" else "\\operatorname{" + body[0] + "}"
        if re.fullmatch(r"[A-Za-z]+", name) and count <= 9:
            macros[name] = (count, value)
        out.append(text[position : match.start()])
        position = body[1]
    out.append(text[position:])
    return macros, "".join(out)


def expand_macros(text: str, macros: Mapping[str, tuple[int, str]]) -> str:
    """Replace uses of the collected macros (arguments in braces), a few passes deep for nested ones."""
    if not macros:
        return text
    pattern = re.compile(r"\\(" + "|".join(sorted(map(re.escape, macros), key=len, reverse=True)) + r")(?![A-Za-z])")
    for _ in range(_MACRO_PASSES):
        out: list[str] = []
        position = 0
        changed = False
        for match in pattern.finditer(text):
            if match.start() < position:
                continue
            count, body = macros[match.group(1)]
            i = match.end()
            arguments = []
            for _ in range(count):
                group = _group(text, i)
                if group is None:
                    break
                arguments.append(group[0])
                i = group[1]
            if len(arguments) != count:
                continue
            value = body
            for number, argument in enumerate(arguments, start=1):
                value = value.replace(f"#{number}", argument)
            # An expansion ending in a command word must not glue onto the letters after it.
            if re.search(r"\\[A-Za-z]+$", value) and i < len(text) and text[i].isalpha():
                value += " "
            out.append(text[position : match.start()])
            out.append(value)
            position = i
            changed = True
        out.append(text[position:])
        text = "".join(out)
        if not changed:
            break
    return text


# ------------------------------------------------------------------ the body


_MATH_ENVS = ("equation", "equation*", "align", "align*", "gather", "gather*", "multline", "multline*",
              "eqnarray", "eqnarray*", "displaymath", "math", "flalign", "flalign*", "alignat", "alignat*")
_DISPLAY = re.compile(
    r"\\begin\{(" + "|".join(re.escape(e) for e in _MATH_ENVS) + r")\}(.*?)\\end\{\1\}"
    r"|\\\[(.*?)\\\]|\$\$(.*?)\$\$",
    re.DOTALL,
)
_INLINE = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$|\\\((.+?)\\\)", re.DOTALL)
_SECTION = re.compile(r"\\(section|subsection|subsubsection|chapter)\*?\s*(?=[\[{])")
_APPENDIX = re.compile(r"\\appendix\b|\\begin\{appendix\}")
_LABEL = re.compile(r"\\label\s*\{[^{}]*\}")


def read(files: Mapping[str, bytes]) -> list[Section]:
    """The paper in an archive's files (name -> bytes) as Markdown sections."""
    texts = {name: decode(data) for name, data in files.items() if name.endswith((".tex", ".bbl", ".ltx"))}
    main = find_main(texts)
    source = expand_inputs(main, texts)
    macros, source = collect_macros(source)
    source = expand_macros(source, macros)
    body = _document_body(source)
    bibliography = _bibliography(source, texts, main)
    sections = read_body(body, bibliography)
    if not any(section.text.strip() for section in sections):
        raise LatexUnreadable(f"{main} holds no text this reader understands")
    return sections


def _document_body(source: str) -> str:
    """What is between \\begin{document} and \\end{document} (the whole text when there is no such pair)."""
    start = source.find("\\begin{document}")
    end = source.rfind("\\end{document}")
    if start < 0:
        return source
    return source[start + len("\\begin{document}") : end if end > start else len(source)]


_BIBITEM = re.compile(r"\\bibitem\s*(?:\[[^\]]*\])?\s*\{([^{}]*)\}")
_THEBIB = re.compile(r"\\begin\{thebibliography\}.*?\\end\{thebibliography\}", re.DOTALL)


def _bibliography(source: str, texts: Mapping[str, str], main: str) -> str:
    """The thebibliography environment: inline in the source, else in the .bbl beside the main file."""
    inline = _THEBIB.search(source)
    if inline is not None:
        return inline.group(0)
    stem = posixpath.splitext(main)[0]
    bbls = sorted((n for n in texts if n.endswith(".bbl")), key=lambda n: (n != stem + ".bbl", n))
    for name in bbls:
        found = _THEBIB.search(strip_comments(texts[name]))
        if found is not None:
            return found.group(0)
    return ""


def read_body(body: str, bibliography: str = "") -> list[Section]:
    """Turn the document body into sections; `bibliography` (a thebibliography environment) becomes References."""
    # The references stay where the paper puts them (what follows them is appendix), marked by a heading.
    marker = "\\section{" + _REFERENCES + "}"
    body, placed = _THEBIB.subn(lambda _: marker, body, count=1)
    if not placed:
        body, placed = re.subn(r"\\bibliography\s*\{[^{}]*\}", lambda _: marker, body, count=1)
    body = re.sub(r"\\bibliography\s*\{[^{}]*\}", "", _THEBIB.sub("", body))
    if bibliography and not placed:
        body += "\n" + marker
    keys = _citation_names(bibliography)
    maths: list[str] = []
    body = _protect_math(body, maths)

    sections: list[Section] = []
    appendix_at = _APPENDIX.search(body)
    pieces = _split_sections(body, appendix_at.start() if appendix_at else None)
    for title, level, text, in_appendix in pieces:
        if title == _REFERENCES:
            items = _bibitems(bibliography, keys) if bibliography else ""
            if items:
                sections.append(Section("References", 1, items, BIBLIOGRAPHY))
            continue
        markdown = _restore_math(_blocks(text, keys), maths)
        heading = _restore_math(_inline(title, keys), maths).strip() if title else ""
        if not heading:
            if markdown.strip() and not sections:
                heading, level = "Preamble", 1
            elif not markdown.strip():
                continue
            else:
                heading = "(untitled)"
        role = APPENDIX if in_appendix else role_of(heading)
        sections.append(Section(heading, level, markdown, role))
    return with_roles(sections)


def _split_sections(body: str, appendix_at: int | None) -> list[tuple[str, int, str, bool]]:
    """(title, level, text, in the appendix) per sectioning command, the text before the first one first."""
    levels = {"chapter": 1, "section": 1, "subsection": 2, "subsubsection": 3}
    pieces: list[tuple[str, int, str, bool]] = []
    matches = list(_SECTION.finditer(body))
    first = matches[0].start() if matches else len(body)
    pieces.append(("", 1, _APPENDIX.sub("", body[:first]), False))
    for index, match in enumerate(matches):
        i = match.end()
        short = _optional(body, i)
        if short is not None:
            i = short[1]
        title = _group(body, i)
        if title is None:
            continue
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        in_appendix = appendix_at is not None and match.start() > appendix_at
        pieces.append((title[0], levels[match.group(1)], _APPENDIX.sub("", body[title[1] : end]), in_appendix))
    return pieces


def _protect_math(text: str, maths: list[str]) -> str:
    """Replace math with placeholders (so text rules never touch it), display math as its own block."""

    def keep(value: str) -> str:
        maths.append(value)
        return f"\x00{len(maths) - 1}\x00"

    def display(match: re.Match[str]) -> str:
        inner = match.group(2) if match.group(1) else (match.group(3) if match.group(3) is not None else match.group(4))
        inner = _LABEL.sub("", inner or "").strip()
        inner = re.sub(r"\\(?:nonumber|notag)\b", "", inner).strip()
        if not inner:
            return ""
        return "\n\n" + keep("$$\n" + inner + "\n$$") + "\n\n"

    text = _DISPLAY.sub(display, text)
    return _INLINE.sub(lambda m: keep("$" + (m.group(1) if m.group(1) is not None else m.group(2)).strip() + "$"), text)


def _restore_math(text: str, maths: list[str]) -> str:
    """Put the math back where its placeholders are."""
    for _ in range(3):  # a caption's math inside a table inside a figure: placeholders nest at most this deep
        text = re.sub(r"\x00(\d+)\x00", lambda m: maths[int(m.group(1))], text)
        if "\x00" not in text:
            break
    return text


_FLOAT = re.compile(r"\\begin\{(table\*?|figure\*?|wraptable|wrapfigure|sidewaystable)\}(.*?)\\end\{\1\}", re.DOTALL)
_TABULAR = re.compile(r"\\begin\{(tabular\*?|tabularx|longtable|tabu)\}(.*?)\\end\{\1\}", re.DOTALL)
_LIST = re.compile(r"\\begin\{(itemize|enumerate|description)\}(.*?)\\end\{\1\}", re.DOTALL)
_DROP_ENVS = re.compile(r"\\begin\{(abstract|tikzpicture|picture|thebibliography|algorithmic|lstlisting|verbatim)\}"
                        r".*?\\end\{\1\}", re.DOTALL)


def _blocks(text: str, keys: Mapping[str, str]) -> str:
    """A section's text as Markdown blocks: floats become captions and tables, lists become items, the rest prose."""
    blocks: list[str] = []

    def float_block(match: re.Match[str]) -> str:
        kind, inner = match.group(1).rstrip("*"), match.group(2)
        caption = _caption(inner, keys)
        rendered = []
        if "table" in kind or _TABULAR.search(inner):
            label = "Table" if "table" in kind else "Figure"
            if caption:
                rendered.append(f"{label}: {caption}")
            for tabular in _TABULAR.finditer(inner):
                rendered.append(_table(tabular.group(2), keys))
        elif caption:
            rendered.append(f"Figure: {caption}")
        blocks.append("\n\n".join(rendered))
        return f"\n\n\x01{len(blocks) - 1}\x01\n\n"

    def bare_tabular(match: re.Match[str]) -> str:
        blocks.append(_table(match.group(2), keys))
        return f"\n\n\x01{len(blocks) - 1}\x01\n\n"

    def list_block(match: re.Match[str]) -> str:
        items = re.split(r"\\item\b\s*(?:\[([^\]]*)\])?", match.group(2))
        lines = []
        # re.split with one group: [before, label1, item1, label2, item2, ...]
        for index in range(1, len(items), 2):
            label, item = items[index], _prose(items[index + 1], keys)
            if item or label:
                lines.append("- " + (f"**{_inline(label, keys).strip()}** " if label else "") + item)
        blocks.append("\n".join(lines))
        return f"\n\n\x01{len(blocks) - 1}\x01\n\n"

    text = _DROP_ENVS.sub("", text)
    text = _FLOAT.sub(float_block, text)
    text = _TABULAR.sub(bare_tabular, text)
    for _ in range(3):  # nested lists: innermost first
        text, count = _LIST.subn(list_block, text)
        if not count:
            break
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        if re.fullmatch(r"\s*\x01\d+\x01\s*", paragraph):
            paragraphs.append(paragraph.strip())
            continue
        if "\x00" in paragraph and re.fullmatch(r"\s*\x00\d+\x00\s*", paragraph):
            paragraphs.append(paragraph.strip())
            continue
        prose = _prose(paragraph, keys)
        if prose:
            paragraphs.append(prose)
    joined = "\n\n".join(paragraphs)
    for _ in range(3):
        joined = re.sub(r"\x01(\d+)\x01", lambda m: blocks[int(m.group(1))], joined)
    return joined.strip()


def _caption(inner: str, keys: Mapping[str, str]) -> str:
    """The text of the first \\caption in a float."""
    at = re.search(r"\\caption\*?\s*", inner)
    if at is None:
        return ""
    i = at.end()
    short = _optional(inner, i)
    if short is not None:
        i = short[1]
    group = _group(inner, i)
    return _prose(group[0], keys) if group else ""


_RULES = re.compile(r"\\(?:hline|toprule|midrule|bottomrule|cmidrule(?:\([^)]*\))?\s*\{[^{}]*\}|cline\s*\{[^{}]*\}|"
                    r"addlinespace(?:\[[^\]]*\])?|specialrule\s*\{[^{}]*\}\s*\{[^{}]*\}\s*\{[^{}]*\}|hhline\s*\{[^{}]*\})")
_CELL_SPLIT = re.compile(r"(?<!\\)&")
_ROW_SPLIT = re.compile(r"\\\\(?:\s*\[[^\]]*\])?|\\tabularnewline")


def _table(inner: str, keys: Mapping[str, str]) -> str:
    """A tabular's rows as a Markdown table (the first row the header); multicolumn/multirow cells keep their text."""
    spec = _group(inner, 0)
    if spec is not None and inner[: spec[1]].strip().startswith("{"):
        inner = inner[spec[1] :]
    inner = _RULES.sub("", inner)
    rows = []
    for raw in _ROW_SPLIT.split(inner):
        if not raw.strip():
            continue
        cells = [_cell(cell, keys) for cell in _CELL_SPLIT.split(raw)]
        if any(cells):
            rows.append(cells)
    return markdown_table(rows)


def _cell(cell: str, keys: Mapping[str, str]) -> str:
    """One table cell's text, `\\multicolumn{n}{spec}{text}` and `\\multirow{n}{w}{text}` reduced to the text."""
    for command, skipped in (("multicolumn", 2), ("multirow", 2)):
        while True:
            at = re.search(r"\\" + command + r"\s*", cell)
            if at is None:
                break
            i = at.end()
            ok = True
            for _ in range(skipped):
                optional = _optional(cell, i)
                if optional is not None:
                    i = optional[1]
                group = _group(cell, i)
                if group is None:
                    ok = False
                    break
                i = group[1]
            text = _group(cell, i) if ok else None
            if text is None:
                cell = cell[: at.start()] + cell[at.end() :]
                continue
            cell = cell[: at.start()] + text[0] + cell[text[1] :]
    return _prose(cell, keys).replace("|", "\\|")


_BIB_BLOCK = re.compile(r"\\newblock\b")


def _citation_names(bibliography: str) -> dict[str, str]:
    """Each bibitem key's citation as a reader sees it: the first author's surname ("Vaswani et al."), never a number.

    A numbered citation ("[12]") would state a figure the paper never measured: grounding would take it for one.
    """
    names: dict[str, str] = {}
    parts = _BIBITEM.split(bibliography)
    for index in range(1, len(parts), 2):
        names[parts[index].strip()] = first_author(_prose(_BIB_BLOCK.sub(" ", parts[index + 1]), {}))
    return names


def first_author(entry: str) -> str:
    """A reference entry's first author as a citation: "Jimmy Lei Ba, Jamie Kiros, and ..." -> "Ba et al."."""
    head = re.sub(r"\b[A-Z]\.\s*", "", entry).split(". ")[0]  # initials ("J. Smith", "Quoc V. Le") first
    first = re.split(r",| and ", head, maxsplit=1)[0]
    words = [w for w in re.findall(r"[^\W\d_][\w'\-]*", first) if w[:1].isupper()]
    if not words:
        return "ref"
    return words[-1] + (" et al." if ("," in head or " and " in head) else "")


def _bibitems(bibliography: str, keys: Mapping[str, str]) -> str:
    """The bibliography's entries, one "- text" line each."""
    inner = re.sub(r"^\\begin\{thebibliography\}\s*\{[^{}]*\}|\\end\{thebibliography\}$", "", bibliography.strip())
    parts = _BIBITEM.split(inner)
    lines = []
    for index in range(1, len(parts), 2):
        text = _prose(_BIB_BLOCK.sub(" ", parts[index + 1]), keys)  # parts[index] is the \bibitem key
        if text:
            lines.append(f"- {text}")
    return "\n".join(lines)


# ------------------------------------------------------------------ inline text


_ESCAPES = {"\\%": "%", "\\&": "&", "\\_": "_", "\\#": "#", "\\{": "{", "\\}": "}", "\\$": "\\$",
            "\\ldots": "...", "\\dots": "...", "\\textasciitilde": "~", "\\LaTeX": "LaTeX", "\\TeX": "TeX",
            "---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d", "\\ss": "\u00df"}
_FORMATS = {"textbf": "**{}**", "bf": "**{}**", "emph": "*{}*", "textit": "*{}*", "it": "*{}*", "texttt": "`{}`",
            "textsc": "{}", "textrm": "{}", "textsf": "{}", "text": "{}", "mbox": "{}", "underline": "{}",
            "textnormal": "{}", "uline": "{}", "hbox": "{}", "paragraph": "**{}** ", "subparagraph": "**{}** ",
            "footnote": " (footnote: {})", "title": "{}", "url": "{}", "nolinkurl": "{}", "caption": "{}"}
# Commands whose arguments are layout or bookkeeping, never prose: (number of brace groups to drop).
_DROPS = {"label": 1, "vspace": 1, "hspace": 1, "includegraphics": 1, "bibliographystyle": 1, "setlength": 2,
          "addtolength": 2, "thanks": 1, "pagestyle": 1, "thispagestyle": 1, "color": 1, "definecolor": 3,
          "usepackage": 1, "newcounter": 1, "setcounter": 2, "addcontentsline": 3, "raisebox": 1, "resizebox": 2,
          "scalebox": 1, "rule": 2, "fontsize": 2, "vskip": 0, "hskip": 0, "input": 1, "footnotemark": 0,
          "footnotetext": 1, "renewcommand": 2, "newcommand": 2, "hypersetup": 1, "graphicspath": 1,
          "phantom": 1, "vphantom": 1, "hphantom": 1, "columnwidth": 0, "linewidth": 0, "textwidth": 0}
_KEEP_LAST = {"textcolor": 2, "href": 2, "colorbox": 2, "hyperref": 1, "foreignlanguage": 2}
_CITE = re.compile(r"\\(?:no)?cite[a-zA-Z]*\*?")
_REF = re.compile(r"\\(?:auto|c|C|eq|name|page)?ref\*?")
_COMMAND = re.compile(r"\\([A-Za-z]+)\*?|\\(.)")
_PLAIN_RUN = re.compile(r"[^\\{}~`'-]+")  # none of the characters _inline treats specially


def _prose(text: str, keys: Mapping[str, str]) -> str:
    """A paragraph as one line of Markdown prose (display math and blocks keep their own lines)."""
    rendered = _inline(text, keys)
    lines = [line.strip() for line in rendered.split("\n")]
    return re.sub(r"[ \t]{2,}", " ", " ".join(line for line in lines if line)).strip()


def _inline(text: str, keys: Mapping[str, str]) -> str:
    """LaTeX text commands turned into Markdown: emphasis, citations as [n], refs as their label, the rest unwrapped."""
    out: list[str] = []
    i = 0
    while i < len(text):
        plain = _PLAIN_RUN.match(text, i)
        if plain is not None:  # a run of characters that are themselves, taken at once (a paper is mostly these)
            out.append(plain.group())
            i = plain.end()
            continue
        char = text[i]
        if char == "\\":
            two = text[i : i + 2]
            if two == "\\\\":
                out.append("\n")
                i += 2
                optional = _optional(text, i)
                if optional is not None and text[i : optional[1]].strip().startswith("["):
                    i = optional[1]
                continue
            matched = False
            for escape, value in _ESCAPES.items():
                if escape.startswith("\\") and text.startswith(escape, i) and not (
                        escape[1:].isalpha() and i + len(escape) < len(text) and text[i + len(escape)].isalpha()):
                    out.append(value)
                    i += len(escape)
                    matched = True
                    break
            if matched:
                continue
            command = _COMMAND.match(text, i)
            assert command is not None
            name = command.group(1)
            i = command.end()
            if name is None:  # \, \; \  \! and other one-character commands: a space or nothing
                out.append(" " if command.group(2) in ", ;:>" else "")
                continue
            i, rendered = _command(name, text, i, command.group(0), keys)
            out.append(rendered)
            continue
        if char in "{}":
            i += 1
            continue
        if char == "~":
            out.append(" ")
            i += 1
            continue
        for escape, value in (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d")):
            if text.startswith(escape, i):
                out.append(value)
                i += len(escape)
                break
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _command(name: str, text: str, i: int, written: str, keys: Mapping[str, str]) -> tuple[int, str]:
    """Render one command starting its arguments at `i`; return where the text goes on and what it became."""
    if _CITE.fullmatch(written):
        for _ in range(2):
            optional = _optional(text, i)
            if optional is None:
                break
            i = optional[1]
        group = _group(text, i)
        if group is None:
            return i, ""
        names = [keys.get(k.strip(), "") for k in group[0].split(",") if k.strip()]
        names = [name for name in names if name]
        return group[1], "[" + "; ".join(names) + "]" if names else ""
    if _REF.fullmatch(written):
        group = _group(text, i)
        return (group[1], group[0].strip()) if group else (i, "")
    if name in _FORMATS:
        optional = _optional(text, i)
        if optional is not None and name in ("paragraph", "subparagraph", "footnote", "caption"):
            i = optional[1]
        group = _group(text, i)
        if group is None:
            return i, ""
        inner = _inline(group[0], keys).strip()
        return group[1], _FORMATS[name].format(inner) if inner else ""
    if name in _KEEP_LAST:
        value = ""
        for _ in range(_KEEP_LAST[name]):
            optional = _optional(text, i)
            if optional is not None:
                i = optional[1]
            group = _group(text, i)
            if group is None:
                break
            value, i = group[0], group[1]
        return i, _inline(value, keys)
    if name in _DROPS:
        optional = _optional(text, i)
        if optional is not None:
            i = optional[1]
        for _ in range(_DROPS[name]):
            group = _group(text, i)
            if group is None:
                break
            i = group[1]
        return i, ""
    if name in ("begin", "end"):
        group = _group(text, i)
        if group is None:
            return i, ""
        i = group[1]
        if name == "begin":  # an environment's own arguments ({tabular}{lcc}, {minipage}{0.5\linewidth}) are layout
            while True:
                extra = _optional(text, i) or (_group(text, i) if text[i:i + 1] == "{" else None)
                if extra is None:
                    break
                i = extra[1]
        return i, "\n"
    # Any other command: its braced argument is text (\textup{x}, \mathrm in prose), a bare word is layout.
    group = _group(text, i) if text[i:i + 1] == "{" else None
    if group is not None:
        return group[1], _inline(group[0], keys)
    return i, ""
