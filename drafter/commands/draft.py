"""An existing draft read so that its bytes can be written back exactly: for `regen`, `sections` and `check`."""

from __future__ import annotations

from pathlib import Path

from .. import arxiv
from ..post import document as post
from ..errors import InputFileError
from ..files import read_exact, unreadable
from ..front_matter import FrontMatterUnparsable, front_matter_data

_BOM = "\ufeff"


class DraftFile:
    """An existing draft, read so that its bytes can be written back exactly."""

    def __init__(self, path: Path, shown: Path | None = None) -> None:
        self.path = path
        self.shown = str(shown or path)  # the path as the user wrote it, for messages
        try:
            self.text = read_exact(path)  # CRLF kept as it is
        except FileNotFoundError:
            raise InputFileError(self.shown, "no such file") from None
        except IsADirectoryError:
            raise InputFileError(self.shown, "is a folder; name the draft's .md file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise InputFileError(self.shown, f"cannot be read: {unreadable(error)}") from None
        # A byte-order mark (Windows editors add one) is not part of the draft: read past it, write it back.
        self.bom = _BOM if self.text.startswith(_BOM) else ""
        self.text = self.text[len(self.bom):]
        self.document = post.split(self.text)

    def front_matter(self) -> dict:
        """The draft's front matter as data ({} when it has none); one that does not parse is an error with its line."""
        if not self.document.front_matter:
            return {}
        try:
            return front_matter_data(self.document.front_matter)
        except FrontMatterUnparsable as error:
            raise InputFileError(f"{self.shown}:{error.line}", f"the front matter does not parse ({error.reason}); "
                                                               "fix the front matter there (an unclosed quote or bracket, a tab?) and run again") from None

    def arxiv_id(self, override: str | None, instead: str = "pass --arxiv ID") -> arxiv.ArxivId:
        """The paper the draft is about: --arxiv, else its `arxiv:` front matter key; `instead` says what else to do."""
        if override:
            return arxiv.parse_id(override)
        value = self.front_matter().get("arxiv")
        if not value:
            raise InputFileError(self.shown, f"has no arxiv: key in its front matter, so it is not a drafter draft "
                                             f"or the key was removed; add one (arxiv: \"1706.03762v7\") or {instead}")
        return arxiv.parse_id(str(value))

    @property
    def slug(self) -> str:
        """The post's base name, as Hugo sees it."""
        return self.path.parent.name if self.path.stem == "index" else self.path.stem
