"""The page an archetype sees: the one page context of every command, and the data `hugo new content` hands it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..gotemplate import GoObject, Member, field, method
from ..gotemplate.gotime import GoTime, parse_rfc3339, time_from_datetime, zone_name
from .archetypes import Located
from .site import SiteInfo, load_site_info, to_params, to_plain


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


class _LanguageObject(GoObject):
    """`.Site.Language`."""

    go_type = "*langs.Language"

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def member(self, name: str) -> Member | None:
        if name == "Lang":
            return method(lambda: self.lang)
        return None

    def string(self) -> str:
        return self.lang


class _SiteObject(GoObject):
    """`.Site` (and the `site` function)."""

    go_type = "page.Site"
    absent = frozenset(
        "Author Authors Social DisqusShortname GoogleAnalytics IsServer LastChange "
        "IsMultiLingual Lang Permalinks".split()
    )

    def __init__(self, site: SiteInfo) -> None:
        self.site = site
        self.params = to_params(site.params)
        self.data = to_plain(site.data)

    def member(self, name: str) -> Member | None:
        values = {
            "Title": lambda: self.site.title,
            "BaseURL": lambda: self.site.base_url,
            "Params": lambda: self.params,
            "Data": lambda: self.data,
            "Language": lambda: _LanguageObject(self.site.language),
        }
        getter = values.get(name)
        return method(getter) if getter else None


class _FileObject(GoObject):
    """`.File`: the path of the page below content/ and the names Hugo derives from it."""

    go_type = "*source.File"
    absent = frozenset({"Classifier"})

    def __init__(self, context: PageContext) -> None:
        path = context.path or (
            f"{context.section}/{context.content_base_name}.md"
            if context.section
            else f"{context.content_base_name}.md"
        )
        self.path = path.replace("\\", "/").lstrip("/")
        directory, _, logical = self.path.rpartition("/")
        self.dir = directory + "/" if directory else "/"
        self.logical_name = logical
        base, dot, ext = logical.rpartition(".")
        if not dot:
            base, ext = logical, ""
        self.base = base
        self.ext = ext
        lang_suffix = "." + context.site.language
        self.translation_base = base[: -len(lang_suffix)] if base.endswith(lang_suffix) else base
        self.content_base = context.content_base_name
        self.section = context.section

    def member(self, name: str) -> Member | None:
        values = {
            "Path": self.path,
            "Dir": self.dir,
            "LogicalName": self.logical_name,
            "BaseFileName": self.base,
            "TranslationBaseName": self.translation_base,
            "ContentBaseName": self.content_base,
            "Ext": self.ext,
            "Section": self.section,
            "Lang": "",
            "UniqueID": hashlib.md5(self.path.encode()).hexdigest(),
            "IsZero": False,
            "IsContentAdapter": False,
            "String": self.base,
        }
        if name in values:
            value = values[name]
            return method(lambda: value)
        return None

    def string(self) -> str:
        return self.base


class _PageObject(GoObject):
    """`.Page`: the placeholder page Hugo builds before the archetype runs."""

    go_type = "page.Page"

    def __init__(self, context: PageContext, file: _FileObject) -> None:
        self.context = context
        self.file = file

    def member(self, name: str) -> Member | None:
        section = self.context.section
        values = {
            "Kind": self.context.kind,
            "Section": section,
            "Type": section or "page",
            "File": self.file,
            # `hugo new content` builds the page from a placeholder file titled so.
            "Title": "Content Placeholder",
        }
        if name in values:
            value = values[name]
            return method(lambda: value)
        return None


class ArchetypeData(GoObject):
    """Hugo's archetypeFileData: Type, Date, Page, the embedded source.File, Site(), Name()."""

    go_type = "*hugolib.archetypeFileData"
    absent = frozenset(
        "Classifier Kind Title Params Content Draft Permalink RelPermalink Description Summary "
        "Weight Lastmod PublishDate ExpiryDate Slug Aliases Keywords Layout LinkTitle IsPage "
        "IsSection IsHome Parent Resources Language Sites Hugo GitInfo WordCount ReadingTime "
        "Author Authors Data".split()
    )

    def __init__(self, context: PageContext) -> None:
        self.context = context
        self.file = _FileObject(context)
        self.site = _SiteObject(context.site)
        self.page = _PageObject(context, self.file)
        self.now = _now(context)  # what `now` returns: the moment of the run, on the monotonic clock

    def member(self, name: str) -> Member | None:
        context = self.context
        if name == "Type":
            return field(context.content_type or context.section or "page")
        if name == "Date":
            return field(context.date)
        if name == "Page":
            return field(self.page)
        if name == "File":
            return field(self.file)
        if name == "Site":
            return method(lambda: self.site)
        if name == "Name":
            return method(lambda: context.content_base_name)
        return self.file.member(name)

    def string(self) -> str:
        # The embedded source.File's String method is promoted to the archetype data.
        return self.file.string()


def _now(context: PageContext) -> GoTime:
    """The page's moment as Go's time.Now() would give it: `now`, else the page's date, else the clock."""
    if context.now is not None:
        return time_from_datetime(context.now, monotonic=True)
    parsed = parse_rfc3339(context.date)
    if parsed:
        return GoTime(parsed[0], zone_name(parsed[0]), parsed[1], monotonic=True)
    return time_from_datetime(datetime.now().astimezone(), monotonic=True)


def hugo_date(moment: datetime) -> str:
    """Format a moment as Hugo's `.Date` (Go's time.RFC3339: whole seconds, "Z" for UTC)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return time_from_datetime(moment).format("2006-01-02T15:04:05Z07:00")


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
