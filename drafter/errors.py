"""The one exception family of drafter: every message is one line built from fields."""

from __future__ import annotations

from collections.abc import Iterable


class DrafterError(Exception):
    """Base of every error drafter reports to a user; `exit_code` is what the CLI exits with."""

    exit_code = 2

    def __str__(self) -> str:
        # Messages must stay on one line whatever a field holds.
        return " ".join(super().__str__().split())


class CommandLineError(DrafterError):
    """The command line does not parse: an unknown command or option, a missing argument, a value of the wrong type."""

    def __init__(self, problem: str, command: str) -> None:
        self.problem = problem
        self.command = command
        super().__init__(f"{problem.rstrip('.')}; see `{command} -h`")


class InvalidArxivId(DrafterError):
    """The text given is not an arXiv identifier in any accepted form."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"{text!r} is not an arXiv ID; use a form like 2106.09685, 2106.09685v2, "
            "hep-th/9901001 or https://arxiv.org/abs/2106.09685"
        )


class PaperNotFound(DrafterError):
    """arXiv answered with an empty feed for a well-formed identifier."""

    def __init__(self, arxiv_id: str) -> None:
        self.arxiv_id = arxiv_id
        super().__init__(
            f"arXiv has no paper {arxiv_id}; check the ID for a typo (see https://arxiv.org/abs/{arxiv_id})"
        )


class ArxivRejected(DrafterError):
    """arXiv answered with its error entry instead of a paper."""

    def __init__(self, arxiv_id: str, reason: str) -> None:
        self.arxiv_id = arxiv_id
        self.reason = reason
        super().__init__(f"arXiv rejected the ID {arxiv_id}: {reason}; check the ID for a typo")


class ArxivUnavailable(DrafterError):
    """The arXiv API could not be reached or answered with an HTTP error."""

    def __init__(self, arxiv_id: str, reason: str, url: str) -> None:
        self.arxiv_id = arxiv_id
        self.reason = reason
        self.url = url
        super().__init__(
            f"could not fetch {arxiv_id} from the arXiv API at {url}: {reason}; "
            "check your network and try again in a minute"
        )


class ArxivResponseInvalid(DrafterError):
    """The arXiv API answered with something that is not a readable Atom feed."""

    def __init__(self, arxiv_id: str, reason: str) -> None:
        self.arxiv_id = arxiv_id
        self.reason = reason
        super().__init__(
            f"the arXiv API's answer for {arxiv_id} is not a readable Atom feed ({reason}); "
            "check DRAFTER_ARXIV_API or try again later"
        )


class ArchetypeError(DrafterError):
    """An archetype could not be found, read or rendered."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"archetype {where}: {problem}")


class UnsupportedTemplate(ArchetypeError):
    """An archetype uses a Go-template construct drafter does not render."""

    def __init__(self, path: str, construct: str, line: int | None = None) -> None:
        self.construct = construct
        super().__init__(
            path,
            f"unsupported template construct {construct!r}; use --renderer hugo with Hugo installed, "
            "or simplify the archetype",
            line,
        )


class PromptError(DrafterError):
    """A prompt template is missing or does not render."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"prompt template {name}: {problem}")


class ConfigError(DrafterError):
    """A setting has a value drafter cannot use."""

    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        self.problem = problem
        super().__init__(f"{setting}: {problem}")


class MissingApiKey(ConfigError):
    """The OpenAI endpoint needs a key and none was given."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        super().__init__(
            "OPENAI_API_KEY",
            f"not set, and {base_url} needs one; export OPENAI_API_KEY=sk-..., "
            "or point --base-url at a local server (Ollama, vLLM, llama.cpp, LM Studio), "
            "or use --replay FILE",
        )


class OutputExists(DrafterError):
    """The draft would overwrite a file the user already has."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"{path} already exists; pass --force to overwrite it, or choose --output/--slug")


class OutputUnwritable(DrafterError):
    """The draft cannot be written where it was asked to go."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"cannot write {path}: {problem}; choose another --output")


class InputFileError(DrafterError):
    """A file the user named cannot be read or is not what drafter expects."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ModelUnavailable(DrafterError):
    """The model endpoint failed for good after the allowed retries."""

    def __init__(self, section: str, reason: str, base_url: str) -> None:
        self.section = section
        self.reason = reason
        self.base_url = base_url
        super().__init__(
            f"the model at {base_url} failed while writing {section}: {reason}; "
            "check --base-url, --model and your key, then run the same command again"
        )


class ClientClosed(ModelUnavailable):
    """A request made, or retried, after the client was closed (the run was interrupted or failed)."""


class CassetteError(DrafterError):
    """A cassette file cannot be read or written."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"cassette {path}: {problem}")


class ReplayMiss(CassetteError):
    """A replayed run sent a request the cassette does not hold."""

    def __init__(self, path: str, section: str, difference: str) -> None:
        self.section = section
        self.difference = difference
        super().__init__(
            path,
            f"no recorded answer for {section} ({difference}); re-record with --record, "
            "or replay with the same options the cassette was recorded with",
        )


class SectionNotFound(DrafterError):
    """A section named on the command line is not one the model can fill in this draft."""

    REASONS = {
        "missing": "has no section {name!r} to regenerate",
        "unpaired": "has a section {name!r}, but it is not in the archetype, so there is no skeleton to fill",
        "kept": "has a section {name!r}, but it is kept as the archetype has it: the model writes nothing there",
    }

    def __init__(self, path: str, name: str, valid: list[str], why: str = "missing") -> None:
        self.path = path
        self.name = name
        self.valid = valid
        self.why = why
        super().__init__(
            f"{path} {self.REASONS[why].format(name=name)}; valid sections are: {'; '.join(valid) or 'none'}"
        )


class Interrupted(DrafterError):
    """The user pressed Ctrl-C; `kept` says truly what survives (answers in the cache, an unchanged draft)."""

    exit_code = 130

    def __init__(self, kept: str) -> None:
        self.kept = kept
        super().__init__(f"interrupted; {kept}")


class BudgetExceeded(DrafterError):
    """A request would take the run past --max-tokens or --max-cost; it was not sent."""

    exit_code = 1

    def __init__(self, option: str, limit: str, spent: str, needed: str) -> None:
        self.option = option
        self.limit = limit
        self.spent = spent
        self.needed = needed
        super().__init__(
            f"the {option} budget of {limit} would be exceeded: {spent} used so far, and the next request "
            f"may need up to {needed}; raise {option} to ask for the rest"
        )


class BudgetRanOut(DrafterError):
    """The draft was written, but sections were left as in the archetype because the budget ran out."""

    exit_code = 1

    def __init__(self, path: str, option: str, limit: str, spent: str, sections: Iterable[str]) -> None:
        self.path = path
        self.option = option
        self.sections = list(sections)
        super().__init__(
            f"wrote {path}, but the {option} budget of {limit} ran out ({spent} used): {len(self.sections)} "
            f"section(s) keep the archetype's text: {', '.join(self.sections)}; raise {option} and run "
            f"`drafter regen {path} --failed`"
        )


class SectionsFailed(DrafterError):
    """Some sections still failed validation after the allowed attempts; the draft was written."""

    exit_code = 1

    def __init__(self, path: str, failures: dict[str, Iterable[str]]) -> None:
        self.path = path
        self.failures = {name: list(findings) for name, findings in failures.items()}
        names = ", ".join(self.failures)
        super().__init__(
            f"wrote {path}, but {len(self.failures)} section(s) kept the archetype's text after "
            f"failing validation: {names}; edit them by hand or run again"
        )


class RegenFailed(DrafterError):
    """A regenerated section still failed validation after the allowed attempts; the draft was left as it was."""

    exit_code = 1

    def __init__(self, path: str, failures: dict[str, Iterable[str]]) -> None:
        self.path = path
        self.failures = {name: list(findings) for name, findings in failures.items()}
        super().__init__(f"{path} is unchanged: {len(self.failures)} section(s) still failed validation: "
                         f"{', '.join(self.failures)}; try --hint or more --max-attempts")


# drafter batch

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
