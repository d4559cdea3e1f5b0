"""An archetype rendered as `hugo new content` renders it: the Go template engine with Hugo's data and functions."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from ..errors import ArchetypeError, UnsupportedTemplate
from ..gotemplate import (GoObject, Member, ParseError, Template, TemplateError, UndefinedFunction, Unsupported, field,
                          method)
from ..gotemplate.gotime import GoTime, parse_rfc3339, time_from_datetime, zone_name
from .funcs import FUNCS
from .page import PageContext
from .site import SiteInfo, to_params, to_plain


class _LanguageObject(GoObject):
    """`.Site.Language`."""

    go_type = "*langs.Language"

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def member(self, name: str) -> Member | None:
        """A field or method of the archetype's data that `name` names (.Date, .Name, .Type, .Site, ...), or None."""
        if name == "Lang":
            return method(lambda: self.lang)
        return None

    def string(self) -> str:
        """The data as Go prints it: the promoted String method of its source.File."""
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
        """A field or method of the archetype's data that `name` names (.Date, .Name, .Type, .Site, ...), or None."""
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
        """A field or method of the archetype's data that `name` names (.Date, .Name, .Type, .Site, ...), or None."""
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
        """The data as Go prints it: the promoted String method of its source.File."""
        return self.base


class _PageObject(GoObject):
    """`.Page`: the placeholder page Hugo builds before the archetype runs."""

    go_type = "page.Page"

    def __init__(self, context: PageContext, file: _FileObject) -> None:
        self.context = context
        self.file = file

    def member(self, name: str) -> Member | None:
        """A field or method of the archetype's data that `name` names (.Date, .Name, .Type, .Site, ...), or None."""
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
        """A field or method of the archetype's data that `name` names (.Date, .Name, .Type, .Site, ...), or None."""
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
        """The data as Go prints it: the promoted String method of its source.File."""
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


# `hugo new content` hides shortcode delimiters from the template engine and restores them after.
_SHORTCODE_PRE = {"{{<": "{x{<", "{{%": "{x{%", ">}}": ">}x}", "%}}": "%}x}"}
_SHORTCODE_POST = {v: k for k, v in _SHORTCODE_PRE.items()}
_SHORTCODE_PRE_RE = re.compile("|".join(re.escape(k) for k in _SHORTCODE_PRE))
_SHORTCODE_POST_RE = re.compile("|".join(re.escape(k) for k in _SHORTCODE_POST))


def render(template: str, context: PageContext, path: str = "archetype") -> str:
    """Render an archetype's Go-template expressions the way `hugo new content` does.

    A function Hugo may have but drafter lacks, like any construct the engine does not implement, is
    UnsupportedTemplate (never a guess); an error real Hugo reports too is ArchetypeError.
    """
    source = _SHORTCODE_PRE_RE.sub(lambda m: _SHORTCODE_PRE[m.group(0)], template)
    try:
        result = Template(path).funcs(FUNCS).parse(source).execute(ArchetypeData(context))
    except UndefinedFunction as error:
        raise UnsupportedTemplate(path, error.name, error.line) from None
    except ParseError as error:
        raise ArchetypeError(path, f"template does not parse: {error.message}", error.line) from None
    except TemplateError as error:
        raise ArchetypeError(path, f"template fails: {error.message}", error.line) from None
    except Unsupported as error:
        raise UnsupportedTemplate(path, error.construct, error.line) from None
    return _SHORTCODE_POST_RE.sub(lambda m: _SHORTCODE_POST[m.group(0)], result)
