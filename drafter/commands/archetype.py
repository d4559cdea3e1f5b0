"""`drafter archetype show` and `inspect`: an archetype rendered as `hugo new content` would, without a model."""

from __future__ import annotations

from pathlib import Path

from ..hugo.archetypes import Located, find_archetype
from ..hugo.new_content import format_inspection, inspect, render_builtin
from ..hugo.page import PageContext, page_context
from ..hugo.site import find_site
from ..post import document as post
from ..settings import read_config


def _context_for(path: Path, cwd: Path, name: str, section: str) -> tuple[Located, PageContext]:
    """The archetype at `path` and the page `drafter archetype show/inspect` renders it for (the site's kind)."""
    target = path if path.is_absolute() else cwd / path
    located = find_archetype(None, explicit=target)
    site = find_site(target.parent if target.is_file() else target)
    kind = str(read_config(site).get("kind") or "model")
    return located, page_context(site, located, name=name, section=section, kind=kind)


def show(path: Path, cwd: Path, name: str = "my-post", section: str = "posts") -> str:
    """The rendered skeleton of an archetype (with the built-in outline under a bodyless one)."""
    located, context = _context_for(path, cwd, name, section)
    return render_builtin(located, context).text


def inspect_file(path: Path, cwd: Path, section: str = "posts") -> str:
    """The `drafter archetype inspect` report for an archetype file or bundle folder."""
    located, context = _context_for(path, cwd, "my-post", section)
    made = render_builtin(located, context)
    notes = []
    front_matter, _ = post.split_front_matter(made.text)
    notes.append(f"front matter: {'drafter fills it from the paper metadata (draft: true, arxiv:, description, cover)' if front_matter else 'none'}")
    if made.outline_added:
        notes.append("body: none in the archetype; drafter's built-in model-explainer outline is used")
    for relative in made.resources:
        notes.append(f"bundle file: {relative} (copied beside index.md)")
    return format_inspection(inspect(made.text), "\n".join(notes))
