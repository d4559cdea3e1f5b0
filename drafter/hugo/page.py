"""The page an archetype sees: the one page context of every command, and the data `hugo new content` hands it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from ..gotemplate import GoObject, Member, field, method
from ..gotemplate.gotime import GoTime, parse_rfc3339, time_from_datetime, zone_name
from .site import SiteInfo, to_params, to_plain


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

