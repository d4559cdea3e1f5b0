"""The command line: parse options, call the library, turn DrafterError into `Error: <one line>` and an exit code."""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__
from .errors import DrafterError, Interrupted


class Command(TyperCommand):
    """typer's command with plain help: `DRAFT [SECTION]...` in usage lines, PATH/TEXT/N for values.

    typer 0.29 writes a required argument as `{draft}`, a list as `[[SECTION]...]...` and every value as
    its Python type (`<str>`, `<list[str]>`); a user reads neither.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.param_type_name == "option" and not getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = _metavar(param)
            elif param.param_type_name == "argument" and param.metavar is None:
                param.metavar = param.name.upper()  # "Missing argument 'DRAFT'", as the usage line names it

    def parse_args(self, ctx, args):
        """Parse the options and arguments; a line that does not parse is one `Error:` line, exit 2."""
        with _usage_in_one_line(ctx):
            return super().parse_args(ctx, args)

    def collect_usage_pieces(self, ctx):
        """[OPTIONS] then each argument as DRAFT, [SECTION]..."""
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [argument_name(p) for p in self.get_params(ctx) if p.param_type_name == "argument"]

    def format_options(self, ctx, formatter) -> None:
        """The Arguments and Options sections, without Python type names."""
        arguments = [(argument_name(p), p.help or "") for p in self.get_params(ctx) if p.param_type_name == "argument"]
        options = [record for p in self.get_params(ctx) if p.param_type_name == "option"
                   for record in [p.get_help_record(ctx)] if record is not None]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def argument_name(param) -> str:
    """An argument as a usage line shows it: NAME when required, [NAME] when not, ... when it repeats."""
    name = param.metavar or param.name.upper()
    name = name if param.required else f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


def _metavar(param) -> str:
    """A placeholder for an option's value: PATH, N, NUMBER or TEXT, never a Python type name."""
    display_type = getattr(param, "display_type", None)  # typer 0.29 names the Python type, 0.28 click's
    label = display_type(None).strip("<>") if display_type else param.type.name
    return {"path": "PATH", "int": "N", "integer": "N", "float": "NUMBER"}.get(label, "TEXT")


class Group(TyperGroup):
    """The command group: a Ctrl-C that no command turned into its own message still ends in one line.

    Before a command's handler is in place (typer parsing the options, modules loading) or in a command
    without one, typer would exit 130 without a word; this gives `Error: interrupted; ...` instead.
    """

    def parse_args(self, ctx, args):
        """Parse the group's options."""
        with _interrupt_in_one_line(), _usage_in_one_line(ctx):
            return super().parse_args(ctx, args)

    def resolve_command(self, ctx, args):
        """The command named first; an unknown one is one `Error:` line, exit 2."""
        with _usage_in_one_line(ctx):
            return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        """Run the command."""
        with _interrupt_in_one_line():
            return super().invoke(ctx)


# click's UsageError, whichever click typer uses: typer 0.29 carries its own copy (typer._click), older ones
# use the click package; typer.BadParameter is public in both and derives from it.
_USAGE_ERROR = next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "UsageError")


@contextmanager
def _usage_in_one_line(ctx):
    """click's usage errors as `Error: <problem>; see `drafter new -h``, where click prints the usage and a hint too."""
    try:
        yield
    except _USAGE_ERROR as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # `drafter archetype` alone: the help is the answer
            raise
        from .errors import CommandLineError

        _fail(CommandLineError(error.format_message(), ctx.command_path))


@contextmanager
def _interrupt_in_one_line():
    try:
        yield
    except KeyboardInterrupt:
        # True of every command: drafter writes each file in one step (files.write_atomic).
        _fail(Interrupted("no file is left half-written"))


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"drafter {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Turn an arXiv ID into a first draft of a Hugo model-explainer post.\n\n"
         "\b\nExamples:\n"
         "  drafter new 2106.09685                        # in a Hugo site: content/posts/lora.md\n"
         "  drafter new 1706.03762 --replay cassettes/1706.03762.yaml -o demo.md   # offline\n"
         "  drafter check content/posts/lora.md\n\n"
         "Run `drafter COMMAND -h` for a command's options and examples.",
)


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                                help="Print drafter's version and exit.")] = False) -> None:
    """Turn an arXiv ID into a first draft of a Hugo model-explainer post."""


# Options shared by the commands that talk to the model, declared once.
ModelOption = Annotated[Optional[str], typer.Option("--model", metavar="NAME", help="Chat model [env: DRAFTER_MODEL; default: gpt-4.1-mini].")]
BaseUrlOption = Annotated[Optional[str], typer.Option("--base-url", metavar="URL", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 [env: OPENAI_BASE_URL].")]
MaxAttemptsOption = Annotated[Optional[int], typer.Option("--max-attempts", help="Attempts per section before giving up on it [default: 3].")]
PromptsOption = Annotated[Optional[Path], typer.Option("--prompts", metavar="DIR", help="Folder of prompt templates that override drafter's by name.")]
RecordOption = Annotated[Optional[Path], typer.Option("--record", metavar="FILE", help="Record the arXiv response and every model exchange to this cassette.")]
ReplayOption = Annotated[Optional[Path], typer.Option("--replay", metavar="FILE", help="Answer from this cassette instead of the network.")]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Ask the model even for answers already in the cache.")]
SourceOption = Annotated[Optional[str], typer.Option("--source", help="What the model is shown: full (the paper's text from arXiv, else the abstract) or abstract [default: full].")]
GroundingOption = Annotated[Optional[str], typer.Option("--grounding", help="Numbers the paper doesn't state: error (re-ask), warn (report) or off [default: error].")]
KindOption = Annotated[Optional[str], typer.Option("--kind", metavar="NAME", help="Archetype kind to look up in the site's archetypes/ [default: model].")]


@contextmanager
def ctrl_c(kept: str):
    """Turn the first Ctrl-C into KeyboardInterrupt (then `Error: interrupted; <kept>`, exit 130) and ignore
    every later one, so pressing it again while the run winds down prints no traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    received = []

    def first(signum, frame) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        received.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    except KeyboardInterrupt:  # not caught below: the library turns one during a run into Interrupted
        _fail(Interrupted(kept))
    finally:
        if not received:
            signal.signal(signal.SIGINT, previous)


def _fail(error: DrafterError) -> None:
    typer.echo(f"Error: {error}", err=True)
    raise typer.Exit(error.exit_code)


@app.command(cls=Command, short_help="Write a first draft of a post about an arXiv paper.")
def new(
    arxiv_id: Annotated[str, typer.Argument(metavar="ARXIV_ID", help="2106.09685, 2106.09685v2, arXiv:…, hep-th/9901001 or an arxiv.org URL.")],
    archetype: Annotated[Optional[Path], typer.Option(help="Archetype file to use instead of the site's or drafter's own.")] = None,
    kind: KindOption = None,
    section: Annotated[Optional[str], typer.Option(metavar="NAME", help="Content section the post goes in: content/<section>/ [default: posts].")] = None,
    renderer: Annotated[Optional[str], typer.Option(help="Render the archetype with hugo, builtin, or auto (hugo when on PATH in a site) [default: auto].")] = None,
    slug: Annotated[Optional[str], typer.Option(metavar="SLUG", help="File name of the post (default: from the model's name, e.g. lora).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the draft here instead of <site>/content/posts/<slug>.md.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file at the output path, or an existing --record file.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Fetch the paper and print the requests with token estimates; call no model.")] = False,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    max_attempts: MaxAttemptsOption = None,
    concurrency: Annotated[Optional[int], typer.Option(help="Sections asked at once [default: 16].")] = None,
    prompts: PromptsOption = None,
    record: RecordOption = None,
    replay: ReplayOption = None,
    no_cache: NoCacheOption = False,
    grounding: GroundingOption = None,
    source: SourceOption = None,
    max_cost: Annotated[Optional[float], typer.Option("--max-cost", metavar="USD", help="Stop asking before a request could take the run past this many US dollars.")] = None,
    max_tokens: Annotated[Optional[int], typer.Option("--max-tokens", metavar="N", help="Stop asking before a request could take the run past N tokens (in + out).")] = None,
    log: Annotated[Optional[Path], typer.Option("--log", metavar="FILE", help="Write one JSON line per model request (times, status, tokens) to FILE.")] = None,
    run_code: Annotated[bool, typer.Option("--run-code", help="Run the draft's Implementation code once written (needs torch; no network, time limit).")] = False,
) -> None:
    """Write a first draft of a post about an arXiv paper.

    Fetches the paper from arXiv, asks the model for every section of the archetype, validates each
    answer and writes content/<section>/<slug>.md in the Hugo site around the current folder
    (outside a site: ./<slug>.md), never over an existing file.

    The model is any OpenAI-compatible endpoint: OPENAI_API_KEY holds the key (needed for
    api.openai.com only), OPENAI_BASE_URL or --base-url points at another server, DRAFTER_MODEL or
    --model names the model.

    \b
    Examples:
      drafter new 2106.09685                      # in a Hugo site: content/posts/lora.md
      drafter new 2106.09685 --base-url http://localhost:11434/v1 --model llama3.1
      drafter new 1706.03762 --replay cassettes/1706.03762.yaml -o demo.md   # offline
    """
    from . import progress
    from .commands.new import NewOptions, NewRun
    from .commands.session import Sources
    from .settings import check_path_segment

    with ctrl_c("nothing is written"):
        try:
            if record and replay:
                raise _option_error("--record and --replay", "use one of them, not both")
            _refuse_existing_cassette(record, force)
            if slug is not None:
                check_path_segment(slug, "--slug", "lora")
            sources = Sources(record=record, replay=replay, prompts=prompts, archetype=archetype, use_cache=not no_cache)
            options = NewOptions(arxiv=arxiv_id, cwd=Path.cwd(), sources=sources, slug=slug, output=output, force=force,
                                 run_code=run_code)
            run = NewRun(options, {
                "model": model, "base_url": base_url, "kind": kind, "section": section, "renderer": renderer,
                "max_attempts": max_attempts, "grounding": grounding, "source": source,
                "concurrency": concurrency, "max_cost": max_cost, "max_tokens": max_tokens, "log": log})
            if dry_run:
                _print_plan(run.plan())
                _print_kept(run.session)
                return
            from .chat.cost import price_for

            settings = run.settings
            price = None if replay else price_for(settings.model, settings.prices)  # a replay pays nothing
            display = progress.for_stream(sys.stderr, price)
            try:
                _note_builtin_archetype(run.session)
                result = run.execute(on_event=display)
            finally:
                display.close()
        except DrafterError as error:
            _fail(error)
    _report_new(result, price, settings.model, replayed=replay is not None)


def _report_new(result, price, model: str, *, replayed: bool) -> None:
    """What `drafter new` did, on stderr: the file, the totals, warnings and failures; exit 1 if a section failed."""
    draft = result.draft
    usage = draft.usage
    typer.echo(f"Wrote {result.path}", err=True)
    if result.retitled is not None:
        typer.echo(f"title: {result.retitled!r}, as the paper writes the name, not the file name's "
                   f"{result.replaced_title!r} (title_from_name = false in drafter.toml keeps it)", err=True)
    typer.echo(f"{len(draft.filled)} section(s) filled, {draft.attempts} request(s), "
               f"{usage.prompt_tokens} tokens in ({usage.cached_tokens} cached), {usage.completion_tokens} out, "
               f"{'replayed: no cost' if replayed else 'cost ' + _cost_note(price, usage, model)}", err=True)
    for outcome in draft.outcomes:
        for finding in outcome.warnings:
            typer.echo(f"  {outcome.label}: warning: {finding}", err=True)
    if result.code is not None:
        for note in result.code.notes:
            typer.echo(note, err=True)
        for finding in result.code.findings:
            typer.echo(f"{result.path}:{finding.line}: {finding.rule}: {finding.message}", err=True)
    if result.budget_ran_out is not None:
        for outcome in draft.failed:  # sections that failed validation before the budget ran out
            for finding in outcome.findings:
                if finding.rule != "budget":
                    typer.echo(f"  {outcome.label}: {finding}", err=True)
        _fail(result.budget_ran_out)
    if draft.failed:
        from .errors import SectionsFailed

        error = SectionsFailed(str(result.path), {o.label: [str(f) for f in o.findings] for o in draft.failed})
        for outcome in draft.failed:
            for finding in outcome.findings:
                typer.echo(f"  {outcome.label}: {finding}", err=True)
        _fail(error)
    if result.code is not None and result.code.findings:
        raise typer.Exit(1)


def _note_builtin_archetype(session) -> None:
    """Inside a site, say in one line that drafter's own archetype (another blog's front matter) is used."""
    if session.site is not None and session.located.origin == "builtin":
        typer.echo(f"note: {session.site} has no archetype for this post; using drafter's built-in one "
                   "(run `drafter init` to copy it into the site and edit it)", err=True)


def _cost_note(price, usage, model: str) -> str:
    from .chat.cost import format_cost

    if price is None:
        return f'unknown (no price for {model}; add [prices."{model}"] to drafter.toml)'
    return f"{format_cost(price.cost(usage))} at {model} prices"


def _print_kept(session) -> None:
    """--dry-run: where the paper's text came from, the sections the shared prompt holds, and what the budget cut."""
    from .commands.session import describe_text

    text = session.paper_text
    typer.echo(f"paper text: {session.full_text.note or describe_text(text)}")
    if text is not None:
        for line in text.outline():
            typer.echo(f"kept    {line}")
        for title in text.dropped:
            typer.echo(f"dropped {title}")


def _print_plan(planned) -> None:
    total = 0
    for request in planned:
        total += request.estimated_tokens
        typer.echo(f"=== {request.label} (~{request.estimated_tokens} input tokens)")
        for message in request.messages:
            typer.echo(f"--- {message.role}")
            typer.echo(message.content.rstrip("\n"))
    typer.echo(f"=== {len(planned)} request(s), ~{total} input tokens before any re-ask (estimate: 4 characters a token)")


def _refuse_existing_cassette(record: Path | None, force: bool) -> None:
    """--record never replaces a file (a cassette, or a draft named by mistake) unless --force says so."""
    if record is not None and not force and (record.exists() or record.is_symlink()):
        from .errors import CassetteError

        raise CassetteError(str(record), "already exists; pass --force to record over it, or name a new --record file")


def _option_error(option: str, problem: str) -> DrafterError:
    from .errors import ConfigError

    return ConfigError(option, problem)


@app.command(cls=Command, short_help="Validate a draft: path:line: rule: message per finding.")
def check(
    draft: Annotated[Path, typer.Argument(help="The draft to check.")],
    archetype: Annotated[Optional[Path], typer.Option(help="Archetype to check against (default: the site's, else drafter's).")] = None,
    kind: Annotated[Optional[str], typer.Option(help="Archetype kind to look up in the site's archetypes/ [default: the site's drafter.toml kind, else model].")] = None,
    output_format: Annotated[str, typer.Option("--format", help="text (path:line: rule: message) or json (a list of {path, line, rule, message, severity}).")] = "text",
    offline: Annotated[bool, typer.Option("--offline", help="Skip grounding: no paper needed, no network.")] = False,
    grounding: Annotated[Optional[str], typer.Option(help="Numbers the paper doesn't state: error (fail the check), warn (print only) or off [default: error].")] = None,
    run_code: Annotated[bool, typer.Option("--run-code", help="Run the Implementation section's Python (needs torch; no network, time limit).")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Also print, for every number, where the paper states it (section and sentence); json: {findings, evidence}.")] = False,
    source: SourceOption = None,
) -> None:
    """Validate a draft against its archetype; print path:line: rule: message for each finding.

    Grounding reads the paper of the draft's arxiv: key (fetched once, then cached on disk).
    Exits 0 when clean, 1 with findings, 2 on bad input.

    \b
    Examples:
      drafter check content/posts/lora.md
      drafter check content/posts/lora.md --offline --format json   # no network
      drafter check content/posts/lora.md --run-code
    """
    from .commands.check import check_draft

    with ctrl_c("the check stopped; nothing was changed"):
        try:
            if output_format not in ("text", "json"):
                raise _option_error("--format", f"must be text or json, got {output_format!r}")
            report = check_draft(draft, Path.cwd(), archetype_option=archetype, kind=kind,
                                 grounding="off" if offline else grounding, run_code=run_code, explain=explain, source=source)
        except DrafterError as error:
            _fail(error)
    for note in report.notes:
        typer.echo(note, err=True)
    if output_format == "json":
        import json

        listed = [{"path": str(draft), "line": f.line, "rule": f.rule, "message": f.message, "severity": severity}
                  for severity, group in (("error", report.findings), ("warning", report.warnings)) for f in group]
        listed.sort(key=lambda item: (item["line"], item["rule"]))
        payload = {"findings": listed, "evidence": [item.as_dict() for item in report.evidence]} if explain else listed
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for finding in report.findings:
            typer.echo(f"{draft}:{finding.line}: {finding.rule}: {finding.message}")
        for finding in report.warnings:
            typer.echo(f"{draft}:{finding.line}: {finding.rule} (warning): {finding.message}")
        for item in report.evidence:
            typer.echo(item.describe())
        if not report.findings:
            typer.echo(f"{draft}: no findings", err=True)  # stdout stays empty for tools and hooks
    if report.findings:
        raise typer.Exit(1)


archetype_app = typer.Typer(cls=Group, no_args_is_help=True, help="Show or inspect an archetype without a model or network.",
                            short_help="Show or inspect an archetype; no model, no network.")
app.add_typer(archetype_app, name="archetype")


@archetype_app.command("show", cls=Command, short_help="Print the archetype rendered as hugo new content would.")
def archetype_show(
    path: Annotated[Path, typer.Argument(help="Archetype file, or bundle archetype folder.")],
    name: Annotated[str, typer.Option(help="Slug of the post the skeleton is rendered for.")] = "my-post",
    section: Annotated[str, typer.Option(help="Content section of the post.")] = "posts",
) -> None:
    """Print the skeleton drafter would fill: the archetype rendered as `hugo new content` would.

    \b
    Examples:
      drafter archetype show archetypes/model.md --name lora
      drafter archetype show archetypes/paper --section papers   # a bundle archetype
    """
    from .commands import archetype as archetype_command

    try:
        typer.echo(archetype_command.show(path, Path.cwd(), name, section), nl=False)
    except DrafterError as error:
        _fail(error)


@archetype_app.command("inspect", cls=Command, short_help="List each section, its placeholders and who fills it.")
def archetype_inspect(
    path: Annotated[Path, typer.Argument(help="Archetype file, or bundle archetype folder.")],
    section: Annotated[str, typer.Option(help="Content section of the post.")] = "posts",
) -> None:
    """List each section, its placeholders, and who fills it: the model, drafter from metadata, or nobody.

    \b
    Examples:
      drafter archetype inspect archetypes/model.md
      drafter archetype inspect themes/PaperMod/archetypes/default.md
    """
    from .commands import archetype as archetype_command

    try:
        typer.echo(archetype_command.inspect_file(path, Path.cwd(), section), nl=False)
    except DrafterError as error:
        _fail(error)


@app.command(cls=Command, short_help="Redo single sections of a draft; every other byte stays.")
def regen(
    draft: Annotated[Path, typer.Argument(help="The draft to change.")],
    sections: Annotated[Optional[list[str]], typer.Argument(metavar="SECTION", help="Heading text (any case) or number from `drafter sections`.")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Regenerate every section that fails validation now.")] = False,
    hint: Annotated[Optional[str], typer.Option(help="An instruction for the model, e.g. \"compare with LoRA\".")] = None,
    diff: Annotated[bool, typer.Option("--diff", help="Show the change as a unified diff; write nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Record over an existing --record file.")] = False,
    arxiv_id: Annotated[Optional[str], typer.Option("--arxiv", metavar="ID", help="The paper, if the draft has no arxiv: key.")] = None,
    archetype: Annotated[Optional[Path], typer.Option(help="Archetype the draft follows (default: as drafter new finds it).")] = None,
    kind: KindOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    max_attempts: MaxAttemptsOption = None,
    prompts: PromptsOption = None,
    record: RecordOption = None,
    replay: ReplayOption = None,
    no_cache: NoCacheOption = False,
    grounding: GroundingOption = None,
    source: SourceOption = None,
) -> None:
    """Redo single sections of an existing draft; every other byte stays as it is.

    The old file is kept in <site>/.drafter/history/ (outside a site: DRAFT.bak). The model and
    endpoint are chosen as for `drafter new` (OPENAI_API_KEY, OPENAI_BASE_URL, --base-url, --model).

    \b
    Examples:
      drafter regen content/posts/lora.md "Training Details" --hint "say what the abstract reports"
      drafter regen content/posts/lora.md --failed --base-url http://localhost:11434/v1 --model llama3.1
      drafter regen demo.md conclusion --replay cassettes/regen-1706.03762.yaml --diff   # offline
    """
    from . import progress
    from .commands.regen import RegenOptions, RegenRun
    from .commands.session import Sources

    with ctrl_c(f"{draft} is unchanged"):
        try:
            if record and replay:
                raise _option_error("--record and --replay", "use one of them, not both")
            _refuse_existing_cassette(record, force)
            if not sections and not failed:
                raise _option_error("SECTION", "name at least one section (see `drafter sections DRAFT`), or pass --failed")
            sources = Sources(record=record, replay=replay, prompts=prompts, archetype=archetype, use_cache=not no_cache)
            options = RegenOptions(draft=draft, cwd=Path.cwd(), names=tuple(sections or ()), failed=failed, arxiv=arxiv_id,
                                   hint=hint, diff=diff, sources=sources)
            run = RegenRun(options, {"model": model, "base_url": base_url, "kind": kind, "max_attempts": max_attempts,
                                     "grounding": grounding, "source": source})
            display = progress.for_stream(sys.stderr)
            try:
                result = run.execute(on_event=display)
            finally:
                display.close()
        except DrafterError as error:
            _fail(error)
    if not result.outcomes:
        typer.echo(f"{draft}: no section fails validation; nothing to regenerate", err=True)
        return
    failures = result.failed
    if failures:
        from .errors import RegenFailed

        for outcome in failures:
            for finding in outcome.findings:
                typer.echo(f"  {outcome.label}: {finding}", err=True)
        _fail(RegenFailed(str(draft), {o.label: [str(f) for f in o.findings] for o in failures}))
    if diff:
        typer.echo(result.diff, nl=False)
        return
    if result.written:
        typer.echo(f"Rewrote {', '.join(o.label for o in result.outcomes)} in {draft}; the old file is in {result.backup}", err=True)
    else:
        typer.echo(f"{draft}: the new text is the same as the old; nothing written", err=True)


@app.command(cls=Command, short_help="Make drafter's archetype and settings this site's own.")
def init() -> None:
    """Copy drafter's archetype to archetypes/model.md and write a commented drafter.toml in this Hugo site.

    The built-in archetype is the model-explainer archetype of the blog drafter was made for: its front
    matter names that blog's author, canonicalURL and editPost link. After `drafter init` the copy is
    your site's own to edit; drafter new uses it from then on. Asks nothing; an existing file is kept.

    \b
    Examples:
      cd my-hugo-site && drafter init
      drafter init && drafter new 2106.09685
    """
    from .siteinit import initialise

    try:
        result = initialise(Path.cwd())
    except DrafterError as error:
        _fail(error)
    for path in result.written:
        typer.echo(f"Wrote {path}", err=True)
    for path in result.kept:
        typer.echo(f"Kept {path}: it exists, and drafter init never overwrites", err=True)
    if not result.written:
        from .errors import InputFileError

        _fail(InputFileError(str(result.site), "already has archetypes/model.md and drafter.toml; nothing written"))
    if any(path.name == "model.md" for path in result.written):
        typer.echo("Edit its author, canonicalURL and editPost for your site.", err=True)


@app.command("sections", cls=Command, short_help="List a draft's sections, numbered, with their state.")
def list_sections(
    draft: Annotated[Path, typer.Argument(help="The draft to list.")],
    archetype: Annotated[Optional[Path], typer.Option(help="Archetype the draft follows.")] = None,
    kind: KindOption = None,
) -> None:
    """List a draft's sections with their numbers and validation state, for `drafter regen`.

    \b
    Examples:
      drafter sections content/posts/lora.md
      drafter sections content/posts/lora.md --kind paper
    """
    from .commands.sections import section_states

    try:
        listing = section_states(draft, Path.cwd(), {"kind": kind}, archetype)
    except DrafterError as error:
        _fail(error)
    states = listing.states
    if not states:
        from .errors import InputFileError

        _fail(InputFileError(str(draft), "has no headings, so it has no sections to list; is it a drafter draft?"))
    for state in states:
        typer.echo(f"{state.number:>3}  {'#' * state.block.level} {state.block.title}  [{state.state}]")
    for note in listing.notes:
        typer.echo(f"note: {note}", err=True)


@app.command(cls=Command, short_help="Draft many papers through batch jobs, at the batch price.")
def batch(
    arxiv_ids: Annotated[Optional[list[str]], typer.Argument(metavar="ID", help="arXiv IDs or URLs of the papers.")] = None,
    from_file: Annotated[Optional[Path], typer.Option("--from", metavar="FILE", help="Read IDs from FILE: one ID or URL a line, # comments.")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out-dir", metavar="DIR", help="Write each draft to DIR/<slug>.md.")] = None,
    poll: Annotated[float, typer.Option("--poll", metavar="SECONDS", help="Seconds between looks at a submitted job.")] = 60.0,
    resume: Annotated[Optional[str], typer.Option("--resume", metavar="NAME", help="Go on with the batch NAME, sending nothing twice.")] = None,
    list_batches: Annotated[bool, typer.Option("--list", help="Show the batches with their rounds and states.")] = False,
    prepare: Annotated[Optional[Path], typer.Option("--prepare", metavar="FILE", help="Write the next round's requests to FILE (Batch input JSONL, for vllm run-batch) and stop.")] = None,
    results: Annotated[Optional[Path], typer.Option("--results", metavar="RESULTS", help="With --resume: read the prepared round's answers (Batch output JSONL).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing drafts.")] = False,
    archetype: Annotated[Optional[Path], typer.Option(help="Archetype file to use instead of the site's or drafter's own.")] = None,
    kind: KindOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    max_attempts: MaxAttemptsOption = None,
    prompts: PromptsOption = None,
    no_cache: NoCacheOption = False,
    grounding: GroundingOption = None,
    source: SourceOption = None,
) -> None:
    """Draft many papers through batch jobs (OpenAI's Batch API at its batch price, or files for vllm run-batch).

    \b
    Examples:
      drafter batch 1706.03762 2106.09685 --out-dir drafts/
      drafter batch --from papers.txt --base-url http://localhost:8000/v1 --prepare round.jsonl
      drafter batch --list
    """
    from .batch import command, report
    from .chat.cost import price_for

    def show(progress) -> None:
        typer.echo(report.progress_line(progress), err=True)

    hooks = command.Hooks(poll=poll, on_progress=show, on_note=lambda line: typer.echo(line, err=True))
    cwd = Path.cwd()
    try:
        if list_batches:
            for known in command.list_batches(cwd):
                typer.echo(report.listing_line(known))
            return
        if resume:
            if arxiv_ids or from_file:
                raise _option_error("--resume", "takes no IDs; the batch has its papers")
            run, ended = command.resume(resume, cwd, os.environ, hooks, results=results, prepare=prepare)
        else:
            if results:
                raise _option_error("--results", "needs --resume NAME (the batch the results belong to)")
            flags = {"model": model, "base_url": base_url, "kind": kind, "max_attempts": max_attempts, "grounding": grounding,
                     "source": source}
            options = command.BatchOptions(tuple(arxiv_ids or ()), from_file, out_dir, force, flags, prompts, archetype,
                                           not no_cache)
            run, ended = command.start(options, cwd, os.environ, hooks, prepare=prepare)
    except DrafterError as error:
        _fail(error)
    if ended.prepared is not None:
        typer.echo(report.prepared_line(ended))
        return
    for line in report.summary_lines(ended, run.settings.model, price_for(run.settings.model, run.settings.prices)):
        typer.echo(line, err=True)
    if ended.state.mode == "files":
        typer.echo(report.finished_line(ended))
    failed = {p.id: p.error for p in ended.state.papers if p.status == "failed"}
    if failed:
        from .errors import PapersFailed

        _fail(PapersFailed(failed))
    if any(p.error for p in ended.state.papers):
        raise typer.Exit(1)  # a draft kept the archetype's text in some sections, as drafter new exits


cache_app = typer.Typer(cls=Group, no_args_is_help=True, help="Manage the cache of validated answers.",
                        short_help="Manage the cache of validated answers.")
app.add_typer(cache_app, name="cache")


@cache_app.command("clear", cls=Command, short_help="Delete every cached answer.")
def cache_clear() -> None:
    """Delete every cached answer, so the next run asks the model again.

    The cache is under your user cache folder; DRAFTER_CACHE_DIR moves it.

    \b
    Examples:
      drafter cache clear
      DRAFTER_CACHE_DIR=/tmp/drafter-cache drafter cache clear
    """
    from .chat.cache import ResponseCache, default_directory

    directory = default_directory(os.environ)
    removed = ResponseCache(directory).clear()
    typer.echo(f"Removed {removed} cached answer(s) from {directory}", err=True)


def _register_only_the_named_command(arguments: list[str]) -> None:
    """Keep only the command (or group) the command line names first, if it names one: typer builds the parser of
    every registered command before it runs one, ~8 ms for drafter's ten. No command, an option first or a
    mistyped name keeps them all, so `drafter --help` and "No such command" read as before."""
    from typer.main import get_command_name

    name = arguments[0] if arguments else ""
    commands = [info for info in app.registered_commands
                if (info.name or get_command_name(info.callback.__name__)) == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if commands or groups:
        app.registered_commands, app.registered_groups = commands, groups


def main() -> None:
    """Run the drafter command line."""
    from . import preload

    arguments = sys.argv[1:]  # preload.start ran already, in drafter.__main__, before this module was imported
    _register_only_the_named_command(arguments)
    try:
        with _interrupt_in_one_line():  # typer builds the commands from their annotations first: ~10 ms
            app()
    except SystemExit as done:
        code = done.code
    except typer.Exit as done:
        code = done.exit_code
    else:
        code = 0
    # Every command has closed its files by now (a model run has joined its workers; after Ctrl-C the workers still
    # blocked in a read would be joined at exit, up to read_timeout, so leave without them), and exit_now flushes
    # the output. Skipping the interpreter's teardown saves what the user would wait for after the last line:
    # ~20 ms unloading the ~300 modules of a `check`, ~100 ms more with the SDK.
    preload.exit_now(code)


if __name__ == "__main__":  # pragma: no cover
    main()
