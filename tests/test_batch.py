"""`drafter batch` end to end: the real openai SDK over real HTTP against the local server's Batch API."""

from __future__ import annotations

import gzip
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from answers import DefectiveOnce
from drafter.arxiv import api
from drafter.cli import app
from fakebatch import run_batch
from fakeclock import FakeClock

runner = CliRunner()
PAPERS = ("1706.03762", "1605.08386", "astro-ph/0601001")


@pytest.fixture(autouse=True)
def spacing(monkeypatch) -> dict[str, FakeClock]:
    """arXiv's process-wide limiters (the CLI's), each service on a clock of its own that never waits."""
    clocks = {service: FakeClock() for service in ("api", "html", "e-print")}
    for service, clock in clocks.items():
        monkeypatch.setitem(api._SHARED, service, api.RateLimiter(clock=clock, sleep=clock.sleep))
    return clocks


def drafter(*args: str):
    """Run the CLI in-process; return the result (exit_code, stdout, stderr)."""
    return runner.invoke(app, list(args))


def state_of(folder: Path) -> dict:
    """The one batch state file in a folder's .drafter/batches/."""
    [path] = (folder / ".drafter" / "batches").glob("*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_three_papers_end_to_end_with_a_re_ask_round(env, tmp_path, model_server, arxiv_server):
    model_server.responder = DefectiveOnce("1605.08386", "## Introduction")
    result = drafter("batch", *PAPERS, "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert result.exit_code == 0, result.output
    drafts = sorted(p.name for p in (tmp_path / "drafts").iterdir())
    assert len(drafts) == 3
    for name in drafts:
        check = drafter("check", str(tmp_path / "drafts" / name), "--offline")
        assert check.exit_code == 0, (name, check.output)
    assert arxiv_server.requests == [",".join(PAPERS)]  # one arXiv request for every paper
    assert model_server.received == []  # nothing sent outside the Batch API
    batch = model_server.batch
    per_job = [len(batch.files[job.input_file_id].splitlines()) for job in batch.jobs.values()]
    assert per_job[0] == 3 and per_job[2] == 1  # facts of every paper; then every section; then the one re-ask
    assert len(per_job) == 3 and len(batch.lines_received) == len(set(batch.lines_received)) == sum(per_job)
    [reask] = [json.loads(line)["body"] for line in batch.files[list(batch.jobs.values())[2].input_file_id].splitlines()]
    assert json.loads(batch.files[list(batch.jobs.values())[2].input_file_id])["custom_id"] == "1605.08386:02-Introduction:2"
    assert "placeholder: the placeholder [Add a diagram here] is left" in reask["messages"][-1]["content"]
    assert "3/3 draft(s) written" in result.stderr and f"{sum(per_job)} request(s) in 3 job(s) over 3 round(s)" in result.stderr
    assert "round 2 (1 job(s), completed)" in result.stderr
    assert [p["status"] for p in state_of(Path.cwd())["papers"]] == ["written"] * 3



def lines_per_job(model_server) -> list[int]:
    """How many requests each job the server was given held, in order."""
    batch = model_server.batch
    return [len(batch.files[job.input_file_id].splitlines()) for job in batch.jobs.values()]


# -- offline engines: --prepare and --results --------------------------------------------------------

PREPARED = re.compile(r"^prepared (\d+) requests in (\S+); run them, then: drafter batch --resume (\S+) --results RESULTS\n$")


def test_three_papers_through_prepared_files_and_a_vllm_stand_in(env, tmp_path, model_server):
    model_server.responder = DefectiveOnce("1605.08386", "## Introduction")
    result = drafter("batch", *PAPERS, "--out-dir", str(tmp_path / "drafts"), "--prepare", str(tmp_path / "round1.jsonl"))
    assert result.exit_code == 0, result.output
    match = PREPARED.match(result.stdout)
    assert match and match[1] == "3" and match[2] == str(tmp_path / "round1.jsonl"), result.stdout
    name = match[3]
    prepared_counts = [3]
    for number in (2, 3, 4):
        results = tmp_path / f"results{number - 1}.jsonl"
        assert run_batch(tmp_path / f"round{number - 1}.jsonl", results, model_server.completion_body) == prepared_counts[-1]
        result = drafter("batch", "--resume", name, "--results", str(results), "--prepare", str(tmp_path / f"round{number}.jsonl"))
        assert result.exit_code == 0, result.output
        match = PREPARED.match(result.stdout)
        if match is None:
            break
        prepared_counts.append(int(match[1]))
    assert result.stdout == "every draft is written (3)\n"
    assert prepared_counts == [3, 42, 1]  # facts, every section, the one re-ask
    assert len(list((tmp_path / "drafts").iterdir())) == 3
    assert model_server.received == [] and model_server.batch.jobs == {}  # no request went to the server at all
    listing = drafter("batch", "--list").stdout
    assert f"{name}  3 paper(s), 3 written, 0 failed  round 1: prepared in {tmp_path / 'round1.jsonl'} (results read)" in listing


@pytest.mark.parametrize(("results", "problem"), [
    ('{"custom_id": "2101.00001:facts:1", "response": {"status_code": 200, "body": {}}, "error": null}\n',
     "line 1 answers '2101.00001:facts:1', which the batch never asked"),
    (None, "its last line is cut short"),  # the stand-in's real output, cut in the middle of its last line
    (b"caf\xe9\n", "it cannot be read: it is not UTF-8 text (byte 0xe9 at offset 3); save it as UTF-8 and run again"),
])
def test_a_foreign_or_truncated_results_file_is_refused(env, tmp_path, model_server, results, problem):
    result = drafter("batch", *PAPERS, "--prepare", str(tmp_path / "round1.jsonl"))
    name = PREPARED.match(result.stdout)[3]
    path = tmp_path / "results.jsonl"
    if results is None:
        run_batch(tmp_path / "round1.jsonl", path, model_server.completion_body)
        results = path.read_text(encoding="utf-8")[:-40]
    if isinstance(results, bytes):  # a file saved in another encoding (regression: the codec's own long message)
        path.write_bytes(results)
    else:
        path.write_text(results, encoding="utf-8")
    before = state_of(Path.cwd())
    refused = drafter("batch", "--resume", name, "--results", str(path))
    assert refused.exit_code == 2
    assert refused.stderr == f"Error: {path} is not the results of this batch's prepared requests: {problem}; nothing was read\n"
    assert state_of(Path.cwd()) == before


# -- faults ------------------------------------------------------------------------------------------

def test_a_failed_line_is_sent_again_once(env, tmp_path, model_server):
    model_server.batch.fail_line("## Conclusion")
    result = drafter("batch", *PAPERS, "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert result.exit_code == 0, result.output
    sent = model_server.batch.lines_received
    again = sorted({key for key in sent if sent.count(key) > 1})
    assert again == ["1706.03762:13-Conclusion:1"] and sent.count(again[0]) == 2
    assert lines_per_job(model_server)[2] == 1


def test_a_line_that_fails_twice_costs_its_paper_only(env, tmp_path, model_server):
    model_server.batch.fail_line("## Conclusion", "arXiv ID: 1706.03762")
    model_server.batch.fail_line("## Conclusion", "arXiv ID: 1706.03762")
    result = drafter("batch", *PAPERS, "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert result.exit_code == 1
    assert "1706.03762: no draft: request 1706.03762:13-Conclusion:1 failed twice at the provider (HTTP 500: server_error: scripted line failure)" in result.stderr
    assert "Error: 1 paper(s) have no draft: 1706.03762;" in result.stderr
    assert len(list((tmp_path / "drafts").iterdir())) == 2


@pytest.mark.parametrize(("fates", "per_job", "again"), [
    (["completed", "expired"], [3, 42, 21], 21),  # the expired job answered half; the rest went again
    (["failed"], [3, 3, 42], 3),  # a job that failed as a whole: all its requests went again
])
def test_an_expired_or_failed_job_sends_what_it_did_not_answer_in_the_next_round(env, tmp_path, model_server, fates,
                                                                                 per_job, again):
    model_server.batch.fates = fates
    result = drafter("batch", *PAPERS, "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert result.exit_code == 0, result.output
    assert lines_per_job(model_server) == per_job
    assert len(model_server.batch.lines_received) == len(set(model_server.batch.lines_received)) + again
    assert len(list((tmp_path / "drafts").iterdir())) == 3


def test_a_cancelled_job_is_reported_with_what_was_kept_and_resumed(env, tmp_path, model_server):
    model_server.batch.fates = ["completed", "cancelled"]
    result = drafter("batch", *PAPERS, "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert result.exit_code == 1
    name = state_of(Path.cwd())["name"]
    assert result.stderr.splitlines()[-1] == (f"Error: the provider cancelled batch job batch_5: 21 answer(s) of it are kept, "
                                             f"21 were not answered; drafter batch --resume {name} submits those again")
    resumed = drafter("batch", "--resume", name, "--poll", "0")
    assert resumed.exit_code == 0, resumed.output
    assert lines_per_job(model_server) == [3, 42, 21]
    assert len(list((tmp_path / "drafts").iterdir())) == 3


def test_ctrl_c_while_polling_keeps_the_state_and_resume_sends_nothing_again(env, tmp_path, model_server):
    model_server.batch.polls_until_done = 10**9  # the first job never finishes until the test says so
    command = [sys.executable, "-m", "drafter", "batch", *PAPERS, "--out-dir", str(tmp_path / "drafts"), "--poll", "0.05"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(job.polls >= 2 for job in model_server.batch.jobs.values()):
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    name = state_of(Path.cwd())["name"]
    assert process.returncode == 130, err
    assert err.splitlines()[-1] == (f"Error: interrupted; the submitted jobs go on at the provider and the batch's state is kept: "
                                    f"drafter batch --resume {name} goes on without sending anything again")
    assert model_server.batch.uploads == 1 and len(model_server.batch.jobs) == 1
    model_server.batch.polls_until_done = 0
    resumed = drafter("batch", "--resume", name, "--poll", "0")
    assert resumed.exit_code == 0, resumed.output
    sent = model_server.batch.lines_received
    assert len(sent) == len(set(sent)) == sum(lines_per_job(model_server))  # nothing submitted twice
    assert lines_per_job(model_server) == [3, 42]
    assert len(list((tmp_path / "drafts").iterdir())) == 3


# -- arXiv for many papers ------------------------------------------------------------------------------

def test_an_id_missing_from_the_list_answer_is_fetched_alone_and_an_unknown_one_reported(env, tmp_path, model_server,
                                                                                            arxiv_server, spacing):
    arxiv_server.dropped_from_lists = {"1605.08386"}
    result = drafter("batch", *PAPERS, "2101.00001", "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert arxiv_server.requests == [",".join(PAPERS + ("2101.00001",)), "1605.08386", "2101.00001"]
    assert spacing["api"].slept == [3.0, 3.0]  # the two single fetches waited their turn
    assert result.exit_code == 1
    assert "2101.00001: no draft: arXiv has no paper 2101.00001" in result.stderr
    assert len(list((tmp_path / "drafts").iterdir())) == 3


@pytest.mark.parametrize(("args", "message"), [
    ((), "Error: drafter batch: no paper given; pass arXiv IDs, --from FILE, --resume NAME or --list\n"),
    (("--resume", "nope"), "Error: no batch named 'nope' in "),
    (("--results", "r.jsonl", "1706.03762"), "Error: --results: needs --resume NAME (the batch the results belong to)\n"),
    (("not-an-id",), "Error: "),
])
def test_bad_input_is_one_line_and_exit_2(env, args, message):
    result = drafter("batch", *args)
    assert result.exit_code == 2 and result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.output


def test_ids_come_from_a_file_with_comments(env, tmp_path, model_server):
    listing = tmp_path / "papers.txt"
    listing.write_text("# to read\nhttps://arxiv.org/abs/1706.03762v7\n\n1605.08386  # heat bath\n1706.03762\n", encoding="utf-8")
    result = drafter("batch", "--from", str(listing), "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert result.exit_code == 0, result.output
    assert lines_per_job(model_server)[0] == 2  # the same paper twice is drafted once


def test_a_keyboard_interrupt_from_the_poll_sleep_keeps_the_state(env, tmp_path, model_server):
    """The library seam the CLI's Ctrl-C goes through: the injectable sleep, then resume from the saved state."""
    import os

    from drafter.batch import command
    from drafter.errors import BatchInterrupted

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    model_server.batch.polls_until_done = 3
    options = command.BatchOptions(PAPERS, out_dir=tmp_path / "drafts")
    with pytest.raises(BatchInterrupted):
        command.start(options, Path.cwd(), os.environ, command.Hooks(poll=0, sleep=interrupt))
    saved = state_of(Path.cwd())
    assert [job["status"] for job in saved["rounds"][0]["jobs"]] == ["in_progress"]
    run, ended = command.resume(saved["name"], Path.cwd(), os.environ, command.Hooks(poll=0, sleep=lambda s: None))
    assert all(p.status == "written" for p in ended.state.papers)
    assert model_server.batch.uploads == 2 and len(model_server.batch.lines_received) == 45


def test_inside_a_site_drafts_go_to_its_content_and_the_state_to_its_drafter_folder(env, tmp_path, monkeypatch):
    site = tmp_path / "blog"
    (site / "content").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Test blog"\n', encoding="utf-8")
    monkeypatch.chdir(site / "content")
    result = drafter("batch", "1706.03762", "--poll", "0")
    assert result.exit_code == 0, result.output
    assert (site / "content" / "posts" / "transformer.md").is_file()
    assert state_of(site)["papers"][0]["path"] == str(site / "content" / "posts" / "transformer.md")
    again = drafter("batch", "1706.03762", "--poll", "0")  # the draft exists: refused before its sections are paid for
    assert again.exit_code == 1 and "1706.03762: no draft: " in again.stderr and "exists" in again.stderr


# -- the papers' full text ---------------------------------------------------------------------------

# A sentence only each paper's full text holds (the abstracts and the answers have none of them).
IN_FULL_TEXT = {
    "1706.03762": "We trained our models on one machine with 8 NVIDIA P100 GPUs.",  # the real e-print's Training section
    "1605.08386": "The thermostat couples every chain of the sampler to one heat bath.",
    "astro-ph%2F0601001": "We observed the cluster with a wide-field camera on a clear night.",
}


def serve_full_texts(arxiv_server) -> None:
    """1706.03762: its real e-print (no HTML, as before December 2023); 1605.08386: a LaTeXML page; the third a .tex.gz."""
    arxiv_server.html_pages["1605.08386"] = (200, (
        '<html><body><article class="ltx_document"><section class="ltx_section">'
        '<h2 class="ltx_title ltx_title_section">Method</h2><div class="ltx_para"><p class="ltx_p">'
        f'{IN_FULL_TEXT["1605.08386"]}</p></div></section></article></body></html>').encode())
    tex = ("\\documentclass{article}\n\\begin{document}\n\\section{Observations}\n"
           f"{IN_FULL_TEXT['astro-ph%2F0601001']}\n\\end{{document}}\n")
    arxiv_server.eprints["astro-ph/0601001v1"] = (200, gzip.compress(tex.encode(), mtime=0))


def requests_by_paper(model_server) -> dict[str, list[str]]:
    """Every request body the server was given, as text, by the paper its custom_id names."""
    batch = model_server.batch
    found: dict[str, list[str]] = {}
    for job in batch.jobs.values():
        for line in batch.files[job.input_file_id].decode().splitlines():
            request = json.loads(line)
            found.setdefault(request["custom_id"].split(":")[0], []).append(json.dumps(request["body"], ensure_ascii=False))
    return found


def test_every_request_holds_its_papers_full_text_fetched_3_s_apart(env, tmp_path, model_server, arxiv_server, spacing):
    """What broke: batch requests held the abstract alone, where `drafter new` sends the paper's text."""
    serve_full_texts(arxiv_server)
    model_server.responder = DefectiveOnce("1605.08386", "## Introduction")  # a re-ask round, which holds the text too
    result = drafter("batch", *PAPERS, "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert result.exit_code == 0, result.output
    bodies = requests_by_paper(model_server)
    assert sorted(bodies) == sorted(IN_FULL_TEXT) and lines_per_job(model_server) == [3, 42, 1]
    for paper, sentence in IN_FULL_TEXT.items():
        others = [s for p, s in IN_FULL_TEXT.items() if p != paper]
        assert all(sentence in body and "<<<PAPER" in body for body in bodies[paper]), paper
        assert not any(other in body for body in bodies[paper] for other in others), paper
    assert arxiv_server.fulltext_requests == ["html/1706.03762v7", "e-print/1706.03762v7", "html/1605.08386v1",
                                              "html/astro-ph/0601001v1", "e-print/astro-ph/0601001v1"]
    assert spacing["html"].slept == [3.0, 3.0] and spacing["e-print"].slept == [3.0]  # every later request waited 3 s
    assert "abstract alone" not in result.stderr
    assert re.search(r"^batch-\S+: fetching the full text of 3 papers from arXiv, 3 s apart as arXiv asks \(about 6 s\)$",
                     result.stderr, re.MULTILINE), result.stderr
    assert [p["text"] for p in state_of(Path.cwd())["papers"]] == ["latex", "html", "latex"]
    arxiv_server.requests.clear()
    arxiv_server.fulltext_requests.clear()
    for draft in (tmp_path / "drafts").iterdir():  # grounded against the kept text: arXiv is asked nothing
        check = drafter("check", str(draft))
        assert check.exit_code == 0, (draft.name, check.output)
    assert arxiv_server.requests == arxiv_server.fulltext_requests == []


def test_the_same_text_and_cut_as_drafter_new(env, tmp_path, model_server, arxiv_server, monkeypatch):
    """One owner of the text: a batch's requests share `drafter new`'s prefix, the text cut to max_source_tokens.

    What broke: batch requests held the abstract alone, and their facts request lacked the post's outline."""
    import os

    from drafter.arxiv import store

    site = tmp_path / "blog"
    site.mkdir()
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Test blog"\n', encoding="utf-8")
    (site / "drafter.toml").write_text("max_source_tokens = 2000\n", encoding="utf-8")
    monkeypatch.chdir(site)
    new = drafter("new", "1706.03762", "--output", str(tmp_path / "new.md"))
    assert new.exit_code == 0, new.output
    shared_by_new = {json.dumps(r.body["messages"][:-1]) for r in model_server.received}
    result = drafter("batch", "1706.03762", "--out-dir", str(tmp_path / "drafts"), "--poll", "0", "--no-cache")
    assert result.exit_code == 0, result.output
    bodies = [json.loads(line)["body"] for job in model_server.batch.jobs.values()
              for line in model_server.batch.files[job.input_file_id].decode().splitlines()]
    assert len(bodies) == 15 and len(shared_by_new) == 1
    assert {json.dumps(body["messages"][:-1]) for body in bodies} == shared_by_new
    assert "<<<PAPER" in next(iter(shared_by_new))
    assert store.kept_text("1706.03762v7", os.environ).shown(2000).dropped  # the text was cut to fit, in both


@pytest.mark.parametrize(("source", "expected"), [("full", 1), ("abstract", 0)])
def test_source_abstract_fetches_no_text(env, tmp_path, model_server, arxiv_server, source, expected):
    """--source abstract, as for `drafter new`: no full-text request, and requests without the paper's text."""
    result = drafter("batch", "1706.03762", "--out-dir", str(tmp_path / "drafts"), "--poll", "0", "--source", source)
    assert result.exit_code == 0, result.output
    bodies = requests_by_paper(model_server)["1706.03762"]
    assert sum(IN_FULL_TEXT["1706.03762"] in body for body in bodies[:1]) == expected
    assert len(arxiv_server.fulltext_requests) == 2 * expected


def test_a_paper_whose_full_text_fails_keeps_its_abstract_with_one_line_and_the_others_go_on(env, tmp_path, model_server,
                                                                                             arxiv_server):
    serve_full_texts(arxiv_server)
    arxiv_server.eprints["1706.03762"] = (200, b"%PDF-1.4 only a PDF")
    result = drafter("batch", *PAPERS, "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "abstract alone" in line] == [
        "1706.03762: full text of 1706.03762v7 unavailable (no HTML; source: a PDF-only submission, no LaTeX source): "
        "the model sees the abstract alone"]
    bodies = requests_by_paper(model_server)
    assert not any("<<<PAPER" in body for body in bodies["1706.03762"])
    assert all(IN_FULL_TEXT["1605.08386"] in body for body in bodies["1605.08386"])
    assert len(list((tmp_path / "drafts").iterdir())) == 3


def test_resume_and_later_rounds_reuse_the_kept_text_without_fetching_it_again(env, tmp_path, model_server, arxiv_server):
    """The text is kept beside the feed: a resumed run asks arXiv for nothing, and its requests hold the same text."""
    import os

    from drafter.batch import command
    from drafter.errors import BatchInterrupted

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    serve_full_texts(arxiv_server)
    model_server.responder = DefectiveOnce("1605.08386", "## Introduction")
    model_server.batch.polls_until_done = 3
    options = command.BatchOptions(PAPERS, out_dir=tmp_path / "drafts")
    with pytest.raises(BatchInterrupted):
        command.start(options, Path.cwd(), os.environ, command.Hooks(poll=0, sleep=interrupt))
    assert len(arxiv_server.fulltext_requests) == 5
    arxiv_server.fulltext_requests.clear()
    arxiv_server.requests.clear()
    run, ended = command.resume(state_of(Path.cwd())["name"], Path.cwd(), os.environ,
                                command.Hooks(poll=0, sleep=lambda s: None))
    assert all(p.status == "written" for p in ended.state.papers)
    assert arxiv_server.fulltext_requests == [] and arxiv_server.requests == []  # nothing fetched again
    assert lines_per_job(model_server) == [3, 42, 1]
    bodies = requests_by_paper(model_server)
    for paper, sentence in IN_FULL_TEXT.items():
        assert all(sentence in body for body in bodies[paper]), paper


def test_a_lost_text_is_fetched_again_on_resume_and_the_requests_are_unchanged(env, tmp_path, model_server, arxiv_server):
    """The cache cleared between the runs: the text is fetched once more, and what was submitted is asked the same."""
    import os

    from drafter.arxiv import store
    from drafter.batch import command
    from drafter.errors import BatchInterrupted

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    model_server.batch.polls_until_done = 3
    with pytest.raises(BatchInterrupted):
        command.start(command.BatchOptions(("1706.03762",), out_dir=tmp_path / "drafts"), Path.cwd(), os.environ,
                      command.Hooks(poll=0, sleep=interrupt))
    store.text_path_for("1706.03762v7", os.environ).unlink()
    arxiv_server.fulltext_requests.clear()
    run, ended = command.resume(state_of(Path.cwd())["name"], Path.cwd(), os.environ,
                                command.Hooks(poll=0, sleep=lambda s: None))
    assert [p.status for p in ended.state.papers] == ["written"]
    assert arxiv_server.fulltext_requests == ["html/1706.03762v7", "e-print/1706.03762v7"]


# -- an interrupted create ---------------------------------------------------------------------------

def test_ctrl_c_while_the_job_is_being_created_then_resume_makes_no_second_job(env, tmp_path, model_server):
    """What broke: Ctrl-C after the upload, while `batches.create` was in flight, left no job id in the state,
    and `--resume` created the same job a second time (paid twice). Now it finds the job by its input file."""
    model_server.batch.create_latency = 30.0  # the job exists at once; its answer comes too late for the client
    command = [sys.executable, "-m", "drafter", "batch", "1706.03762", "--out-dir", str(tmp_path / "drafts"), "--poll", "0.05"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while model_server.batch.creates < 1:
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    [job] = state_of(Path.cwd())["rounds"][0]["jobs"]
    assert (job["file_id"], job["batch_id"], job["status"]) == ("file-1", "", "creating")
    assert "round 1: no answer to its create creating" in drafter("batch", "--list").stdout
    model_server.batch.create_latency = 0.0
    resumed = drafter("batch", "--resume", state_of(Path.cwd())["name"], "--poll", "0")
    assert resumed.exit_code == 0, resumed.output
    assert model_server.batch.creates == len(model_server.batch.jobs) == 2  # the facts job (found again), the sections'
    assert model_server.batch.uploads == 2 and lines_per_job(model_server) == [1, 14]
    assert state_of(Path.cwd())["rounds"][0]["jobs"][0]["batch_id"] == "batch_2"
    assert len(list((tmp_path / "drafts").iterdir())) == 1


def test_a_create_whose_answer_is_lost_is_found_not_made_again(env, tmp_path, model_server):
    """What broke: the SDK retried a create whose job was made but whose answer was lost (a 502 from a gateway),
    so the same requests ran in two jobs. Now drafter looks for the file's job before asking again."""
    model_server.batch.lost_creates = 1
    result = drafter("batch", "1706.03762", "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert result.exit_code == 0, result.output
    assert model_server.batch.creates == len(model_server.batch.jobs) == 2 and model_server.batch.lists == 1
    assert lines_per_job(model_server) == [1, 14]


@pytest.mark.parametrize("other_jobs", [
    0,  # the create was refused: no job for the file, so resume creates it (once)
    150,  # the same, with two pages of other jobs to read past
])
def test_a_refused_create_is_made_once_on_resume(env, tmp_path, model_server, other_jobs):
    """A create that failed leaves the uploaded file in the state; resume looks for its job, finds none, creates one."""
    import openai

    client = openai.OpenAI(base_url=model_server.base_url, api_key="sk-test")
    other = client.files.create(file=("x.jsonl", b'{"custom_id": "x"}\n', "application/jsonl"), purpose="batch").id
    for _ in range(other_jobs):  # someone else's jobs, newer than nothing of ours
        client.batches.create(input_file_id=other, endpoint="/v1/chat/completions", completion_window="24h")
    model_server.batch.refused_creates = 1
    failed = drafter("batch", "1706.03762", "--out-dir", str(tmp_path / "drafts"), "--poll", "0")
    assert failed.exit_code != 0 and "create a batch job: HTTP 400" in failed.stderr, failed.output
    before = model_server.batch.creates
    resumed = drafter("batch", "--resume", state_of(Path.cwd())["name"], "--poll", "0")
    assert resumed.exit_code == 0, resumed.output
    assert model_server.batch.creates - before == 2  # the facts job, then the sections'
    assert model_server.batch.lists >= (1 if other_jobs <= 100 else 2)


def test_the_search_for_a_files_job_stops_at_jobs_older_than_the_upload(model_server):
    """The list is newest first: a search reads back to the upload's time, not through a long history."""
    import openai

    from drafter.batch.provider import BatchProvider

    client = openai.OpenAI(base_url=model_server.base_url, api_key="sk-test")
    ours, theirs = (client.files.create(file=(f"{n}.jsonl", b'{"custom_id": "x"}\n', "application/jsonl"),
                                        purpose="batch").id for n in ("ours", "theirs"))
    made = [client.batches.create(input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h").id
            for file_id in (ours, theirs)]
    provider = BatchProvider(model_server.base_url, "sk-test")
    try:
        assert provider.find(ours).id == made[0]
        assert provider.find("file-none") is None
        assert provider.find(ours, since=time.time() + 10) is None  # the newer job is already older than `since`
    finally:
        provider.close()
