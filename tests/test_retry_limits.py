"""The retry and concurrency-limit logic of the openai client, through the real SDK against the local server.

Written against the mutants that survived the suite (tools/mutation.py): the waits are asserted exactly
(the sleep function is the client's parameter, so no test waits them out), and the adaptive limit is
driven step by step."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.chat.base import ChatRequest, Message
from drafter.chat.openai import AdaptiveLimit, OpenAIChat, TransientFault, _short, needs_api_key
from drafter.errors import ClientClosed, ConfigError, MissingApiKey, ModelUnavailable
from fakeopenai import FakeOpenAI

REQUEST = ChatRequest(model="test-model", messages=(Message("user", "Say hello."),), label="## Conclusion")


def answer(body):
    return "Hello."


@pytest.fixture
def server():
    with FakeOpenAI(answer) as running:
        yield running


def client_for(server, **options):
    slept: list[float] = []
    retried: list[tuple[str, str, float]] = []
    client = OpenAIChat(base_url=server.base_url, sleep=slept.append, on_retry=lambda *told: retried.append(told), **options)
    return client, slept, retried


@pytest.mark.parametrize("faults, sleeps", [
    ([("server_error", None)], [1.0]),
    ([("server_error", None)] * 3, [1.0, 2.0, 4.0]),
    ([("status", "3", 503)], [3.0]),  # Retry-After longer than the backoff wins
    ([("server_error", "0.25")], [1.0]),  # shorter: the backoff wins
    ([("rate_limit", "45")], [45.0]),  # longer than the 30 s cap: the server's word wins
    ([("rate_limit", None), ("rate_limit", "2.5")], [1.0, 2.5]),
    ([("reset", None)], [1.0]),
    ([("length", None)], [1.0]),
])
def test_waits_between_attempts(server, faults, sleeps):
    for kind, retry_after, *status in faults:
        server.fail_next(kind, retry_after=retry_after, **({"status": status[0]} if status else {}))
    client, slept, retried = client_for(server)
    response = client.complete(REQUEST)
    client.close()
    assert response.content == "Hello."
    assert slept == sleeps
    assert [(label, seconds) for label, _, seconds in retried] == [("## Conclusion", s) for s in sleeps]
    assert len(server.received) == len(faults) + 1


def test_the_backoff_doubles_up_to_its_cap_and_the_last_fault_is_reported(server):
    server.fail_next("server_error", times=5)
    client, slept, retried = client_for(server, attempts=5, initial_backoff=10.0, max_backoff=30.0)
    with pytest.raises(ModelUnavailable) as error:
        client.complete(REQUEST)
    client.close()
    assert slept == [10.0, 20.0, 30.0, 30.0]
    assert [reason for _, reason, _ in retried] == ["HTTP 500 server error"] * 4
    assert "## Conclusion" in str(error.value) and "HTTP 500 server error after 5 attempts" in str(error.value)
    assert len(server.received) == 5


@pytest.mark.parametrize("status, error, message", [
    (401, ConfigError, "OPENAI_API_KEY: http://127.0.0.1:{port}/v1 rejected the key (HTTP 401); check OPENAI_API_KEY"),
    (404, ConfigError, "--model: http://127.0.0.1:{port}/v1 has no model 'test-model' (HTTP 404); check --model and --base-url"),
    (400, ModelUnavailable, "failed while writing ## Conclusion: HTTP 400: Error code: 400 - scripted status"),
])
def test_a_fault_not_worth_retrying_is_reported_at_once(server, status, error, message):
    server.fail_next("status", status=status)
    client, slept, _ = client_for(server)
    with pytest.raises(error) as raised:
        client.complete(REQUEST)
    client.close()
    assert message.format(port=server.base_url.rsplit(":", 1)[1].split("/")[0]) in str(raised.value)
    assert slept == [] and len(server.received) == 1


def test_an_unlabelled_request_is_called_a_request(server):
    server.fail_next("status", status=400)
    client, _, _ = client_for(server)
    with pytest.raises(ModelUnavailable) as raised:
        client.complete(ChatRequest(model="test-model", messages=(Message("user", "Hi."),)))
    client.close()
    assert "failed while writing a request: HTTP 400" in str(raised.value)


def test_a_read_timeout_is_retried_and_named(server):
    server.fail_next("timeout", delay=1.5)
    client, slept, retried = client_for(server, read_timeout=0.5)
    assert client.complete(REQUEST).content == "Hello."
    client.close()
    assert retried == [("## Conclusion", "the request timed out", 1.0)]


def test_the_answer_carries_the_servers_model_and_usage(server):
    long_request = ChatRequest(model="test-model", messages=(Message("user", "word " * 1200),), label="long")
    client, _, _ = client_for(server)
    first, second = client.complete(long_request), client.complete(long_request)
    client.close()
    assert (first.model, first.finish_reason) == ("test-model", "stop")
    assert first.usage.prompt_tokens > 1000 and first.usage.completion_tokens > 0 and first.usage.cached_tokens == 0
    assert second.usage.cached_tokens > 0  # the server's prefix cache served the repeat


@pytest.mark.parametrize("served, named", [
    ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini-2025-04-14"),  # OpenAI names the dated version it ran
    ("", "test-model"),  # some local servers name none: the model asked for stands in
    (None, "test-model"),
])
def test_the_answer_names_the_model_that_served_it_else_the_one_asked_for(server, served, named):
    """Regression (a mutation survivor): `completion.model and request.model` passed, the server echoing the request's model."""
    server.fail_next("model", model=served)
    client, _, _ = client_for(server)
    assert client.complete(REQUEST).model == named
    client.close()


def test_an_unlabelled_request_stopped_in_flight_is_called_a_request(server):
    """Regression (a mutation survivor): the name of an unlabelled request closed mid-flight was untested."""
    client, _, _ = client_for(server)
    server.responder = lambda body: (client.close(), "Hello.")[1]  # Ctrl-C while the server writes
    server.fail_next("length")  # a fault worth retrying, but the client is closed by then
    with pytest.raises(ClientClosed) as raised:
        client.complete(ChatRequest(model="test-model", messages=(Message("user", "Hi."),)))
    assert "failed while writing a request: the run was stopped" in str(raised.value)
    assert len(server.received) == 1  # no retry after the close


def test_warm_up_builds_the_sdk_client_in_the_background(server):
    client, _, _ = client_for(server)
    client.warm_up()
    client.close()  # joins the warm-up thread
    assert client._client is not None


def test_a_429_lowers_the_limit_to_the_requests_still_in_flight():
    limit = AdaptiveLimit()
    for _ in range(3):
        limit.acquire()
    assert (limit.limit, limit.active) == (None, 3)
    limit.release(refused=True)  # two others were accepted: the server takes two at once
    assert (limit.limit, limit.active) == (2, 2)
    limit.release()
    assert (limit.limit, limit.active) == (2, 1)
    limit.release(refused=True)  # refused while nothing else is in flight: a rate limit, not a slot limit
    assert (limit.limit, limit.active) == (2, 0)
    for _ in range(2):
        limit.acquire()
    assert limit.active == limit.limit  # a third acquire would wait
    limit.release(refused=True)
    assert (limit.limit, limit.active) == (1, 1)  # never raised again by a later, larger count


def test_a_429_never_raises_a_lower_limit():
    limit = AdaptiveLimit(1)
    limit.acquire()
    limit.limit = 5
    for _ in range(3):
        limit.acquire()
    limit.limit = 2
    limit.release(refused=True)
    assert (limit.limit, limit.active) == (2, 3)


def test_a_refused_request_gives_its_slot_to_a_waiting_one(server):
    server.fail_next("rate_limit", retry_after="0")
    client, _, _ = client_for(server)
    client.complete(REQUEST)
    client.close()
    assert client.limit.active == 0 and client.limit.limit is None  # alone in flight: no slot limit learnt


@pytest.mark.parametrize("base_url, needed", [
    ("https://api.openai.com/v1", True),
    ("https://api.openai.com/v1/", True),
    ("http://api.openai.com", True),
    ("http://localhost:11434/v1", False),
    ("https://api.openai.com.example.org/v1", True),  # a prefix match: asks for a key, the safe side
    ("https://example.org/api.openai.com", False),
])
def test_which_endpoints_need_a_key(base_url, needed):
    assert needs_api_key(base_url) is needed


def test_openai_without_a_key_is_refused_before_any_request():
    with pytest.raises(MissingApiKey):
        OpenAIChat(base_url="https://api.openai.com/v1", api_key=None)


def test_transient_fault_fields():
    fault = TransientFault("HTTP 429 rate limited", 2.0, 429)
    assert (str(fault), fault.reason, fault.retry_after, fault.status) == ("HTTP 429 rate limited", "HTTP 429 rate limited", 2.0, 429)
    assert (TransientFault("x").retry_after, TransientFault("x").status) == (None, None)


def test_a_full_limit_makes_the_next_request_wait_for_a_release():
    import threading

    limit = AdaptiveLimit(1)
    limit.acquire()
    got_in = threading.Event()
    waiter = threading.Thread(target=lambda: (limit.acquire(), got_in.set()), daemon=True)
    waiter.start()
    assert not got_in.wait(0.3)  # the one slot is taken
    limit.release()
    assert got_in.wait(5)  # the release wakes it
    waiter.join(5)
    assert limit.active == 1


# -- budgets (drafter/chat/budget.py) ---------------------------------------------------------------

from drafter.chat.base import ChatResponse, Usage, estimate_tokens  # noqa: E402
from drafter.chat.budget import Budgeted  # noqa: E402
from drafter.chat.cost import Price  # noqa: E402
from drafter.errors import BudgetExceeded  # noqa: E402

SMALL = ChatRequest(model="m", messages=(Message("user", "x" * 40),), max_tokens=100)
NEED = estimate_tokens(SMALL.messages) + 100  # the worst case reserved before sending: 14 + 100
DOLLAR_A_TOKEN = Price(1e6, 1e6, 1e6)


class Answers:
    """A ChatClient answering each request with the next scripted (content, usage)."""

    def __init__(self, *answers: tuple[str, Usage]) -> None:
        self.answers = list(answers)
        self.closed = False

    def complete(self, request):
        content, usage = self.answers.pop(0)
        return ChatResponse(content, usage=usage)

    def close(self):
        self.closed = True


def test_a_request_that_just_fits_is_sent_and_its_real_usage_counts():
    budget = Budgeted(Answers(("a", Usage(10, 5)), ("b", Usage(3, 2))), max_tokens=15 + NEED)
    assert budget.complete(SMALL).content == "a"
    assert (budget.spent, budget.spent_tokens) == (Usage(10, 5), 15)
    assert budget.complete(SMALL).content == "b"  # the reservation came back: 15 spent + NEED fits exactly
    assert budget.spent == Usage(13, 7)


def test_a_request_one_token_over_is_refused_with_what_was_used():
    budget = Budgeted(Answers(("a", Usage(10, 5))), max_tokens=15 + NEED - 1)
    budget.complete(SMALL)
    with pytest.raises(BudgetExceeded) as error:
        budget.complete(SMALL)
    assert str(error.value) == (f"the --max-tokens budget of {15 + NEED - 1} tokens would be exceeded: 15 used so far, "
                                f"and the next request may need up to {NEED}; raise --max-tokens to ask for the rest")
    assert budget.spent == Usage(10, 5)


def test_a_cost_budget_counts_dollars_at_the_price():
    budget = Budgeted(Answers(("a", Usage(1, 1)), ("b", Usage(1, 1))), max_cost=2 + NEED, price=DOLLAR_A_TOKEN)
    budget.complete(SMALL)
    assert budget.spent_cost == 2.0
    budget.complete(SMALL)  # 2 + NEED dollars: fits exactly
    tight = Budgeted(Answers(("a", Usage(1, 1))), max_cost=2 + NEED - 0.5, price=DOLLAR_A_TOKEN)
    tight.complete(SMALL)
    with pytest.raises(BudgetExceeded) as error:
        tight.complete(SMALL)
    assert str(error.value) == (f"the --max-cost budget of ${2 + NEED - 0.5:.2f} would be exceeded: $2.00 used so far, "
                                f"and the next request may need up to ${NEED:.2f}; raise --max-cost to ask for the rest")


def test_a_price_without_a_cost_budget_only_counts_and_a_cost_budget_needs_a_price():
    budget = Budgeted(Answers(("a", Usage(1, 1))), max_tokens=10 ** 6, price=DOLLAR_A_TOKEN)
    budget.complete(SMALL)
    assert budget.spent_cost == 2.0
    assert Budgeted(Answers(), max_tokens=5).spent_cost == 0.0
    with pytest.raises(ValueError) as error:
        Budgeted(Answers(), max_cost=1.0)
    assert str(error.value) == "a cost budget needs a price"


@pytest.mark.parametrize("content, counted", [("y" * 40, Usage(14, 10)), ("y" * 43, Usage(14, 10)), ("", Usage(14, 1)),
                                             ("abc", Usage(14, 1))])
def test_a_server_that_reports_no_usage_is_counted_from_the_text(content, counted):
    budget = Budgeted(Answers((content, Usage())), max_tokens=10 ** 6)
    budget.complete(SMALL)
    assert budget.spent == counted and isinstance(budget.spent.completion_tokens, int)


class Fails:
    """A ChatClient whose first request fails (the model unreachable), then answers."""

    def __init__(self) -> None:
        self.calls = 0

    def complete(self, request):
        self.calls += 1
        if self.calls == 1:
            raise ModelUnavailable("## Intro", "connection failed", "http://127.0.0.1:9/v1")
        return ChatResponse("ok", usage=Usage(2, 2))

    def close(self):
        pass


def test_a_failed_request_gives_its_reservation_back_and_counts_nothing():
    budget = Budgeted(Fails(), max_tokens=NEED)
    with pytest.raises(ModelUnavailable):
        budget.complete(SMALL)
    assert budget.spent == Usage()
    assert budget.complete(SMALL).content == "ok"  # the whole budget is free again


def test_an_http_date_without_a_zone_is_gmt_on_a_machine_in_another_zone(monkeypatch):
    """A "-0000" date parses without a zone; read as local time it would be hours off outside UTC."""
    import time

    from drafter.retryafter import parse_retry_after

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 -0000", now=1445412470.0) == 10.0
    finally:
        monkeypatch.undo()
        time.tzset()


def test_an_answer_without_a_finish_reason_counts_as_finished(server):
    """Some OpenAI-compatible servers send `"finish_reason": null` with a whole answer: it is an answer (and
    records as `stop`, the one finish a cassette accepts), not a fault to retry."""
    server.fail_next("null_finish")
    client, slept, retried = client_for(server)
    response = client.complete(REQUEST)
    client.close()
    assert (response.content, response.finish_reason, slept, len(server.received)) == ("Hello.", "stop", [], 1)


def test_the_clients_default_timeouts_are_the_settings_defaults():
    """One owner for the defaults: a client built without timeouts waits as long as the settings would say."""
    from drafter.settings import Settings

    client = OpenAIChat(base_url="http://127.0.0.1:9/v1")
    assert client._timeouts == (Settings().connect_timeout, Settings().read_timeout)


@pytest.mark.parametrize(("kind", "reason"), [
    ("rate_limit", "HTTP 429 rate limited"),
    ("no_choices", "the answer had no choices"),
], ids=["a rate limit", "an answer with no choices"])
def test_a_retry_is_reported_with_its_reason(server, kind, reason):
    server.fail_next(kind)
    client, slept, retried = client_for(server)
    assert client.complete(REQUEST).content == "Hello."
    client.close()
    assert retried == [("## Conclusion", reason, 1.0)]


@pytest.mark.parametrize(("kind", "content", "usage"), [
    ("no_usage", "Hello.", (0, 0, 0)),  # a server that sends no usage: nothing counted, not a crash
    ("null_content", "", None),  # `"content": null`: an empty answer for the validator to reject, not a crash
], ids=["no usage", "null content"])
def test_an_answer_missing_a_part_is_read_as_empty(server, kind, content, usage):
    server.fail_next(kind)
    client, slept, _ = client_for(server)
    response = client.complete(REQUEST)
    client.close()
    assert (response.content, slept) == (content, [])
    if usage is not None:
        assert (response.usage.prompt_tokens, response.usage.completion_tokens, response.usage.cached_tokens) == usage


def test_a_refused_request_names_the_endpoint(server):
    server.fail_next("status", status=400)
    client, _, _ = client_for(server)
    with pytest.raises(ModelUnavailable) as error:
        client.complete(REQUEST)
    client.close()
    assert str(error.value).startswith(f"the model at {server.base_url} failed while writing ## Conclusion: HTTP 400: ")


def test_a_request_after_close_is_refused_in_one_line_naming_the_section(server):
    client, _, _ = client_for(server)
    client.close()
    with pytest.raises(ClientClosed) as error:
        client.complete(REQUEST)
    assert str(error.value) == (f"the model at {server.base_url} failed while writing ## Conclusion: the run was stopped; "
                                "check --base-url, --model and your key, then run the same command again")
    assert server.received == []


def test_warming_up_a_client_that_is_built_starts_no_thread(server):
    client, _, _ = client_for(server)
    client.complete(REQUEST)  # builds the SDK client
    client.warm_up()
    assert client._warming is None
    client.close()


@pytest.mark.parametrize(("base_url", "sends"), [
    ("https://api.openai.com/v1", True),
    ("http://127.0.0.1:9/v1", False),
])
def test_the_cache_key_is_sent_to_openai_only_unless_told(base_url, sends):
    assert OpenAIChat(base_url=base_url, api_key="sk-test")._send_cache_key is sends


@pytest.mark.parametrize(("text", "limit", "shown"), [
    ("abc", 3, "abc"),  # exactly the limit: whole
    ("abcd", 3, "ab…"),
    ("a  b\n c", 10, "a b c"),
])
def test_server_messages_are_cut_to_one_short_line(text, limit, shown):
    assert _short(text, limit) == shown


def test_the_test_servers_latency_includes_making_the_answer():
    """Regression: the test server slept its latency and only then made the answer, so answers that took long to
    make (14 at once in the benchmark's process) arrived later than the latency, and benchmarks charged drafter."""
    import time

    def slow_answer(body):
        time.sleep(1.0)
        return "Hello."

    with FakeOpenAI(slow_answer, latency=1.0) as slow:
        client, _, _ = client_for(slow)
        assert client.complete(REQUEST).content == "Hello."
        client.close()
    served = slow.received[0]
    assert 1.0 <= served.finished - served.started < 1.9  # made within the second: not 1 s + 1 s


def test_warmed_waits_for_the_sdk_client_and_returns_at_once_without_a_warm_up(server):
    """The pipeline prepares the sections only once the client is warm (see Pipeline._prepare_sections)."""
    cold, _, _ = client_for(server)
    cold.warmed()  # no warm-up started: nothing to wait for
    assert cold._client is None
    warming, _, _ = client_for(server)
    warming.warm_up()
    warming.warmed()
    assert warming._client is not None
    cold.close()
    warming.close()


def test_a_wait_asked_before_any_outcome_is_the_plain_backoff():
    """Regression (a mutation survivor): the wait's guard for a retry state without an outcome was untested."""
    import tenacity

    from drafter.chat.openai import _WaitRetryAfter

    state = tenacity.RetryCallState(retry_object=tenacity.Retrying(), fn=None, args=(), kwargs={})
    assert state.outcome is None
    assert _WaitRetryAfter(initial=1.0, maximum=30.0)(state) == 1.0


TLS = Path(__file__).resolve().parent / "data" / "tls"


@pytest.mark.parametrize("warmed_up", [True, False])
@pytest.mark.parametrize("trusted, answered", [(True, True), (False, False)])
def test_certificates_are_verified_and_ssl_cert_file_trusted(monkeypatch, warmed_up, trusted, answered):
    """The TLS context warm_up makes in a thread of its own verifies as the SDK's own does: a server's certificate
    is checked, and one that SSL_CERT_FILE names (a company's CA) is trusted, warmed up or not."""
    if trusted:
        monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "cert.pem"))
    else:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with FakeOpenAI(answer, tls=(TLS / "cert.pem", TLS / "key.pem")) as secure:
        assert secure.base_url.startswith("https://127.0.0.1:")
        client, _, _ = client_for(secure, attempts=1)
        if warmed_up:
            client.warm_up()
        if answered:
            assert client.complete(REQUEST).content == "Hello."
            assert (client._tls_context is not None) is warmed_up  # the context made beforehand served the request
        else:
            with pytest.raises(ModelUnavailable) as refused:
                client.complete(REQUEST)
            assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value) or "certificate verify failed" in str(refused.value)
        client.close()
