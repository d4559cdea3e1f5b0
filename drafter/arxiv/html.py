"""arXiv's HTML of a paper (LaTeXML output) read into Markdown sections. Pure: it gets bytes, returns sections.

LaTeXML marks every part with a class, in both its older `<div>` and current `<section>` layouts:
`ltx_section`/`ltx_subsection`/`ltx_subsubsection`/`ltx_appendix`/`ltx_bibliography` hold a
`ltx_title`; paragraphs are `ltx_para`; math is `<math alttext="LaTeX">`; tables are `ltx_tabular`
inside a `ltx_table` figure with a `figcaption`. The parser is selectolax's Lexbor engine (an HTML5
parser in C): see the README for why.
"""

from __future__ import annotations

import re
import threading

from .latex import first_author
from .text import APPENDIX, BIBLIOGRAPHY, BODY, Section, markdown_table, role_of, with_roles

_LEVELS = {"ltx_section": 1, "ltx_appendix": 1, "ltx_bibliography": 1, "ltx_chapter": 1, "ltx_subsection": 2,
           "ltx_subsubsection": 3}
# Page furniture and front matter the API already gives (title, authors, abstract), and LaTeXML's own tags.
_SKIP = {"ltx_page_header", "ltx_page_footer", "ltx_page_navbar", "ltx_authors", "ltx_title_document", "ltx_abstract",
         "ltx_dates", "ltx_classification", "ltx_keywords", "ltx_tag_section", "ltx_tag_subsection", "ltx_ERROR",
         "ltx_note_mark", "ltx_rdf", "ltx_TOC", "ltx_pagination", "ltx_acknowledgements_title", "ltx_tag_equation",
         "ltx_tag_equationgroup", "package-alerts", "ar5iv-footer", "ltx_role_footnotemark"}
_SKIP_TAGS = {"script", "style", "nav", "header", "footer", "svg", "img", "button", "noscript", "head", "title"}
_BLOCK_TAGS = {"p", "div", "section", "article", "li", "ul", "ol", "figure", "table", "blockquote", "h1", "h2",
               "h3", "h4", "h5", "h6", "dl", "dd", "dt", "br"}


class HtmlUnreadable(Exception):
    """The page is not LaTeXML output drafter can read (the caller falls back to the source)."""


def read(data: bytes) -> list[Section]:
    """The paper in one LaTeXML HTML page as Markdown sections."""
    from selectolax.lexbor import LexborHTMLParser  # here: only a run that fetched HTML pays for the import

    tree = LexborHTMLParser(data)
    document = tree.css_first("article.ltx_document") or tree.css_first(".ltx_document") or tree.css_first(".ltx_page_main")
    if document is None:
        raise HtmlUnreadable("the page has no LaTeXML document (no ltx_document element)")
    _NAMES.names = _bibliography_names(tree)
    reader = _Reader()
    reader.walk(document)
    sections = [s for s in reader.finish() if s.text.strip() or s.level == 1]
    if not any(section.text.strip() for section in sections):
        raise HtmlUnreadable("the LaTeXML page holds no text")
    return with_roles(sections)


def _classes(node) -> set[str]:
    return set((node.attributes.get("class") or "").split())


class _Reader:
    """Walks the tree once, collecting Markdown blocks under the current heading."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.title = ""
        self.level = 1
        self.role = BODY
        self.blocks: list[str] = []

    def finish(self) -> list[Section]:
        self._close()
        return self.sections

    def _close(self) -> None:
        text = "\n\n".join(block for block in self.blocks if block.strip())
        if self.title or text.strip():
            self.sections.append(Section(self.title or "Preamble", self.level, text, self.role))
        self.blocks = []

    def walk(self, node) -> None:
        for child in node.iter(include_text=False):
            self.element(child)

    def element(self, node) -> None:
        tag = node.tag
        classes = _classes(node)
        if tag in _SKIP_TAGS or classes & _SKIP:
            return
        level = next((_LEVELS[c] for c in classes if c in _LEVELS), None)
        if level is not None:
            self._close()
            heading = node.css_first(".ltx_title")
            self.title = _heading(heading) if heading is not None else ""
            self.level = level
            if "ltx_bibliography" in classes:
                self.title, self.role = self.title or "References", BIBLIOGRAPHY
            elif "ltx_appendix" in classes:
                self.role = APPENDIX
            else:
                self.role = role_of(self.title, BODY)
            for child in node.iter(include_text=False):
                if child is not heading and not (heading is not None and child.mem_id == heading.mem_id):
                    self.element(child)
            return
        if "ltx_title" in classes and tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            if "ltx_title_paragraph" in classes:
                self.blocks.append(f"**{_inline(node)}**")
            return
        if "ltx_table" in classes or "ltx_figure" in classes or tag == "figure":
            self.blocks.append(_float(node))
            return
        if "ltx_equation" in classes or "ltx_equationgroup" in classes:
            self.blocks.append(_equation(node))
            return
        if "ltx_tabular" in classes or tag == "table":
            self.blocks.append(_table(node))
            return
        if "ltx_biblist" in classes:
            # Without LaTeXML's "[12]" tags: a citation number is not a figure of the paper.
            self.blocks.append("\n".join("- " + _inline(item, skip={"ltx_tag"}) for item in node.css("li")))
            return
        if tag in ("ul", "ol"):
            items = [node_ for node_ in node.iter(include_text=False) if node_.tag == "li"]
            self.blocks.append("\n".join("- " + _inline(item, skip_tags=True) for item in items))
            return
        if tag == "p" or "ltx_p" in classes:
            self.blocks.append(_inline(node))
            return
        if _has_block_child(node):
            self.walk(node)
        else:
            text = _inline(node)
            if text:
                self.blocks.append(text)


def _has_block_child(node) -> bool:
    return any(child.tag in _BLOCK_TAGS or _classes(child) & {"ltx_para", "ltx_equation", "ltx_tabular"}
               for child in node.iter(include_text=False))


def _heading(node) -> str:
    """A heading's text without LaTeXML's number tag ("3.2 Attention" -> "Attention")."""
    return _inline(node, skip={"ltx_tag"}).strip()


def _inline(node, skip: set[str] | frozenset[str] = frozenset(), skip_tags: bool = False) -> str:
    """The node's text as one line of Markdown: math as $alttext$, footnotes in parentheses, emphasis kept."""
    parts: list[str] = []
    _collect(node, parts, set(skip) | ({"ltx_tag_item"} if skip_tags else set()))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _collect(node, parts: list[str], skip: set[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            parts.append(child.text_content or "")
            continue
        classes = _classes(child)
        if tag in _SKIP_TAGS or classes & (_SKIP | skip):
            continue
        if tag == "math":
            latex = (child.attributes.get("alttext") or "").replace("%\n", "").strip()
            if latex:
                display = child.attributes.get("display") == "block"
                parts.append(f" $${latex}$$ " if display else f"${latex}$")
            continue
        if "ltx_note" in classes and "ltx_role_footnote" in classes:
            content = child.css_first(".ltx_note_content")
            if content is not None:
                inner: list[str] = []
                _collect(content, inner, skip | {"ltx_tag", "ltx_note_type"})
                text = re.sub(r"\s+", " ", "".join(inner)).strip()
                if text:
                    parts.append(f" (footnote: {text})")
            continue
        if tag == "br":
            parts.append(" ")
            continue
        if tag == "cite":
            parts.append(_citation(child))
            continue
        inner = []
        _collect(child, inner, skip)
        text = "".join(inner)
        if tag in ("b", "strong") or "ltx_font_bold" in classes:
            stripped = text.strip()
            parts.append(f"**{stripped}**" if stripped else text)
        elif tag in ("em", "i") or "ltx_font_italic" in classes or "ltx_emph" in classes:
            stripped = text.strip()
            parts.append(f"*{stripped}*" if stripped else text)
        elif tag in _BLOCK_TAGS:
            parts.append(" " + text + " ")
        else:
            parts.append(text)


_NAMES = threading.local()  # bibliography id -> first author's surname, for the page being read


def _citation(node) -> str:
    """A citation as words: "[12]" or "(vaswani2017, )" becomes "[Vaswani et al.]" (the cited entry's first author).

    A numbered citation, or a key with a year glued on, would state a figure the paper never measured;
    grounding would take it for one. Author-year text ("Vaswani et al., 2017") is kept as it is.
    """
    inner: list[str] = []
    _collect_plain(node, inner)
    text = re.sub(r"\s+", " ", "".join(inner)).strip()
    names = getattr(_NAMES, "names", {})
    cited = [names.get((a.attributes.get("href") or "").lstrip("#"), "") for a in node.css("a")]
    cited = [name for name in cited if name]
    if re.search(r"\w\s+\w", text.strip("[]() ")) and not re.search(r"[A-Za-z]\d|\d[A-Za-z]", text):
        return text  # words, not a number or a bare key
    return "[" + "; ".join(dict.fromkeys(cited)) + "]" if cited else ""


def _bibliography_names(tree) -> dict[str, str]:
    """Each bibliography entry's id and its first author's surname ("Ba et al.")."""
    names = {}
    for item in tree.css("li.ltx_bibitem"):
        block = item.css_first(".ltx_bibblock")
        text = _inline(block) if block is not None else ""
        if text and item.attributes.get("id"):
            names[item.attributes["id"]] = first_author(text)
    return names


def _collect_plain(node, parts: list[str]) -> None:
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text_content or "")
        else:
            _collect_plain(child, parts)


def _equation(node) -> str:
    """An equation table's math as one $$ block (its number tag dropped)."""
    maths = [(m.attributes.get("alttext") or "").replace("%\n", "").strip() for m in node.css("math")]
    maths = [m for m in maths if m]
    if not maths:
        return ""
    rows = []
    for row in node.css("tr"):
        row_maths = [(m.attributes.get("alttext") or "").replace("%\n", "").strip() for m in row.css("math")]
        if any(row_maths):
            rows.append(" ".join(m for m in row_maths if m))
    body = " \\\\\n".join(rows) if rows else "\n".join(maths)
    return "$$\n" + body + "\n$$"


def _table(node) -> str:
    """A tabular as a Markdown table, the first row the header."""
    rows = []
    for row in node.css("tr"):
        cells = [_inline(cell).replace("|", "\\|") for cell in row.iter(include_text=False) if cell.tag in ("td", "th")]
        if any(cells):
            rows.append(cells)
    return markdown_table(rows)


def _float(node) -> str:
    """A table or figure: "Table: caption" and its rows, or "Figure: caption"."""
    caption_node = node.css_first("figcaption")
    caption = _inline(caption_node, skip={"ltx_tag"}) if caption_node is not None else ""
    caption = re.sub(r"^(?:Table|Figure|Fig\.)\s*\d+\s*[:.]\s*", "", caption)
    is_table = "ltx_table" in _classes(node)
    rendered = [f"{'Table' if is_table else 'Figure'}: {caption}"] if caption else []
    for tabular in node.css("table.ltx_tabular"):
        rendered.append(_table(tabular))
    return "\n\n".join(part for part in rendered if part)
