"""The command line: parse options, call the library, turn DrafterError into `Error: <one line>` and an exit code."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import DrafterError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Turn an arXiv ID into a first draft of a Hugo model-explainer post.",
)


def _fail(error: DrafterError) -> None:
    typer.echo(f"Error: {error}", err=True)
    raise typer.Exit(error.exit_code)


@app.command()
def new(
    arxiv_id: Annotated[str, typer.Argument(metavar="ARXIV_ID", help="2106.09685, 2106.09685v2, arXiv:…, hep-th/9901001 or an arxiv.org URL.")],
    archetype: Annotated[Optional[Path], typer.Option(help="Archetype file to use instead of the site's or drafter's own.")] = None,
    kind: Annotated[Optional[str], typer.Option(help="Archetype kind to look up in the site's archetypes/ [default: model].")] = None,
    slug: Annotated[Optional[str], typer.Option(help="File name of the post (default: from the model's name, e.g. lora).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the draft here instead of <site>/content/posts/<slug>.md.")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file at the output path.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Fetch the paper and print the requests with token estimates; call no model.")] = False,
    model: Annotated[Optional[str], typer.Option(help="Chat model [env: DRAFTER_MODEL; default: gpt-4.1-mini].")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 [env: OPENAI_BASE_URL].")] = None,
    max_attempts: Annotated[Optional[int], typer.Option(help="Attempts per section before keeping the archetype's text [default: 3].")] = None,
    concurrency: Annotated[Optional[int], typer.Option(help="Sections asked at once [default: 8].")] = None,
    prompts: Annotated[Optional[Path], typer.Option(help="Folder of prompt templates that override drafter's by name.")] = None,
    record: Annotated[Optional[Path], typer.Option(help="Record the arXiv response and every model exchange to this cassette.")] = None,
    replay: Annotated[Optional[Path], typer.Option(help="Answer from this cassette instead of the network.")] = None,
) -> None:
    """Write a first draft of a post about an arXiv paper.

    Example: drafter new 1706.03762 --replay cassettes/1706.03762.yaml -o transformer.md
    """
    from . import progress, workflow
    from .settings import resolve

    try:
        if record and replay:
            raise _usage("--record and --replay", "use one of them, not both")
        cwd = Path.cwd()
        from .archetype import find_site

        settings = resolve(find_site(cwd), os.environ, {
            "model": model, "base_url": base_url, "kind": kind, "max_attempts": max_attempts,
            "concurrency": concurrency})
        options = workflow.NewOptions(arxiv=arxiv_id, cwd=cwd, archetype=archetype, slug=slug, output=output,
                                      force=force, record=record, replay=replay, prompts=prompts)
        if dry_run:
            run = workflow.Run(options, settings)
            _print_plan(run.plan())
            return
        display = progress.for_stream(sys.stderr)
        try:
            run = workflow.Run(options, settings, on_event=display)
            result = run.execute()
        finally:
            display.close()
    except DrafterError as error:
        _fail(error)
    draft = result.draft
    filled = sum(1 for o in draft.outcomes if o.action == "filled")
    usage = draft.usage
    typer.echo(f"Wrote {result.path}", err=True)
    typer.echo(f"{filled} section(s) filled, {draft.attempts} request(s), "
               f"{usage.prompt_tokens} tokens in ({usage.cached_tokens} cached), {usage.completion_tokens} out", err=True)
    if draft.failed:
        from .errors import SectionsFailed

        error = SectionsFailed(str(result.path), {o.label: [str(f) for f in o.findings] for o in draft.failed})
        for outcome in draft.failed:
            for finding in outcome.findings:
                typer.echo(f"  {outcome.label}: {finding}", err=True)
        _fail(error)


def _print_plan(planned) -> None:
    total = 0
    for request in planned:
        total += request.estimated_tokens
        typer.echo(f"=== {request.label} (~{request.estimated_tokens} input tokens)")
        for role, content in request.messages:
            typer.echo(f"--- {role}")
            typer.echo(content.rstrip("\n"))
    typer.echo(f"=== {len(planned)} request(s), ~{total} input tokens before any re-ask (estimate: 4 characters a token)")


def _usage(option: str, problem: str) -> DrafterError:
    from .errors import ConfigError

    return ConfigError(option, problem)


@app.command()
def check(
    draft: Annotated[Path, typer.Argument(help="The draft to check.")],
    archetype: Annotated[Optional[Path], typer.Option(help="Archetype to check against (default: the site's, else drafter's).")] = None,
    kind: Annotated[str, typer.Option(help="Archetype kind to look up in the site's archetypes/.")] = "model",
) -> None:
    """Validate a draft against its archetype; print path:line: rule: message for each finding.

    Exits 0 when clean, 1 with findings, 2 on bad input. Example: drafter check content/posts/lora.md
    """
    from .workflow import check_file

    try:
        findings = check_file(draft, Path.cwd(), archetype, kind)
    except DrafterError as error:
        _fail(error)
    for finding in findings:
        typer.echo(f"{draft}:{finding.line}: {finding.rule}: {finding.message}")
    if findings:
        raise typer.Exit(1)


def main() -> None:
    """Run the drafter command line."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
