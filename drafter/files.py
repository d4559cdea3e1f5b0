"""Files on disk: read a text exactly as it is, replace a file in one step, and where drafter keeps its caches."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

CACHE_ENV = "DRAFTER_CACHE_DIR"


def read_exact(path: Path) -> str:
    """A UTF-8 file's text with its line endings untouched (CRLF stays CRLF); raises OSError or UnicodeDecodeError."""
    with path.open(encoding="utf-8", newline="") as stream:
        return stream.read()


def unreadable(error: OSError | UnicodeDecodeError) -> str:
    """Why a file could not be read, and what to do, for `<file>: cannot be read: <this>` messages."""
    if isinstance(error, UnicodeDecodeError):
        return (f"it is not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset {error.start}); "
                "save it as UTF-8 and run again")
    if isinstance(error, FileNotFoundError):
        return "there is no such file; check the path"
    if isinstance(error, IsADirectoryError):
        return "it is a folder; name a file"
    if isinstance(error, PermissionError):
        return "permission denied; check the file's permissions"
    return f"{error.strerror or error}; check the file and run again"


def write_atomic(path: Path, data: str | bytes, *, overwrite: bool = True) -> None:
    """Write `path` in one step, so a crash never leaves half a file; text is written as UTF-8, byte for byte.

    Without `overwrite`, a file that exists (or appeared meanwhile) is never replaced: FileExistsError.
    An overwritten file keeps its permissions; a new one gets the usual umask ones (mkstemp makes 0600).
    Raises OSError; the caller says what the file was for.
    """
    import tempfile  # only to write: a `check` that finds everything kept writes nothing

    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.chmod(temporary, mode)
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # link() never replaces an existing file
    finally:
        Path(temporary).unlink(missing_ok=True)


def cache_root(environ: Mapping[str, str]) -> Path:
    """drafter's cache folder: DRAFTER_CACHE_DIR, else the user's cache directory for drafter."""
    if environ.get(CACHE_ENV):
        return Path(environ[CACHE_ENV])
    import platformdirs  # only when a cache is used

    return Path(platformdirs.user_cache_dir("drafter", appauthor=False))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
