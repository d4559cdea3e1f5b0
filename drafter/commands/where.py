"""Where a command runs: the Hugo site above a path with the settings resolved there once, and paths made absolute.

Light on purpose: `drafter check` needs these two and nothing else of the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..hugo.site import find_site
from ..settings import Settings, resolve


def absolute(path: Path | None, cwd: Path) -> Path | None:
    """`path` made absolute against `cwd` (None stays None)."""
    if path is None:
        return None
    path = path.expanduser()
    return path if path.is_absolute() else cwd / path


def resolve_site(start: Path, environ: Mapping[str, str], flags: Mapping[str, Any]) -> tuple[Path | None, Settings]:
    """The Hugo site above `start` (or None) and the settings from its drafter.toml, the environment and the flags."""
    site = find_site(start)
    return site, resolve(site, environ, flags)
