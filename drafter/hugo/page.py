"""The page an archetype is rendered for: the one page context of every command (the data `hugo new content`
hands the template is built from it in `template`, so this module needs no template engine)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .archetypes import Located
from .site import SiteInfo, load_site_info


@dataclass(frozen=True)
class PageContext:
    """The page being created, as `hugo new content` describes it to the archetype."""

    content_base_name: str
    date: str
    section: str = "posts"
    kind: str = "page"
    site: SiteInfo = SiteInfo()
    now: datetime | None = None
    # What `.Type` renders: Hugo gives the --kind value when one is passed, else the section.
    content_type: str = ""
    # Path below content/, e.g. "posts/lora/index.md" for a bundle; empty means
    # "<section>/<content_base_name>.md".
    path: str = ""


def hugo_date(moment: datetime) -> str:
    """Format a moment as Hugo's `.Date` (Go's time.RFC3339: whole seconds, "Z" for UTC)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset else 0
    zone = "Z" if minutes == 0 else f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}{zone}")


# A top-level `date` (YAML `date:`, TOML `date =`), the moment `hugo new content` rendered the archetype for.
_DATE = re.compile(r'(?im)^date\s*[:=]\s*["\']?(\d{4}-[^"\'\s]+)["\']?\s*$')


def recorded_date(front_matter: str) -> datetime | None:
    """The moment a draft's front matter records as its `date` (RFC 3339 with an offset), or None."""
    found = _DATE.search(front_matter)
    try:
        moment = datetime.fromisoformat(found.group(1)) if found else None
    except ValueError:
        return None
    return moment if moment is not None and moment.utcoffset() is not None else None


def page_context(site: Path | None, located: Located, *, name: str, section: str, kind: str,
                 now: datetime | None = None) -> PageContext:
    """The page an archetype is rendered for: the one builder behind new, regen, sections, check and archetype show.

    `.Type` is the kind (`--kind`, drafter.toml's `kind`), except that an archetype found by the section's name is
    Hugo's case of no kind, the section; a bundle archetype makes the page `<section>/<name>/index.md`; `.Date`
    is `now` in local time, as Hugo prints it.
    """
    now = now or datetime.now().astimezone()
    content_type = located.name if located.name and located.name == section else kind
    return PageContext(content_base_name=name, date=hugo_date(now), section=section, now=now,
                       site=load_site_info(site) if site is not None else SiteInfo(), content_type=content_type,
                       path=f"{section}/{name}/index.md" if located.bundle is not None else "")


# The name an archetype is rendered for to see where it writes the name: lower-case letters only, so that
# it survives only where a template copies the name verbatim (not through `title` or `upper`).
NAME_PROBE = "zqxdrafternamezqx"
_NAME = r"[^\s\"'/\\<>#?&=]+"
_JOINERS = "/-_.#="  # what joins a name into a URL or an id
# A top-level `slug` or `url` key (not indented: editPost's nested `URL` is not the page's).
_SLUG_OR_URL = re.compile(r'(?im)^(slug|url)\s*[:=]\s*["\']?([^"\'\s]+?)["\']?\s*$')


def file_name(path: Path) -> str:
    """The name Hugo gives the page of a content file: the file's stem, or a bundle's folder."""
    return path.parent.name if path.stem == "index" else path.stem


def recorded_name(probe: str, draft: str, front_matter: str) -> str | None:
    """The name a draft was made for, as the draft records it, or None.

    First the name in a URL or an id that the archetype builds from the name verbatim and the draft still
    holds (`probe` is the archetype rendered for NAME_PROBE), such as a canonicalURL or a Lyket id: the name
    the archetype saw. Else its front matter's `slug` (or the last part of its `url`), Hugo's own ways of
    naming a page apart from its file.
    """
    lines = list(dict.fromkeys(line.rstrip("\r") for line in draft.split("\n")))
    for line in probe.split("\n"):
        parts = line.rstrip("\r").split(NAME_PROBE)
        joined = {parts[0][-1:], parts[1][:1]} & set(_JOINERS) if len(parts) > 1 else set()
        if not joined:
            continue  # only a URL or an id built from the name (`/posts/NAME/`, `like-NAME`), not a title
        pieces = [re.escape(parts[0])]
        for index, part in enumerate(parts[1:]):
            pieces += [f"(?P<name>{_NAME})" if index == 0 else "(?P=name)", re.escape(part)]
        pattern = re.compile("".join(pieces))
        for candidate in lines:
            found = pattern.fullmatch(candidate)
            if found:
                return found.group("name")
    for key, value in _SLUG_OR_URL.findall(front_matter):
        name = value.strip("/").rsplit("/", 1)[-1].removesuffix(".html") if key.lower() == "url" else value
        if name:
            return name
    return None
