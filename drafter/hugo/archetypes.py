"""Finding the archetype of a new post as `hugo new content` does: kind, section, default; site, then themes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchetypeError
from ..files import read_exact, unreadable
from .site import site_themes


def default_archetype() -> Path:
    """The archetype drafter ships with (drafter/archetypes/model.md)."""
    return Path(__file__).resolve().parent.parent / "archetypes" / "model.md"


@dataclass(frozen=True)
class Located:
    """An archetype found for a new post: the template file, and whether it is a page-bundle folder."""

    path: Path  # the template: <name>.md, or <name>/index.md of a bundle archetype
    name: str = ""  # the archetype name it matched (kind, section or "default"); "" for explicit/built-in
    bundle: Path | None = None  # the archetype folder whose other files are copied beside index.md
    origin: str = "site"  # "site", "theme", "explicit" or "builtin"

    @property
    def resources(self) -> list[Path]:
        """The bundle's files other than index.md, as Hugo copies them (paths inside the folder)."""
        if self.bundle is None:
            return []
        return sorted(p.relative_to(self.bundle) for p in self.bundle.rglob("*")
                      if p.is_file() and p != self.path)

def _archetype_at(folder: Path, name: str) -> tuple[Path, Path | None] | None:
    """`<folder>/<name>.md`, else the bundle archetype `<folder>/<name>/index.md`."""
    single = folder / f"{name}.md"
    if single.is_file():
        return single, None
    bundle = folder / name
    if (bundle / "index.md").is_file():
        return bundle / "index.md", bundle
    return None


def find_archetype(site: Path | None, kind: str = "model", explicit: Path | None = None, *,
                   section: str = "posts", themes: bool = True) -> Located:
    """Find the archetype as `hugo new content` does, and say where it came from.

    Names are tried in the order kind, section, "default"; each in the site's archetypes/ first, then
    in each theme's (Hugo overlays the theme's archetypes folder under the site's, name by name). A
    name matches `<name>.md` or a bundle folder `<name>/index.md`. Outside a site, or with no match,
    drafter's own model-explainer archetype.
    """
    if explicit is not None:
        explicit = Path(explicit)
        if explicit.is_dir():
            if (explicit / "index.md").is_file():
                return Located(explicit / "index.md", explicit.name, explicit, "explicit")
            raise ArchetypeError(str(explicit), "is a directory without an index.md; pass an archetype .md file "
                                               "or a bundle archetype folder holding index.md")
        if not explicit.is_file():
            raise ArchetypeError(str(explicit), "does not exist; pass the path of an archetype .md file")
        return Located(explicit, explicit.stem, None, "explicit")
    if site is not None:
        folders = [(Path(site) / "archetypes", "site")]
        if themes:
            folders += [(theme / "archetypes", "theme") for theme in site_themes(Path(site))]
        names = list(dict.fromkeys(n for n in (kind, section, "default") if n))
        for name in names:
            for folder, origin in folders:
                found = _archetype_at(folder, name)
                if found is not None:
                    return Located(found[0], name, found[1], origin)
    return Located(default_archetype(), "", None, "builtin")


def read_archetype(path: Path) -> str:
    """An archetype's text, with its line endings as they are (Hugo keeps CRLF)."""
    try:
        return read_exact(path)
    except (OSError, UnicodeDecodeError) as error:
        raise ArchetypeError(str(path), f"cannot be read: {unreadable(error)}") from None
