"""A batch's state file: what was asked, submitted and answered, rewritten atomically after every step."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..chat.base import Usage
from ..errors import OutputUnwritable
from ..files import unreadable, write_atomic
from ..errors import BatchNotFound, BatchStateDamaged

FORMAT = 1
STATE_FOLDER = Path(".drafter") / "batches"

# A request's life: "submitted" in a job (or "prepared" in a file), then "answered" or "failed".
SUBMITTED, PREPARED, ANSWERED, FAILED = "submitted", "prepared", "answered", "failed"
# A paper's: "pending", then "written" or "failed".
PENDING, WRITTEN = "pending", "written"
# A job whose input file is uploaded and whose create call went out: it may exist at the provider already.
CREATING = "creating"
# Batch API job states after which nothing changes.
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


@dataclass
class PaperEntry:
    """One paper of the batch."""

    id: str  # as the user gave it, e.g. arXiv:1706.03762
    versioned: str = ""  # the exact version the draft is about, once arXiv answered
    status: str = PENDING
    path: str = ""  # where its draft is (or will be) written
    error: str = ""
    text: str = ""  # where the requests' full text is from ("html", "latex"); "" for the abstract alone
    note: str = ""  # why the model sees the abstract alone, when the full text failed


@dataclass
class RequestEntry:
    """One request, by custom_id: where it went and what came back."""

    round: int
    status: str
    sha: str  # of its body: a resumed run must ask exactly what was submitted
    failures: int = 0
    content: str | None = None
    usage: list[int] = field(default_factory=lambda: [0, 0, 0])  # prompt, completion, cached tokens
    error: str = ""

    @property
    def tokens(self) -> Usage:
        """The usage the provider reported for the answer."""
        return Usage(*self.usage)


@dataclass
class JobEntry:
    """One input file of a round: the Batch API job it became, or the file written for an offline engine."""

    custom_ids: list[str]
    file_id: str = ""
    batch_id: str = ""
    status: str = "new"  # "new", "creating", then the Batch API's status; "prepared" for an offline file
    collected: bool = False  # its results have been read into the requests
    done: int = 0  # requests the provider reports finished (completed + failed)
    uploaded: float = 0.0  # when the input file was uploaded (seconds since the epoch): where a search for its job stops


@dataclass
class RoundEntry:
    """One round: the requests that were ready at once."""

    number: int
    jobs: list[JobEntry] = field(default_factory=list)
    prepared: str = ""  # the file an offline round was written to


@dataclass
class BatchState:
    """Everything a later `--resume` needs; JSON on disk."""

    name: str
    created: str
    now: str  # the date the archetypes are rendered with, the same on every resume
    cwd: str
    flags: dict[str, Any]  # the settings flags of the first run, used again on resume
    out_dir: str | None = None
    force: bool = False
    mode: str = "api"  # "api" (the Batch API) or "files" (--prepare / --results)
    papers: list[PaperEntry] = field(default_factory=list)
    requests: dict[str, RequestEntry] = field(default_factory=dict)
    rounds: list[RoundEntry] = field(default_factory=list)

    def to_json(self) -> str:
        """The state as the file holds it."""
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> "BatchState":
        """Read a state file's text; BatchStateDamaged if it is not one."""
        try:
            data = json.loads(text)
            if data.pop("format", None) != FORMAT:
                raise ValueError(f"not a format-{FORMAT} batch state")
            papers = [PaperEntry(**entry) for entry in data.pop("papers")]
            requests = {key: RequestEntry(**entry) for key, entry in data.pop("requests").items()}
            rounds = [RoundEntry(entry["number"], [JobEntry(**job) for job in entry["jobs"]], entry.get("prepared", ""))
                      for entry in data.pop("rounds")]
            return cls(**data, papers=papers, requests=requests, rounds=rounds)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise BatchStateDamaged(where, str(error) or type(error).__name__) from None

    def open_jobs(self) -> list[JobEntry]:
        """Jobs submitted to the Batch API whose results are not read yet."""
        return [job for round_ in self.rounds for job in round_.jobs if not job.collected and job.status != PREPARED]

    def prepared_round(self) -> RoundEntry | None:
        """The offline round waiting for its results file, if any."""
        for round_ in self.rounds:
            if round_.prepared and not all(job.collected for job in round_.jobs):
                return round_
        return None

    def usage(self) -> Usage:
        """Tokens of every answered request."""
        total = Usage()
        for entry in self.requests.values():
            if entry.status == ANSWERED:
                total = total + entry.tokens
        return total

    def answered(self) -> int:
        """Requests answered so far."""
        return sum(1 for entry in self.requests.values() if entry.status == ANSWERED)


def new_name(now: datetime) -> str:
    """A batch's name from its start time, e.g. batch-20260101-093000."""
    return now.astimezone(timezone.utc).strftime("batch-%Y%m%d-%H%M%S")


def folder(site: Path | None, cwd: Path) -> Path:
    """Where state files live: the site's .drafter/batches/, else ./.drafter/batches/."""
    return (site or cwd) / STATE_FOLDER


def path_for(directory: Path, name: str) -> Path:
    """The state file of a batch name (names are single path components)."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise BatchNotFound(name, str(directory), names(directory))
    return directory / f"{name}.json"


def names(directory: Path) -> list[str]:
    """The batches kept in a state folder, oldest name first."""
    return sorted(path.stem for path in directory.glob("*.json")) if directory.is_dir() else []


def load(directory: Path, name: str) -> BatchState:
    """Read a batch's state by name."""
    path = path_for(directory, name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BatchNotFound(name, str(directory), names(directory)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BatchStateDamaged(str(path), unreadable(error)) from None
    return BatchState.from_json(text, str(path))


def save(directory: Path, state: BatchState) -> Path:
    """Write the state atomically (a reader or a crash sees the old file or the new one, never half)."""
    path = path_for(directory, state.name)
    try:
        write_atomic(path, state.to_json())
    except OSError as error:
        raise OutputUnwritable(str(path), error.strerror or str(error)) from None
    return path
