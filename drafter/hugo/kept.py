"""Archetypes rendered for existing drafts, kept on disk beside drafter's other caches.

`check` (a pre-commit hook), `sections` and `regen` judge a draft against its archetype rendered for the page the
draft was made for (its name and its date), which gives the same text every time: so the Go-template engine is
imported and run only when the archetype, the page, the site's data or the engine itself changed.

An entry is named by a checksum of its key and holds the whole key, compared in full on every read: a changed byte
anywhere misses, and a checksum collision can never return another render. A cache that cannot be read or written
is skipped, never fatal.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

from .. import __version__
from ..files import cache_root, write_atomic

# The code a render comes from: Hugo's side (this folder) and the template engine.
ENGINE_FOLDERS = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "gotemplate")


def directory(environ: Mapping[str, str]) -> Path:
    """Where renders are kept: `archetypes/` in drafter's cache folder."""
    return cache_root(environ) / "archetypes"


def engine_stamp() -> str:
    """drafter's version, and the name, size and modification time of each source file of the engine, so an edited
    engine (an editable install, a checkout) never serves a render made by its older self."""
    parts = [__version__]
    for folder in ENGINE_FOLDERS:
        for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
            if entry.name.endswith(".py"):
                info = entry.stat()
                parts.append(f"{folder.name}/{entry.name} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(parts)


def entry_path(key: str, environ: Mapping[str, str]) -> Path:
    """The file of the entry for `key`: two checksums of it (the key itself is inside, compared in full)."""
    data = key.encode("utf-8")
    return directory(environ) / f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}.json"


def kept_render(inputs: tuple[str, ...], render: Callable[[], str], environ: Mapping[str, str]) -> str:
    """The text `render()` gives for `inputs` (everything it reads: the template, the page, the site's data): the
    kept one when the engine and every input are the same, else rendered now and kept."""
    key = "\0".join((engine_stamp(), *inputs))
    path = entry_path(key, environ)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(entry, dict) and entry.get("key") == key and isinstance(entry.get("text"), str):
            return entry["text"]
    except (OSError, UnicodeDecodeError, ValueError):
        pass  # none kept, or a damaged entry: render again
    text = render()
    try:
        write_atomic(path, json.dumps({"key": key, "text": text}, ensure_ascii=False))
    except OSError:
        pass
    return text
