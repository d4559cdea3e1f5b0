"""A content-addressed on-disk cache of validated answers, so a rerun never pays twice for the same answer."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..files import cache_root, write_atomic


def default_directory(environ: Mapping[str, str]) -> Path:
    """The folder of cached answers, inside the cache folder."""
    return cache_root(environ) / "answers"


def request_key(payload: Mapping[str, Any]) -> str:
    """The cache key of a request: a hash of exactly what would be sent."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    """Answers that passed validation, stored by the key of the request that first asked for them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, payload: Mapping[str, Any]) -> str | None:
        """Return the stored answer to this request, if any (a damaged entry counts as none)."""
        try:
            data = json.loads(self._path(request_key(payload)).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        answer = data.get("answer") if isinstance(data, dict) else None
        return answer if isinstance(answer, str) else None

    def put(self, payload: Mapping[str, Any], answer: str) -> None:
        """Store a validated answer; a cache that cannot be written is skipped, never fatal."""
        path = self._path(request_key(payload))
        try:
            write_atomic(path, json.dumps({"model": payload.get("model"), "answer": answer}, ensure_ascii=False))
        except OSError:
            pass

    def clear(self) -> int:
        """Delete every stored answer; return how many there were."""
        if not self.directory.is_dir():
            return 0
        count = sum(1 for _ in self.directory.glob("*/*.json"))
        shutil.rmtree(self.directory)
        return count
