"""Turn a paper and a rendered archetype into a draft: facts first, then every section, each validated and re-asked."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from .post import document as post
from .post.markdown import strip_comments
from .validate.section import validate_section
from .arxiv import Paper
from .chat.base import ChatClient, ChatRequest, Message, Usage
from .chat.budget import BUDGET
from .chat.cache import ResponseCache
from .errors import BudgetExceeded
from .grounding import paper_source, ungrounded_numbers
from .facts import Facts, citation, fill_front_matter, fill_known_slots, known_slots, parse_facts
from .prompts import CONTEXT, FACTS, REASK, SYSTEM, PromptBook, SectionView
from .post.document import Document
from .post.placeholders import Action, classify
from .findings import Finding

FACTS_LABEL = "facts"


class _Aborted(Exception):
    """A worker's request was not sent because the run is already failing; `fill` raises the real error instead."""


@dataclass(frozen=True)
class Event:
    """Progress of one part of the draft, for a display to show."""

    label: str
    status: str  # "asking", "rejected", "retrying", "done", "failed", "kept", "stripped"
    attempt: int = 0
    findings: tuple[Finding, ...] = ()
    usage: Usage = Usage()
    note: str = ""  # for "retrying": the transport fault and the wait


@dataclass
class Outcome:
    """How one part of the draft ended."""

    label: str
    action: str  # "filled", "kept", "stripped", "failed", "facts"
    text: str = ""
    attempts: int = 0
    findings: list[Finding] = field(default_factory=list)
    usage: Usage = Usage()
    warnings: list[Finding] = field(default_factory=list)  # reported, not re-asked (--grounding warn)


@dataclass
class Draft:
    """A finished run: the text to write and how each part went."""

    text: str
    facts: Facts
    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        """Parts that kept the archetype's text after failing validation."""
        return [outcome for outcome in self.outcomes if outcome.action == "failed"]

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
class _Attempt:
    answer: str
    findings: list[Finding]


class Conversation:
    """The messages of one part's exchange; a rejected answer and its findings are appended before the next attempt."""

    def __init__(self, label: str, position: int, messages: list[Message], cache_key: str | None = None) -> None:
        self.label = label
        self.position = position
        self.messages = messages
        self.cache_key = cache_key
        self.attempts = 0
        self.usage = Usage()
        self.last: _Attempt | None = None


Emit = Callable[[Event], None]


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
    ) -> None:
        self.grounding = grounding
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

    def _emit(self, event: Event) -> None:
        with self._lock:
            self._on_event(event)

    # -- requests ------------------------------------------------------------------------

    def shared_messages(self, paper: Paper, facts: Facts | None, outline: list[str]) -> list[Message]:
        """The leading messages every section request shares byte for byte (what prefix caches reuse)."""
        return [
            Message("system", self.prompts.render(SYSTEM, paper=paper)),
            Message("user", self.prompts.render(CONTEXT, paper=paper, facts=facts, outline=outline,
                                                citation=citation(paper))),
        ]

    def facts_messages(self, paper: Paper) -> list[Message]:
        """The messages of the facts request."""
        return self.shared_messages(paper, None, []) + [Message("user", self.prompts.render(FACTS, paper=paper))]

    def section_messages(self, paper: Paper, facts: Facts, outline: list[str], title: str, skeleton: str) -> list[Message]:
        """The messages asking for one section: shared context first, the skeleton last."""
        view = SectionView(title=title, skeleton=skeleton.strip("\n"))
        template = self.prompts.section_template(title)
        ask = self.prompts.render(template, paper=paper, facts=facts, section=view, hint=self.hint)
        return self.shared_messages(paper, facts, outline) + [Message("user", ask)]

    def request(self, conversation: Conversation) -> ChatRequest:
        """The request for the conversation's next attempt."""
        return ChatRequest(
            model=self.model,
            messages=tuple(conversation.messages),
            label=conversation.label,
            attempt=conversation.attempts + 1,
            position=conversation.position,
            cache_key=conversation.cache_key,
        )

    # -- the re-ask loop -------------------------------------------------------------------

    def ask_until_valid(self, conversation: Conversation, judge: Callable[[str], list[Finding]]) -> _Attempt:
        """Ask, validate, and re-ask with the findings, at most `max_attempts` times; return the last attempt."""

        def attempt() -> _Attempt:
            if conversation.attempts:
                previous = conversation.last
                assert previous is not None
                conversation.messages = conversation.messages + [
                    Message("assistant", previous.answer),
                    Message("user", self.prompts.render(REASK, section=SectionView(conversation.label, ""),
                                                        findings=previous.findings)),
                ]
            request = self.request(conversation)
            self._emit(Event(conversation.label, "asking", request.attempt))
            if self._abort.is_set():
                raise _Aborted(conversation.label)
            response = self.client.complete(request)
            conversation.attempts += 1
            conversation.usage = conversation.usage + response.usage
            answer = _normalise(response.content)
            result = _Attempt(answer, judge(answer))
            conversation.last = result
            if result.findings and conversation.attempts < self.max_attempts:
                self._emit(Event(conversation.label, "rejected", conversation.attempts, tuple(result.findings), response.usage))
            return result

        # The first request names the answer in the cache, whichever attempt finally passed.
        first_request = self.request(conversation).payload()
        if self.cache is not None:
            cached = self.cache.get(first_request)
            if cached is not None:
                result = _Attempt(cached, judge(cached))
                if not result.findings:
                    conversation.last = result
                    self._count_answered()
                    return result
        import tenacity  # here, not at the top: `drafter check` imports this module and never re-asks

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts),
            retry=tenacity.retry_if_result(lambda result: bool(result.findings)),
            retry_error_callback=lambda state: state.outcome.result(),
        )
        try:
            result = retrying(attempt)
        except BudgetExceeded as error:
            # Not asked (or not asked again): this part is not done, the rest of the run goes on.
            earlier = conversation.last
            result = _Attempt(earlier.answer if earlier else "", [*(earlier.findings if earlier else []),
                                                                   Finding(0, BUDGET, str(error))])
            conversation.last = result
        if not result.findings and not self._abort.is_set():  # after Ctrl-C the count said to the user is final
            if self.cache is not None:
                self.cache.put(first_request, result.answer)
            self._count_answered()  # after the put: the count never names an answer not yet stored
        return result

    def _count_answered(self) -> None:
        with self._lock:
            self.answered += 1

    # -- the parts of a draft --------------------------------------------------------------

    def establish_facts(self, paper: Paper) -> tuple[Facts | None, Outcome]:
        """Ask for the model's name, tagline, kind and slug."""
        conversation = Conversation(FACTS_LABEL, -1, self.facts_messages(paper), prompt_cache_key(paper))
        holder: dict[str, Facts] = {}

        def judge(answer: str) -> list[Finding]:
            facts, findings = parse_facts(answer)
            if facts is not None:
                holder["facts"] = facts
            return findings

        last = self.ask_until_valid(conversation, judge)
        facts = holder.get("facts") if not last.findings else None
        outcome = Outcome(FACTS_LABEL, "facts" if facts else "failed", last.answer, conversation.attempts,
                          last.findings, conversation.usage)
        self._emit(Event(FACTS_LABEL, "done" if facts else "failed", conversation.attempts, tuple(last.findings), conversation.usage))
        return facts, outcome

    def layout(self, paper: Paper, facts: Facts, rendered: str) -> Layout:
        """The prefilled post, its outline, the blocks kept or stripped as they are, and the blocks to fill."""
        document = prefill(post.split(rendered), paper, facts)
        outline = [block.title for block in document.blocks if block.level == document.section_level]
        laid = Layout(document, outline)
        for index, block in enumerate(document.blocks):
            action = classify(block)
            if action is Action.KEEP:
                laid.outcomes[index] = Outcome(block.title, "kept", block.text)
                self._emit(Event(block.title, "kept"))
            elif action is Action.STRIP:
                laid.outcomes[index] = Outcome(block.title, "stripped", strip_comments(block.text))
                self._emit(Event(block.title, "stripped"))
            else:
                laid.to_fill.append((index, block))
        return laid

    def fill(self, paper: Paper, facts: Facts, rendered: str, extra_outcomes: list[Outcome] | None = None) -> Draft:
        """Fill every block of the rendered archetype that needs it; keep or strip the others."""
        laid = self.layout(paper, facts, rendered)
        outline, outcomes = laid.outline, laid.outcomes
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="drafter-section")
        try:
            futures = {index: pool.submit(self._guarded, self.fill_block, paper, facts, outline, index, block)
                       for index, block in laid.to_fill}
            for index, future in futures.items():
                try:
                    outcomes[index] = future.result()
                except _Aborted:
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
        conversation = Conversation(block.title, index, self.section_messages(paper, facts, outline, block.title, block.text),
                                    prompt_cache_key(paper))
        # Grounding judges numbers against what the model was shown: the paper's metadata, abstract and facts.
        source = paper_source(paper, facts.name, facts.tagline, facts.kind)
        judged = source if self.grounding == "error" else None
        last = self.ask_until_valid(conversation, lambda answer: validate_section(block.text, answer, source=judged))
        if last.findings:
            self._emit(Event(block.title, "failed", conversation.attempts, tuple(last.findings), conversation.usage))
            return Outcome(block.title, "failed", block.text, conversation.attempts, last.findings, conversation.usage)
        self._emit(Event(block.title, "done", conversation.attempts, (), conversation.usage))
        warnings = ungrounded_numbers(last.answer, source, block.text) if self.grounding == "warn" else []
        return Outcome(block.title, "filled", _fit(last.answer, block.text), conversation.attempts, [], conversation.usage,
                       warnings)


def prompt_cache_key(paper: Paper) -> str:
    """One key for every request of a run, so a provider routes them to the same prefix cache (not recorded)."""
    return f"drafter-{paper.base_id}"


def prefill(document: Document, paper: Paper, facts: Facts) -> Document:
    """Fill what drafter knows without the model: the front matter, and the name, tagline and citation slots."""
    slots = known_slots(paper, facts)
    filled = replace(document, front_matter=fill_front_matter(document.front_matter, paper, facts))
    for index, block in enumerate(document.blocks):
        text = fill_known_slots(block.text, slots)
        if text != block.text:
            filled = filled.with_block(index, text)
    return filled


def _normalise(answer: str) -> str:
    return answer.replace("\r\n", "\n").strip("\n").rstrip() + "\n"


def _fit(answer: str, original: str) -> str:
    """Give the answer the original block's trailing blank lines, so the blocks around it keep their spacing."""
    trailing = original[len(original.rstrip("\n")):]
    return answer.rstrip("\n") + (trailing or "\n")
