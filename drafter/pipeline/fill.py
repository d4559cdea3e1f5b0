"""Fill a rendered archetype: the facts first, then the wave of sections at once, each validated and re-asked."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..post import document as post
from ..post.markdown import strip_comments
from ..post.placeholders import classify
from ..arxiv import Paper
from ..arxiv.text import PaperText
from ..chat.base import ChatClient, Usage
from ..chat.cache import ResponseCache
from ..errors import BudgetExceeded
from ..facts import FACTS_SCHEMA, Facts, parse_facts, prefill
from ..findings import Finding
from ..grounding_mode import Grounding
from ..post.pairing import outline as outline_of
from ..prompts import PromptBook
from ..post.document import Document
from ..status import Status
from .events import Emit, Event
from .messages import FACTS_LABEL, facts_messages, prompt_cache_key, section_messages
from .reask import Aborted, Attempt, Conversation, Judge, ask_until_valid


@dataclass
class Outcome:
    """How one part of the draft ended."""

    label: str
    status: Status  # FILLED, FAILED, KEEP or STRIP
    text: str = ""
    attempts: int = 0
    findings: list[Finding] = field(default_factory=list)
    usage: Usage = Usage()
    warnings: list[Finding] = field(default_factory=list)  # reported, not re-asked (--grounding warn)
    refusal: BudgetExceeded | None = None  # why it was not asked, when the budget ran out


@dataclass
class Draft:
    """A finished run: the text to write and how each part went."""

    text: str
    facts: Facts
    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        """Parts that kept the archetype's text after failing validation or not being asked."""
        return [outcome for outcome in self.outcomes if outcome.status is Status.FAILED]

    @property
    def filled(self) -> list[Outcome]:
        """Sections the model filled (the facts answer is not a section)."""
        return [o for o in self.outcomes if o.status is Status.FILLED and o.label != FACTS_LABEL]

    @property
    def unasked(self) -> list[Outcome]:
        """Parts not asked (or not asked again) because a budget ran out."""
        return [outcome for outcome in self.failed if outcome.refusal is not None]

    @property
    def usage(self) -> Usage:
        """Tokens of every exchange of the run, re-asks included."""
        total = Usage()
        for outcome in self.outcomes:
            total = total + outcome.usage
        return total

    @property
    def attempts(self) -> int:
        """Requests answered over the whole run."""
        return sum(outcome.attempts for outcome in self.outcomes)


@dataclass
class Layout:
    """A post being filled: the prefilled document, its outline, and each block's outcome once it has one."""

    document: Document
    outline: list[str]
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # by block index
    to_fill: list[tuple[int, post.Block]] = field(default_factory=list)  # the blocks the model writes

    def assemble(self, facts: Facts, extra_outcomes: list[Outcome] | None = None) -> Draft:
        """The draft, once every block has its outcome: front matter, preamble, then the blocks in order."""
        blocks = range(len(self.document.blocks))
        text = self.document.front_matter + self.document.preamble + "".join(self.outcomes[i].text for i in blocks)
        return Draft(text=text, facts=facts, outcomes=list(extra_outcomes or []) + [self.outcomes[i] for i in blocks])


class Pipeline:
    """Asks a ChatClient for the facts and the sections, validating each answer and re-asking with the findings."""

    def __init__(
        self,
        client: ChatClient,
        prompts: PromptBook,
        *,
        model: str,
        max_attempts: int = 3,
        concurrency: int = 16,
        on_event: Emit | None = None,
        hint: str | None = None,
        cache: ResponseCache | None = None,
        grounding: str = "error",
        warmed: Callable[[], None] | None = None,
    ) -> None:
        self.grounding = Grounding(grounding)
        # Blocks until the client's start-up (the SDK's import and client) is done; the sections are prepared after it.
        self._warmed = warmed or (lambda: None)
        self.client = client
        self.cache = cache
        self.answered = 0  # answers that passed validation this run, cached ones included
        self._abort = threading.Event()  # set when the run is failing: no worker starts another request
        self.prompts = prompts
        self.model = model
        self.max_attempts = max_attempts
        self.concurrency = max(1, concurrency)
        self.hint = hint
        self._lock = threading.Lock()
        self._on_event = on_event or (lambda event: None)
        self.paper_text: PaperText | None = None  # the paper's full text, cut to its token budget (None: abstract only)
        self.outline: list[str] | None = None  # the post's headings, known before the facts so every request shares them
        self._unasked: int | None = None  # sections of fill() yet to send their request; the last one starts indexing

    @property
    def _text(self) -> str | None:
        return self.paper_text.markdown() if self.paper_text is not None else None

    def _emit(self, event: Event) -> None:
        with self._lock:
            self._on_event(event)

    def _ask(self, conversation: Conversation, judge: Judge) -> Attempt:
        """The re-ask loop with this run's client, limits and cache; counts the answers that passed."""
        result = ask_until_valid(conversation, judge, client=self.client, prompts=self.prompts, model=self.model,
                                 max_attempts=self.max_attempts, cache=self.cache, emit=self._emit,
                                 stopped=self._abort.is_set)
        if not result.findings and not self._abort.is_set():  # after Ctrl-C the count said to the user is final
            with self._lock:
                self.answered += 1
        return result

    # -- the parts of a draft --------------------------------------------------------------

    def establish_facts(self, paper: Paper) -> tuple[Facts | None, Outcome]:
        """Ask for the model's name, tagline, kind and slug."""
        conversation = Conversation(FACTS_LABEL, -1, facts_messages(self.prompts, paper, self.outline, self._text),
                                    prompt_cache_key(paper), FACTS_SCHEMA)
        holder: dict[str, Facts] = {}
        threading.Thread(target=self._prepare_sections, name="drafter-prepare", daemon=True).start()

        def judge(answer: str) -> list[Finding]:
            facts, findings = parse_facts(answer)
            if facts is not None:
                holder["facts"] = facts
            return findings

        last = self._ask(conversation, judge)
        facts = holder.get("facts") if not last.findings else None
        status = Status.FILLED if facts else Status.FAILED
        outcome = Outcome(FACTS_LABEL, status, last.answer, conversation.attempts, last.findings, conversation.usage,
                          refusal=last.refusal)
        self._emit(Event(FACTS_LABEL, status, conversation.attempts, tuple(last.findings), conversation.usage))
        return facts, outcome

    def _prepare_sections(self) -> None:
        """While the facts request is out, load the validators and compile the sections' templates (~20 ms of CPU).

        The sections are asked the moment the facts arrive, and this work would delay their requests. It waits for
        the client's start-up first: done during the SDK's import, it would delay the facts request as much.
        """
        try:
            self._warmed()
            from .. import grounding  # noqa: F401 - imported for the sections' judges
            from ..validate import section  # noqa: F401

            for title in self.outline or []:
                self.prompts.prepare(title)
        except Exception:  # noqa: BLE001 - a head start only: the section that needs it meets the same error
            pass

    def layout(self, paper: Paper, facts: Facts, rendered: str) -> Layout:
        """The prefilled post, its outline, the blocks kept or stripped as they are, and the blocks to fill."""
        document = prefill(post.split(rendered), paper, facts)
        laid = Layout(document, self.outline or outline_of(document))
        for index, block in enumerate(document.blocks):
            need = classify(block)
            if need is Status.KEEP:
                laid.outcomes[index] = Outcome(block.title, Status.KEEP, block.text)
                self._emit(Event(block.title, Status.KEEP))
            elif need is Status.STRIP:
                laid.outcomes[index] = Outcome(block.title, Status.STRIP, strip_comments(block.text))
                self._emit(Event(block.title, Status.STRIP))
            else:
                laid.to_fill.append((index, block))
                self._emit(Event(block.title, Status.FILL))  # listed in the post's order before any is asked
        return laid

    def announce(self, labels: list[str]) -> None:
        """Tell the display which parts will be asked, in this order, before the first is asked."""
        for label in labels:
            self._emit(Event(label, Status.FILL))

    def fill(self, paper: Paper, facts: Facts, rendered: str, extra_outcomes: list[Outcome] | None = None) -> Draft:
        """Fill every block of the rendered archetype that needs it, all at once; keep or strip the others."""
        laid = self.layout(paper, facts, rendered)
        outline, outcomes = laid.outline, laid.outcomes
        self._unasked = len(laid.to_fill)
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="drafter-section")
        try:
            futures = {index: pool.submit(self._guarded, self.fill_block, paper, facts, outline, index, block)
                       for index, block in laid.to_fill}
            for index, future in futures.items():
                try:
                    outcomes[index] = future.result()
                except Aborted:
                    # Another section failed for real: its future, later in the order, raises its error.
                    continue
        except BaseException:
            # Ctrl-C or a fatal error: ask nothing more; answers already validated are in the cache.
            self._abort.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return laid.assemble(facts, extra_outcomes)

    def _guarded(self, work: Callable[..., Outcome], *args: object) -> Outcome:
        """Run one section's work; a fatal error stops the other workers before their next request.

        Regression: a worker that had already taken the next section kept asking the model after the
        run had failed, on a closed client, with retries, and kept the process alive meanwhile.
        """
        try:
            return work(*args)
        except BaseException:
            self._abort.set()
            raise

    def fill_block(self, paper: Paper, facts: Facts, outline: list[str], index: int, block: post.Block) -> Outcome:
        """Have the model write one block; on failure keep the archetype's text."""
        messages = section_messages(self.prompts, paper, facts, self.outline or outline, block.title, block.text, self.hint,
                                    self._text)
        conversation = Conversation(block.title, index, messages, prompt_cache_key(paper))
        grounded: dict[str, list[Finding]] = {}  # by answer: the judge's and the warnings' grounding, done once

        def ground(answer: str) -> list[Finding]:
            if answer not in grounded:
                from ..grounding import ungrounded_numbers

                grounded[answer] = ungrounded_numbers(answer, self._source(paper, facts), block.text)
            return grounded[answer]

        def judge(answer: str) -> list[Finding]:
            from ..validate.section import validate_section

            failing, _ = self.grounding.split(lambda: ground(answer))
            found = set(validate_section(block.text, answer)) | set(failing)
            return sorted(found, key=lambda finding: (finding.line, finding.rule, finding.message))

        self._about_to_ask(paper, facts)
        last = self._ask(conversation, judge)
        if last.findings:
            self._emit(Event(block.title, Status.FAILED, conversation.attempts, tuple(last.findings), conversation.usage))
            return Outcome(block.title, Status.FAILED, block.text, conversation.attempts, last.findings,
                           conversation.usage, refusal=last.refusal)
        self._emit(Event(block.title, Status.FILLED, conversation.attempts, (), conversation.usage))
        _, warnings = self.grounding.split(lambda: ground(last.answer))
        return Outcome(block.title, Status.FILLED, _fit(last.answer, block.text), conversation.attempts, [],
                       conversation.usage, warnings)

    def _source(self, paper: Paper, facts: Facts) -> str:
        """What a section's numbers are judged against: what the model was shown (metadata, abstract, text) and the facts."""
        from ..grounding import paper_source  # with the validators: the first request never needs them

        return paper_source(paper, facts.name, facts.tagline, facts.kind, *([self._text] if self._text else []))

    def _about_to_ask(self, paper: Paper, facts: Facts) -> None:
        """Count a section of fill() about to ask; the last one starts indexing the paper's figures (~10 ms).

        Built while every request is out, the index is ready when the answers arrive together; built by the first
        answer's judge, it delayed the last answers' and so the draft.
        """
        with self._lock:
            if self._unasked is None:
                return
            self._unasked -= 1
            if self._unasked > 0:
                return
            self._unasked = None
        if self.grounding is not Grounding.OFF:
            threading.Thread(target=self._index, args=(paper, facts), name="drafter-index", daemon=True).start()

    def _index(self, paper: Paper, facts: Facts) -> None:
        try:
            # The requests still being written go first: begun at once, this CPU work delayed the last ones by ~10 ms.
            time.sleep(2 * sys.getswitchinterval())
            from ..grounding import shared_index

            shared_index(self._source(paper, facts))
        except Exception:  # noqa: BLE001 - a head start only: the first judge meets the same error
            pass


def _fit(answer: str, original: str) -> str:
    """Give the answer the original block's trailing blank lines, so the blocks around it keep their spacing."""
    trailing = original[len(original.rstrip("\n")):]
    return answer.rstrip("\n") + (trailing or "\n")
