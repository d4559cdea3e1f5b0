"""`drafter batch` end to end: the real openai SDK over real HTTP against the local server's Batch API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from answers import Author, paper_field, skeleton
from drafter.cli import app

runner = CliRunner()
PAPERS = ("1706.03762", "1605.08386", "astro-ph/0601001")


def drafter(*args: str):
    """Run the CLI in-process; return the result (exit_code, stdout, stderr)."""
    return runner.invoke(app, list(args))


class DefectiveOnce(Author):
    """Leaves a placeholder in one paper's section the first time it is asked, as a model might."""

    def __init__(self, paper: str, section: str) -> None:
        super().__init__()
        self.paper, self.target, self.times = paper, section, 1

    def section(self, body, section):
        answer = super().section(body, section)
        if self.times and section.startswith(self.target) and paper_field(body, "arXiv ID").startswith(self.paper):
            self.times -= 1
            return answer.rstrip("\n") + "\n\n[Add a diagram here]\n"
        return answer


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

