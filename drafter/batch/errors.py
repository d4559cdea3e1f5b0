"""The batch command's errors: members of drafter's one DrafterError family, with messages built from fields."""

from __future__ import annotations

from ..errors import DrafterError


class BatchNotFound(DrafterError):
    """`--resume NAME` names no batch in the state folder."""

    def __init__(self, name: str, folder: str, known: list[str]) -> None:
        self.name = name
        self.folder = folder
        self.known = known
        listing = ", ".join(known) if known else "none"
        super().__init__(f"no batch named {name!r} in {folder}; the batches there are: {listing} (see drafter batch --list)")


class BatchStateDamaged(DrafterError):
    """A batch's state file cannot be read back."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"the batch state {path} cannot be read ({problem}); it was not changed")


class ResultsRefused(DrafterError):
    """A results file that does not belong to the batch's prepared round, or is cut short."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path} is not the results of this batch's prepared requests: {problem}; nothing was read")


class BatchUsageError(DrafterError):
    """Options of `drafter batch` that do not go together, or a step the batch is not at."""

    def __init__(self, option: str, problem: str) -> None:
        self.option = option
        self.problem = problem
        super().__init__(f"{option}: {problem}")


class BatchProviderError(DrafterError):
    """The Batch API refused an upload, a job or a download."""

    def __init__(self, step: str, reason: str, base_url: str) -> None:
        self.step = step
        self.reason = reason
        self.base_url = base_url
        super().__init__(f"the Batch API at {base_url} failed to {step}: {reason}; the batch's state is kept, "
                         "so drafter batch --resume NAME tries again")


class BatchCancelled(DrafterError):
    """The provider cancelled a job; the answers it had are kept."""

    exit_code = 1

    def __init__(self, name: str, job: str, kept: int, missing: int) -> None:
        self.name = name
        self.job = job
        self.kept = kept
        self.missing = missing
        super().__init__(f"the provider cancelled batch job {job}: {kept} answer(s) of it are kept, {missing} were not "
                         f"answered; drafter batch --resume {name} submits those again")


class BatchInterrupted(DrafterError):
    """Ctrl-C while waiting for a job: the job goes on at the provider and the state is kept."""

    exit_code = 130

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"interrupted; the submitted jobs go on at the provider and the batch's state is kept: "
                         f"drafter batch --resume {name} goes on without sending anything again")


class PapersFailed(DrafterError):
    """The batch finished, but some papers have no draft."""

    exit_code = 1

    def __init__(self, failures: dict[str, str]) -> None:
        self.failures = dict(failures)
        super().__init__(f"{len(self.failures)} paper(s) have no draft: {', '.join(self.failures)}; "
                         "the reasons are listed above")


class RequestFailed(DrafterError):
    """A request failed at the provider in two rounds: its paper gets no draft."""

    def __init__(self, custom_id: str, reason: str) -> None:
        self.custom_id = custom_id
        self.reason = reason
        super().__init__(f"request {custom_id} failed twice at the provider ({reason}); its answered sections are "
                         "in the cache, so drafter new finishes the paper without paying for them")


class RequestChanged(DrafterError):
    """A resumed run would ask something other than what was submitted (prompts, archetype or settings changed)."""

    def __init__(self, custom_id: str) -> None:
        self.custom_id = custom_id
        super().__init__(f"request {custom_id} is not the one the batch submitted: its prompts, archetype or settings "
                         "changed since; put them back, or draft the paper with drafter new")


class OutputTaken(DrafterError):
    """Two papers of a batch would write the same draft."""

    def __init__(self, path: str, other: str) -> None:
        self.path = path
        self.other = other
        super().__init__(f"its draft would be {path}, which paper {other} of this batch writes; "
                         "draft it alone with drafter new ID --slug NAME")
