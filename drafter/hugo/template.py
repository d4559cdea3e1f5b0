"""An archetype rendered as `hugo new content` renders it: the Go template engine with Hugo's data and functions."""

from __future__ import annotations

import re

from ..errors import ArchetypeError, UnsupportedTemplate
from ..gotemplate import ParseError, Template, TemplateError, UndefinedFunction, Unsupported
from .funcs import FUNCS
from .page import ArchetypeData, PageContext


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
