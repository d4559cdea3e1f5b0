"""The skeleton of a new post from any Hugo archetype: rendered (by drafter's renderer or by real Hugo),
a built-in outline under a bodyless archetype, a page bundle's other files, and what drafter does with
each section (for `drafter archetype inspect`)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..post import document as post
from ..post.markdown import headings, strip_comments
from ..post.placeholders import classify, placeholders
from ..status import Status
from ..errors import ArchetypeError, ConfigError
from ..files import read_exact
from .archetypes import Located, default_archetype, find_archetype, read_archetype
from .kept import kept_render
from .page import NAME_PROBE, PageContext, file_name, page_context, recorded_date, recorded_name


RENDERERS = ("auto", "hugo", "builtin")


@dataclass(frozen=True)
class Skeleton:
    """A rendered archetype: the post's text, and a bundle's other files (path inside the bundle -> bytes)."""

    text: str
    resources: dict[str, bytes]
    renderer: str  # "builtin" or "hugo"
    outline_added: bool = False


def is_bodyless(text: str) -> bool:
    """True when a rendered archetype has nothing after its front matter but blank lines and HTML comments
    (`<!--more-->`): most themes' default archetypes."""
    _, body = post.split_front_matter(text)
    return not strip_comments(body).strip()


def outline(context: PageContext) -> str:
    """drafter's model-explainer archetype (drafter/archetypes/model.md) rendered for `context`."""
    from .template import render  # the engine: imported only when something is rendered, not for a kept render

    path = default_archetype()
    return render(path.read_text(encoding="utf-8"), context, str(path))


def with_outline(rendered: str, context: PageContext) -> tuple[str, bool]:
    """Append the built-in outline's body to a bodyless archetype (after its front matter and any
    comment such as `<!--more-->`); an archetype without front matter either gets the whole outline."""
    if not is_bodyless(rendered):
        return rendered, False
    full = outline(context)
    front_matter, body = post.split_front_matter(full)
    if not post.split_front_matter(rendered)[0]:
        return full, True
    newline = "\r\n" if "\r\n" in rendered else "\n"
    head = rendered if rendered.endswith("\n") else rendered + newline
    if newline == "\r\n":
        body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return head + body, True


def hugo_binary() -> str | None:
    """The `hugo` on PATH, if any."""
    return shutil.which("hugo")


def choose_renderer(renderer: str, site: Path | None, located: Located) -> str:
    """`auto` is hugo when a hugo binary is on PATH and the archetype is the site's or its theme's."""
    if renderer not in RENDERERS:
        raise ConfigError("--renderer", f"must be one of {', '.join(RENDERERS)}, got {renderer!r}")
    in_site = site is not None and located.origin in ("site", "theme")
    if renderer == "auto":
        return "hugo" if in_site and hugo_binary() else "builtin"
    if renderer == "hugo":
        if hugo_binary() is None:
            raise ConfigError("--renderer hugo", "no hugo binary on PATH; install Hugo or use --renderer builtin")
        if not in_site:
            raise ConfigError("--renderer hugo", "needs an archetype of a Hugo site (its archetypes/ or its theme's); "
                                                 "use --renderer builtin")
    return renderer


def render_builtin(located: Located, context: PageContext, template: str | None = None) -> Skeleton:
    """Render with drafter's Go-template renderer, as `hugo new content` would."""
    from .template import render  # the engine: imported only when something is rendered, not for a kept render

    if template is None:
        template = read_archetype(located.path)
    text, added = with_outline(render(template, context, str(located.path)), context)
    resources: dict[str, bytes] = {}
    if located.bundle is not None:
        for relative in located.resources:
            source = located.bundle / relative
            if source.suffix == ".md":  # Hugo renders a bundle's content files too, each as its own page
                folder = context.path.rsplit("/", 1)[0] if "/" in context.path else f"{context.section}/{context.content_base_name}"
                own = replace(context, content_base_name=source.stem, path=f"{folder}/{relative.as_posix()}")
                resources[relative.as_posix()] = render(read_archetype(source), own, str(source)).encode("utf-8")
            else:
                resources[relative.as_posix()] = source.read_bytes()
    return Skeleton(text, resources, "builtin", added)


def render_hugo(site: Path, located: Located, context: PageContext, *, section: str, slug: str,
                hugo: str | None = None) -> Skeleton:
    """Run real `hugo new content` into a temporary content folder and read the result back.

    The site's content/ is never touched: `--contentDir` points Hugo at a scratch folder and
    `--noBuildLock` keeps it from leaving a lock file, `--clock` gives it drafter's moment. `--kind` is
    the page's type (drafter's kind, or the section when the archetype was found by section name), which
    leads Hugo's own lookup to the file drafter located (a kind Hugo lacks falls back to default.md).
    """
    import subprocess  # only for --renderer hugo: `drafter check` starts without it
    import tempfile

    hugo = hugo or hugo_binary()
    if hugo is None:
        raise ConfigError("--renderer hugo", "no hugo binary on PATH; install Hugo or use --renderer builtin")
    target = f"{section}/{slug}" if located.bundle is not None else f"{section}/{slug}.md"
    with tempfile.TemporaryDirectory(prefix="drafter-hugo-") as scratch:
        kind = context.content_type or located.name
        command = [hugo, "new", "content", "--kind", kind, "--source", str(site), "--contentDir", scratch,
                   "--noBuildLock", "--quiet", "--clock", context.date, target]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ArchetypeError(str(located.path), f"hugo new content could not run ({error}); "
                                                    "use --renderer builtin") from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise ArchetypeError(str(located.path), f"hugo new content failed: {last}; use --renderer builtin")
        root = Path(scratch) / section / slug if located.bundle is not None else Path(scratch) / section
        main = root / "index.md" if located.bundle is not None else root / f"{slug}.md"
        if not main.is_file():
            raise ArchetypeError(str(located.path), f"hugo new content did not create {target}; use --renderer builtin")
        text = read_exact(main)
        resources = {}
        if located.bundle is not None:
            resources = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
                         if p.is_file() and p != main}
    text, added = with_outline(text, context)
    return Skeleton(text, resources, "hugo", added)


# -- drafter archetype inspect -----------------------------------------------------------------------

@dataclass(frozen=True)
class SectionReport:
    """One block of a rendered archetype: its heading, its placeholders, what drafter does with it."""

    level: int
    title: str
    line: int
    placeholders: tuple[str, ...]
    status: Status  # FILL (the model), METADATA (drafter, from the paper), KEEP or STRIP


def inspect(rendered: str) -> list[SectionReport]:
    """What drafter does with each block of a rendered archetype (no model, no network)."""
    from ..facts import fill_known_slots

    document = post.split(rendered)
    known = dict.fromkeys(KNOWN_SLOTS, "x")
    reports = []
    for block in document.blocks:
        found = tuple(placeholders(block.text))
        status = classify(block)
        if status is Status.FILL:
            prefilled = fill_known_slots(block.text, known)
            still = classify(post.Block(prefilled, block.start_line, tuple(headings(prefilled))))
            status = Status.FILL if still is Status.FILL else Status.METADATA
        reports.append(SectionReport(block.level, block.title, block.start_line, found, status))
    return reports


# The [slots] drafter fills from the paper and the facts (drafter.facts.known_slots), lower case.
KNOWN_SLOTS = ("model name", "model", "brief tagline", "tagline", "type of model", "paper/year",
               "original paper citation", "paper citation")


def format_inspection(reports: list[SectionReport], front_matter_note: str = "") -> str:
    """The report `drafter archetype inspect` prints."""
    lines = []
    if front_matter_note:
        lines.append(front_matter_note)
    labels = {Status.FILL: "the model fills it", Status.METADATA: "drafter fills it from the paper's metadata",
              Status.KEEP: "kept as written", Status.STRIP: "kept, guidance comments stripped"}
    for report in reports:
        heading = f"{'#' * report.level} {report.title}" if report.level else report.title
        lines.append(f"line {report.line}: {heading}: {labels[report.status]}")
        for placeholder in report.placeholders:
            lines.append(f"    {placeholder}")
    return "\n".join(lines) + "\n"


# -- the page an existing draft was made for ----------------------------------------------------

def draft_context(site: Path | None, located: Located, draft_path: Path, draft_text: str, *, section: str, kind: str,
                  environ: Mapping[str, str] | None = None) -> tuple[PageContext, bool]:
    """The page an existing draft was made for (check, sections, regen), and whether it is dated as the draft records.

    It is `new`'s page context, named as the draft records its name (a canonicalURL or id built from it, else its
    slug), else after its file, and dated as its front matter's `date` records the moment `new` rendered it for
    (else now). So a draft copied to another file name, or checked a year later, is judged against the archetype
    it was made from, not against values derived from its new name or today's date.
    """
    front_matter = post.split_front_matter(draft_text)[0]
    moment = recorded_date(front_matter)
    probe = page_context(site, located, name=NAME_PROBE, section=section, kind=kind, now=moment)
    probed = draft_render(located, probe, kept=moment is not None, environ=environ)
    name = recorded_name(probed, draft_text, front_matter) or file_name(draft_path)
    return page_context(site, located, name=name, section=section, kind=kind, now=moment), moment is not None


def draft_render(located: Located, context: PageContext, *, kept: bool, environ: Mapping[str, str] | None = None) -> str:
    """The archetype's text rendered for `context` by the builtin renderer; with `kept` (a page dated as its draft
    records, so the same text every time), the render kept on disk when nothing it reads has changed."""
    if not kept:
        return render_builtin(located, context).text
    template = read_archetype(located.path)
    outline_text = default_archetype().read_text(encoding="utf-8")  # appended under a bodyless archetype
    return kept_render((str(located.path), template, outline_text, repr(context)),
                       lambda: render_builtin(located, context, template).text, os.environ if environ is None else environ)


def render_for_draft(site: Path | None, draft_path: Path, draft_text: str, *, explicit: Path | None, kind: str,
                     section: str, environ: Mapping[str, str] | None = None) -> str:
    """The archetype an existing draft is judged against (check, sections, regen): looked up as `new` looks it
    up, rendered for the page the draft was made for (draft_context)."""
    located = find_archetype(site, kind, explicit, section=section)
    context, dated = draft_context(site, located, draft_path, draft_text, section=section, kind=kind, environ=environ)
    return draft_render(located, context, kept=dated, environ=environ)
