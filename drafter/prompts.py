"""Render the Jinja2 prompt templates: shared parts first and identical, the section's skeleton last."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PromptError

SYSTEM = "system.md.j2"
CONTEXT = "context.md.j2"
FACTS = "facts.md.j2"
SECTION = "section.md.j2"
REASK = "reask.md.j2"


def packaged_prompts() -> Path:
    """Return the prompts folder shipped with drafter (the repository's top-level prompts/ in a checkout)."""
    inside = Path(__file__).parent / "prompts"
    return inside if inside.is_dir() else Path(__file__).parent.parent / "prompts"


def anchor(title: str) -> str:
    """Return the slug a heading gets as a template name: `Training Details` -> `training-details`."""
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")


def untrusted(text: str) -> str:
    """Quote paper text so it cannot close the <<<ABSTRACT ... ABSTRACT>>> or <<<PAPER ... PAPER>>> fence it is shown in."""
    for marker in ("ABSTRACT", "PAPER"):
        text = text.replace(f"{marker}>>>", f"{marker}> >>").replace(f"<<<{marker}", f"<< <{marker}")
    return text


@dataclass(frozen=True)
class SectionView:
    """What a section template sees of the section."""

    title: str
    skeleton: str


class PromptBook:
    """Finds templates by name in the override folders first, then in drafter's own."""

    def __init__(self, overrides: list[Path] | tuple[Path, ...] = ()) -> None:
        import jinja2  # here, not at the top: `drafter check` imports this module and renders no prompt

        folders = [str(folder) for folder in overrides if folder.is_dir()] + [str(packaged_prompts())]
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folders),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
            trim_blocks=False,
        )
        self._env.filters["untrusted"] = untrusted

    def render(self, name: str, **values: Any) -> str:
        """Render the template `name` with `values`."""
        import jinja2

        template = None
        try:
            template = self._env.get_template(name)
            return template.render(**values).strip() + "\n"
        except jinja2.TemplateNotFound:
            raise PromptError(name, "not found in the prompts folders") from None
        except jinja2.TemplateError as error:
            line = getattr(error, "lineno", None)
            where = f" at line {line}" if line else ""
            # The file that failed (an override folder's, or drafter's own), so the user knows which to fix.
            path = getattr(error, "filename", None) or (template.filename if template is not None else None) or name
            mine = str(packaged_prompts()) in str(path)
            todo = "" if mine else "; fix it there, or remove it to use drafter's own"
            raise PromptError(str(path), f"{error.message or type(error).__name__}{where}{todo}") from None

    def prepare(self, title: str) -> None:
        """Compile the template of the section `title` now, so asking for the section later does not wait for it."""
        import jinja2

        try:
            self._env.get_template(self.section_template(title))
        except jinja2.TemplateError:
            pass  # rendering the section meets the same error and reports it

    def section_template(self, title: str) -> str:
        """Return the template for a section: its own by anchor name if one exists, else the default."""
        import jinja2

        own = f"sections/{anchor(title)}.md.j2"
        try:
            self._env.get_template(own)
        except jinja2.TemplateNotFound:
            return SECTION
        return own
