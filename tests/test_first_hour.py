"""The first hour of real use (issue 10): settings errors, paths that escape the site, corrupt drafts,
help, init. Each table row is an input, the exit code, the message's key words and what is on disk after."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli import app

runner = CliRunner()


def drafter(*args: str):
    """Run the CLI in-process; return the result (exit_code, stdout, stderr)."""
    return runner.invoke(app, list(args))


def make_site(root: Path, drafter_toml: str | None = None) -> Path:
    """A Hugo site folder, with a drafter.toml when given."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Test blog"\n', encoding="utf-8")
    if drafter_toml is not None:
        (root / "drafter.toml").write_text(drafter_toml, encoding="utf-8")
    return root


def files_under(root: Path) -> set[str]:
    """Every file below `root`, relative, for 'what is on disk afterwards'."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


# -- item 6: every settings error names its source and the type wanted --------------------------

@pytest.mark.parametrize(("toml", "flags", "words"), [
    ('concurrency = "many"\n', [], ["drafter.toml: concurrency", "must be a whole number", "'many'", "concurrency = 4"]),
    ('concurrency = "4"\n', [], ["drafter.toml: concurrency", "must be a whole number", "'4'"]),
    ("concurrency = 0\n", [], ["drafter.toml: concurrency", "between 1 and 64", "got 0"]),
    ("max_tokens = true\n", [], ["drafter.toml: max_tokens", "must be a whole number", "True"]),
    ("max_cost = -1\n", [], ["drafter.toml: max_cost", "positive number of USD"]),
    ('max_cost = "0.05"\n', [], ["drafter.toml: max_cost", "must be a number", "'0.05'"]),
    ("section = 4\n", [], ["drafter.toml: section", "must be a string", "got 4", "section = \"text\""]),
    ("read_timeout = 0\n", [], ["drafter.toml: read_timeout", "positive number of seconds"]),
    ('grounding = "strict"\n', [], ["drafter.toml: grounding", "error, warn, off", "'strict'"]),
    ("max_attempts = 0\n", [], ["drafter.toml: max_attempts", "at least 1"]),
    ("", ["--concurrency", "0"], ["--concurrency", "between 1 and 64"]),
    ("", ["--max-attempts", "0"], ["--max-attempts", "at least 1"]),
    ("concurrency = 8\n", ["--concurrency", "99"], ["--concurrency", "got 99"]),  # the flag won, so the flag is blamed
    ("concurrency = 0\n", ["--concurrency", "8"], None),  # the flag overrides the bad file value: no error
])
def test_settings_errors_name_their_source_and_type(env, tmp_path, monkeypatch, toml, flags, words):
    """Regression: `concurrency = "many"` said `settings: invalid literal for int()`, `concurrency = 0` blamed
    `--concurrency` though no flag was passed, and `max_tokens = true` silently became 1."""
    site = make_site(tmp_path / "blog", toml or None)
    monkeypatch.chdir(site)
    result = drafter("new", "1706.03762", "--dry-run", *flags)
    if words is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert line.startswith("Error: ") and "\n" not in line
    for word in words:
        assert word in line
    if "drafter.toml" in words[0]:
        assert str(site / "drafter.toml") in line
    assert files_under(site) == {"hugo.toml", "drafter.toml"} - ({"drafter.toml"} if not toml else set())


@pytest.mark.parametrize("command", [["sections", "x.md"], ["check", "x.md", "--offline"], ["regen", "x.md", "--failed"]])
def test_every_command_reports_a_bad_file_value_against_the_file(env, tmp_path, monkeypatch, command):
    site = make_site(tmp_path / "blog", "concurrency = true\n")
    (site / "x.md").write_text("---\ntitle: x\n---\n# x\n", encoding="utf-8")
    monkeypatch.chdir(site)
    result = drafter(*command)
    assert result.exit_code == 2, result.output
    assert f"Error: {site / 'drafter.toml'}: concurrency: must be a whole number, got True" in result.stderr


# -- item 3: a slug and a section are single path segments -----------------------------------------

@pytest.mark.parametrize(("args", "toml", "words"), [
    (["--slug", "../../../x"], None, ["--slug", "single path segment", "'../../../x'"]),
    (["--slug", "a/b"], None, ["--slug", "single path segment"]),
    (["--slug", ".."], None, ["--slug", "single path segment"]),
    (["--slug", ""], None, ["--slug", "single path segment"]),
    (["--section", "/abs/path"], None, ["--section", "single path segment", "'/abs/path'"]),
    (["--section", "../../outside"], None, ["--section", "single path segment"]),
    (["--section", "a\\b"], None, ["--section", "single path segment"]),
    ([], 'section = "../up"\n', ["drafter.toml: section", "single path segment"]),
    (["--kind", "../../etc/passwd"], None, ["--kind", "single path segment"]),
    (["--prompts", "nosuchdir"], None, ["--prompts:", "nosuchdir is not a folder", "leave --prompts out"]),
    ([], 'prompts_dir = "nope"\n', ["drafter.toml: prompts_dir:", "nope is not a folder"]),
])
def test_slug_and_section_cannot_leave_the_site(env, tmp_path, monkeypatch, model_server, arxiv_server, args, toml, words):
    """Regression: `--slug ../../../x` and `--section /abs/path` wrote the draft outside the site; a mistyped
    --prompts or prompts_dir was skipped without a word (drafter's own prompts used, exit 0)."""
    site = make_site(tmp_path / "root" / "a" / "b" / "blog", toml)
    monkeypatch.chdir(site)
    before = files_under(tmp_path)
    result = drafter("new", "1706.03762", *args)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert line.startswith("Error: ") and "\n" not in line
    for word in words:
        assert word in line
    assert model_server.completions == [] and arxiv_server.requests == []  # refused before any request
    assert files_under(tmp_path) == before


# -- item 5: front matter that does not parse, and a byte-order mark ----------------------------

TAPE = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"


@pytest.fixture
def demo_draft(tmp_path, monkeypatch) -> Path:
    """The shipped cassette's draft, written outside any site."""
    monkeypatch.chdir(tmp_path)
    result = drafter("new", "1706.03762", "--replay", str(TAPE), "-o", "transformer.md")
    assert result.exit_code == 0, result.output
    return tmp_path / "transformer.md"


BROKEN = {  # what the writer did to the front matter -> the file line YAML stops at and its reason
    "an unbalanced quote": (lambda t: t.replace('title: "Transformer"', 'title: "Transformer', 1), 5, "expected <block end>, but found '<scalar>'"),
    "a tab indent": (lambda t: t.replace("\ndraft: true", "\n\tdraft: true", 1), None, "found character '\\t'"),
    "an unclosed list": (lambda t: t.replace("tags: [", "tags: [[", 1) if "tags: [" in t else t.replace("\ndraft: true", "\ntags: [a, b\ndraft: true", 1), None, "expected ',' or ']'"),
}


@pytest.mark.parametrize("command", [["check", "--offline"], ["check"], ["regen", "--failed"], ["regen", "introduction"]])
@pytest.mark.parametrize("name", BROKEN)
def test_front_matter_that_does_not_parse_is_named_with_its_line(demo_draft, no_network, command, name):
    """Regression: check and regen reported a YAML syntax error as "has no arxiv: key ... not a drafter draft"."""
    edit, line, reason = BROKEN[name]
    broken = edit(demo_draft.read_text(encoding="utf-8"))
    demo_draft.write_text(broken, encoding="utf-8")
    result = drafter(command[0], str(demo_draft), *command[1:])
    output = result.stdout + result.stderr
    assert "arxiv: key" not in output and "not a drafter draft" not in output
    assert "front matter does not parse" in output and reason in output, output
    if line is not None:
        assert f"{demo_draft}:{line}:" in output or f"transformer.md:{line}:" in output
    expected_exit = 1 if command == ["check", "--offline"] else 2  # --offline: a finding; else no paper to ground in
    assert result.exit_code == expected_exit, output
    assert demo_draft.read_text(encoding="utf-8") == broken  # nothing written
    assert not (demo_draft.parent / "transformer.md.bak").exists()


@pytest.mark.parametrize("command", [["check", "--offline"], ["sections"], ["regen", "--failed"]])
def test_a_draft_with_a_byte_order_mark_is_the_same_draft(demo_draft, no_network, command):
    """Regression: a draft saved with a UTF-8 BOM had "no front matter" and "no arxiv: key"."""
    clean = demo_draft.read_bytes()
    demo_draft.write_bytes(b"\xef\xbb\xbf" + clean)
    result = drafter(command[0], str(demo_draft), *command[1:])
    assert result.exit_code == 0, result.output
    assert "front matter" not in result.output and "arxiv" not in result.output
    assert demo_draft.read_bytes() == b"\xef\xbb\xbf" + clean


@pytest.mark.parametrize(("args", "line"), [
    (["new", "1706.03762", "--concurrency", "abc"],
     "Error: Invalid value for '--concurrency': 'abc' is not a valid int; see `drafter new -h`"),  # typer 0.28's words
    (["new"], "Error: Missing argument 'ARXIV_ID'; see `drafter new -h`"),
    (["check"], "Error: Missing argument 'DRAFT'; see `drafter check -h`"),
    (["regen", "x.md", "--bogus"], "Error: No such option: --bogus; see `drafter regen -h`"),
    (["new", "1706.03762", "extra"], "Error: Got unexpected extra argument(s) (extra); see `drafter new -h`"),
    (["frob"], "Error: No such command 'frob'; see `drafter -h`"),
    (["cache", "frob"], "Error: No such command 'frob'; see `drafter cache -h`"),
    (["--bogus"], "Error: No such option: --bogus; see `drafter -h`"),
], ids=["a value of the wrong type", "a missing argument", "a missing argument named as usage shows it",
        "an unknown option", "an extra argument", "an unknown command", "an unknown subcommand", "an unknown global option"])
def test_a_command_line_that_does_not_parse_is_one_line(args, line):
    """Regression: typer printed three lines (usage, a hint, the error), and named check's argument 'draft'."""
    result = runner.invoke(app, args, prog_name="drafter")
    assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (2, [line], "")


@pytest.mark.parametrize("args", [[], ["archetype"], ["cache"]])
def test_a_group_without_a_command_still_shows_its_help(args):
    result = runner.invoke(app, args, prog_name="drafter")
    assert result.exit_code == 2 and "Usage: drafter" in result.output and "Commands" in result.output


REGEN_TAPE = Path(__file__).resolve().parents[1] / "cassettes" / "regen-1706.03762.yaml"


@pytest.mark.parametrize(("toml", "env_model"), [
    ('source = "abstract"\n', None),
    ('model = "llama3.1"\nsource = "abstract"\n', "other-model"),
], ids=["the site shows the abstract", "the site and the environment name other models"])
def test_the_shipped_replay_works_whatever_the_site_says(env, tmp_path, monkeypatch, no_network, toml, env_model):
    """Regression: in a site whose drafter.toml says source = "abstract", the README's offline demo failed with
    a replay miss: a replay took the recorded model but not the recorded source."""
    site = make_site(tmp_path / "blog", toml)
    monkeypatch.chdir(site)
    if env_model:
        monkeypatch.setenv("DRAFTER_MODEL", env_model)
    result = drafter("new", "1706.03762", "--replay", str(TAPE), "-o", "demo.md")
    assert result.exit_code == 0, result.output
    assert "source" not in result.stderr


@pytest.mark.parametrize(("command", "message"), [
    (["new", "1706.03762v7", "--replay", str(REGEN_TAPE), "-o", "x.md"],
     f"Error: cassette {REGEN_TAPE}: was recorded by drafter regen, not drafter new; replay it with drafter regen"),
    (["new", "1706.03762", "--replay", str(REGEN_TAPE), "-o", "x.md"],
     f"Error: cassette {REGEN_TAPE}: was recorded by drafter regen, not drafter new; replay it with drafter regen"),
    (["new", "2106.09685", "--replay", str(TAPE), "-o", "x.md"],
     f"Error: cassette {TAPE}: was recorded for 1706.03762, not 2106.09685; replay it with the ID 1706.03762"),
], ids=["a regen cassette given to new", "...under the ID regen recorded", "another paper's cassette"])
def test_a_cassette_for_another_command_or_paper_says_how_to_replay_it(env, tmp_path, monkeypatch, no_network,
                                                                        command, message):
    """Regression: a regen cassette given to `new` said "was recorded for 1706.03762v7, not 1706.03762"; doing as
    told then failed on a missing facts exchange, since cassettes did not say which command made them."""
    monkeypatch.chdir(tmp_path)
    result = drafter(*command)
    assert (result.exit_code, result.stderr.strip()) == (2, message)
    assert not (tmp_path / "x.md").exists()


# -- item 13: help a person can read --------------------------------------------------------------

COMMANDS = [["new"], ["check"], ["regen"], ["batch"], ["sections"], ["archetype", "show"], ["archetype", "inspect"], ["cache", "clear"], ["init"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_has_examples_and_plain_usage(command):
    """Regression: usage lines read `{ARXIV_ID}`, `[[SECTION]...]...`, options `<str>` and `<list[str]>`; no examples."""
    result = drafter(*command, "--help")
    assert result.exit_code == 0, result.output
    assert drafter(*command, "-h").stdout == result.stdout
    examples = result.stdout.split("Examples:", 1)[1].split("\n\n")[0]
    lines = [line for line in examples.splitlines() if line.strip()]
    # Each example runs this very command (`cd site && drafter init` counts; another command's example does not).
    assert 2 <= len(lines) <= 3 and [line for line in lines if f"drafter {' '.join(command)}" not in line] == []
    usage = result.stdout.splitlines()[0]
    for raw in ("{", "}", "[[", "]]"):
        assert raw not in usage
    for raw in ("<str>", "<path>", "<int>", "<float>", "list[", "<bool>", "<text>"):
        assert raw not in result.stdout


@pytest.mark.parametrize(("command", "words"), [
    (["new"], ["OPENAI_API_KEY", "OPENAI_BASE_URL", "--base-url http://localhost", "--replay cassettes/", "Usage: drafter new [OPTIONS] ARXIV_ID\n"]),
    (["regen"], ["--base-url http://localhost", "--replay cassettes/", "Usage: drafter regen [OPTIONS] DRAFT [SECTION]...\n"]),
    (["check"], ["Usage: drafter check [OPTIONS] DRAFT\n", "--offline"]),
    ([], ["--version", "-h, --help", "drafter new 2106.09685"]),
])
def test_help_names_the_environment_and_offline_use(command, words):
    result = runner.invoke(app, [*command, "--help"], prog_name="drafter")
    for word in words:
        assert word in result.stdout


def test_top_level_help_cuts_no_description_and_version_works():
    """Regression: `drafter --help` cut descriptions with "..."; `--version` and `-h` were unknown options."""
    listing = drafter("-h").stdout.split("Commands:")[1]
    assert "..." not in listing and len(listing.strip().splitlines()) >= 6
    version = drafter("--version")
    assert version.exit_code == 0 and version.stdout.startswith("drafter 0.")


# -- item 11: a site of one's own -----------------------------------------------------------------

BUILTIN = Path(__file__).resolve().parents[1] / "drafter" / "archetypes" / "model.md"


@pytest.mark.parametrize(("before", "exit_code", "words", "after"), [
    ({}, 0, ["Wrote", "archetypes/model.md", "drafter.toml", "Edit its author"], {"archetypes/model.md": "builtin", "drafter.toml": "commented"}),
    ({"archetypes/model.md": "mine\n"}, 0, ["Kept", "never overwrites", "Wrote"], {"archetypes/model.md": "mine\n", "drafter.toml": "commented"}),
    ({"drafter.toml": 'model = "x"\n'}, 0, ["Kept", "Wrote"], {"archetypes/model.md": "builtin", "drafter.toml": 'model = "x"\n'}),
    ({"archetypes/model.md": "mine\n", "drafter.toml": ""}, 2, ["already has archetypes/model.md and drafter.toml"], {"archetypes/model.md": "mine\n", "drafter.toml": ""}),
])
def test_init_copies_the_archetype_and_writes_settings_overwriting_nothing(tmp_path, monkeypatch, before, exit_code, words, after):
    import tomllib

    site = make_site(tmp_path / "blog")
    for relative, text in before.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
    (site / "content").mkdir()
    monkeypatch.chdir(site / "content")  # from inside the site, as from its root
    result = drafter("init")
    assert result.exit_code == exit_code, result.output
    for word in words:
        assert word in result.stderr
    assert files_under(site) == {"hugo.toml", *after}
    for relative, expected in after.items():
        text = (site / relative).read_text(encoding="utf-8")
        if expected == "builtin":
            assert (site / relative).read_bytes() == BUILTIN.read_bytes()
        elif expected == "commented":
            assert tomllib.loads(text) == {}  # every setting is shown at its default, commented out
            assert all(f"# {key} = " in text for key in ("model", "base_url", "concurrency", "title_from_name"))
        else:
            assert text == expected


def every_setting() -> list[str]:
    from drafter import settings

    return sorted(settings._FILE_KEYS)


@pytest.mark.parametrize("key", every_setting())
def test_every_drafter_toml_setting_is_in_inits_file_and_the_readme(key):
    """Regression: the settings are listed in three places (Settings, init's drafter.toml, the README's table) and
    had drifted: init's file, said to list every setting, lacked source, max_source_tokens and arxiv_api, and the
    README's table lacked grounding, prompts_dir and run_code_timeout."""
    from drafter.siteinit import CONFIG_TEXT

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| setting | flag | environment | `drafter.toml` | default |"):]
    table = table[:table.index("\n\n")]
    listed = f'[prices."' if key == "prices" else f"{key} ="
    assert f"# {listed}" in CONFIG_TEXT
    assert re.search(rf"`{re.escape(key if key != 'prices' else '[prices.')}", table)


def test_inits_drafter_toml_shows_the_defaults(tmp_path):
    """Each setting line of init's file, uncommented, is valid and is the default, as its first line promises
    (bar the budgets and prompts_dir, whose lines show an example: they have no default value)."""
    from drafter import settings
    from drafter.siteinit import CONFIG_TEXT

    head = CONFIG_TEXT[:CONFIG_TEXT.index("# [prices.")]
    lines = [line[2:].split("  #")[0].rstrip() for line in head.splitlines() if re.match(r"# [a-z_]+ = ", line)]
    examples = [line for line in lines if line.split(" =")[0] in ("max_tokens", "max_cost", "prompts_dir")]
    assert len(examples) == 3
    (tmp_path / "drafter.toml").write_text("\n".join(set(lines) - set(examples)) + "\n", encoding="utf-8")
    assert settings.resolve(tmp_path, {}, {}) == settings.Settings()


def test_init_outside_a_site_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = drafter("init")
    assert result.exit_code == 2 and "is not inside a Hugo site" in result.stderr and "drafter init" in result.stderr
    assert files_under(tmp_path) == set()


@pytest.mark.parametrize(("where", "noted"), [("site without archetypes", True), ("site after drafter init", False), ("no site", False)])
def test_the_builtin_archetype_in_a_site_is_named_once(env, tmp_path, monkeypatch, where, noted):
    root = tmp_path / "blog"
    if where == "no site":
        root.mkdir()
    else:
        make_site(root)
    monkeypatch.chdir(root)
    if where == "site after drafter init":
        assert drafter("init").exit_code == 0
    result = drafter("new", "1706.03762", "-o", "t.md")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "built-in" in line]
    assert len(notes) == (1 if noted else 0)
    if noted:
        assert "drafter init" in notes[0]


@pytest.mark.parametrize(("name", "slug", "toml", "title", "noted"), [
    ("LoRA", "lora", None, "LoRA", True),                         # "Lora" from the slug -> the paper's "LoRA"
    ("ResNet-50", "resnet-50", None, "ResNet-50", True),          # "Resnet 50" -> "ResNet-50"
    ("LoRA", "lora", "title_from_name = false\n", "Lora", False),  # turned off: the archetype's title stays
    ("Transformer", "transformer", None, "Transformer", False),   # already the name: nothing to say
])
def test_a_title_that_is_only_the_slug_is_written_as_the_paper_writes_the_name(env, tmp_path, monkeypatch, model_server, name, slug, toml, title, noted):
    import yaml

    site = make_site(tmp_path / "blog", toml)
    monkeypatch.chdir(site)
    from answers import Author

    model_server.responder = Author(facts={"name": name, "tagline": "low-rank adaptation", "kind": "method", "slug": slug})
    result = drafter("new", "1706.03762")
    path = site / "content" / "posts" / f"{slug}.md"
    assert path.is_file(), result.output
    assert yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])["title"] == title
    assert (f"title: {name!r}, as the paper writes the name" in result.stderr) is noted


@pytest.mark.parametrize(("output", "replaced"), [("lora.md", "Lora"), ("lora-x/index.md", "Lora X")],
                         ids=["a single file", "a page bundle's index.md"])
def test_the_retitle_note_names_the_title_it_replaced(env, tmp_path, monkeypatch, model_server, output, replaced):
    """Regression: for a page bundle the note said "not the file name's 'Index'" (it took the file's own name)."""
    from answers import Author

    monkeypatch.chdir(tmp_path)
    model_server.responder = Author(facts={"name": "LoRA", "tagline": "low-rank adaptation", "kind": "method", "slug": "lora"})
    result = drafter("new", "1706.03762", "-o", output)
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("title: ")]
    assert notes == [f"title: 'LoRA', as the paper writes the name, not the file name's {replaced!r} "
                     "(title_from_name = false in drafter.toml keeps it)"]


@pytest.mark.parametrize(("front_matter", "base_name", "name", "expected"), [
    ('---\ntitle: "Lora"\n---\n', "lora", "LoRA", '---\ntitle: "LoRA"\n---\n'),
    ("---\ntitle: Resnet 50\n---\n", "resnet-50", "ResNet-50", '---\ntitle: "ResNet-50"\n---\n'),
    ("+++\ntitle = 'Lora'\n+++\n", "lora", "LoRA", "+++\ntitle = 'LoRA'\n+++\n"),
    ('{\n  "title": "Lora",\n  "draft": true\n}\n', "lora", "LoRA", '{\n  "title": "LoRA",\n  "draft": true\n}\n'),
    ('---\ntitle: "lora"\n---\n', "lora", "LoRA", None),         # the slug as it is: the archetype's choice
    ('---\ntitle: "My LoRA notes"\n---\n', "lora", "LoRA", None),  # the writer's own title
    ('---\ntitle: "Lora"\n---\n', "lora", "Lora", None),         # already the name
    ('---\ntitle: "Lora"\n---\n', "lora", 'Lo"RA', '---\ntitle: "Lo\\"RA"\n---\n'),
])
def test_retitle_replaces_only_the_title_cased_slug(front_matter, base_name, name, expected):
    from drafter.facts import retitle

    assert retitle(front_matter, base_name, name) == expected


# -- item 2: --record never overwrites, --log appends ----------------------------------------------

@pytest.mark.parametrize(("command", "existing", "force", "exit_code", "words", "kept"), [
    (["new", "1706.03762", "-o", "t.md"], "old cassette\n", False, 2, ["cassette rec.yaml: already exists", "--force"], True),
    (["new", "1706.03762", "-o", "t.md"], "old cassette\n", True, 0, ["Wrote"], False),
    (["new", "1706.03762", "-o", "t.md"], None, False, 0, ["Wrote"], False),
    (["regen", "draft.md", "conclusion"], "---\ntitle: my draft\n---\n", False, 2, ["cassette rec.yaml: already exists"], True),
])
def test_record_refuses_an_existing_file_without_force(env, tmp_path, model_server, command, existing, force, exit_code, words, kept):
    """Regression: `--record FILE` silently replaced an existing file, even a draft."""
    work = Path.cwd()
    if command[0] == "regen":
        assert drafter("new", "1706.03762", "-o", "draft.md").exit_code == 0
    if existing is not None:
        (work / "rec.yaml").write_text(existing, encoding="utf-8")
    sent = len(model_server.received)
    result = drafter(*command, "--record", "rec.yaml", *(["--force"] if force else []))
    assert result.exit_code == exit_code, result.output
    for word in words:
        assert word in result.stderr
    if kept:
        assert (work / "rec.yaml").read_text(encoding="utf-8") == existing
        assert len(model_server.received) == sent  # refused before any request
        assert not (work / "t.md").exists()
    else:
        assert (work / "rec.yaml").read_text(encoding="utf-8").startswith("# drafter cassette")


def test_log_appends_to_an_existing_file(env, tmp_path):
    """Regression: `--log FILE` truncated the file, losing an earlier run's log."""
    import json

    log = Path("run.jsonl")
    log.write_text('{"earlier": "run"}\n', encoding="utf-8")
    assert drafter("new", "1706.03762", "-o", "a.md", "--log", str(log)).exit_code == 0
    assert drafter("new", "1706.03762", "-o", "b.md", "--log", str(log), "--no-cache").exit_code == 0
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"earlier": "run"} and len(lines) == 1 + 15 + 15


# -- item 1: Ctrl-C while requests are in flight ---------------------------------------------------

HANGING = ("## Conclusion", "## Applications", "## Training Details", "## Implementation")  # 4 of the 14 sections


def interrupt(command: list[str], environment: dict[str, str], cwd: Path, ready) -> tuple[int, str, float]:
    """Start drafter, wait until `ready()`, press Ctrl-C twice; return the exit code, stderr and seconds to exit."""
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen([sys.executable, "-m", "drafter", *command], env={**environment, "PYTHONUNBUFFERED": "1"},
                               cwd=cwd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    while not ready() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    time.sleep(0.2)  # the requests are in flight: the server holds them
    pressed = time.monotonic()
    process.send_signal(signal.SIGINT)
    time.sleep(0.1)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # a second Ctrl-C while it winds down must not print a traceback
    try:
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    return process.returncode, stderr, time.monotonic() - pressed


def hanging_server():
    """The local server answering at once, except 4 sections that it holds for 60 s."""
    from answers import Author
    from fakeopenai import FakeOpenAI

    server = FakeOpenAI(Author())
    for heading in HANGING:
        server.fail_next("timeout", delay=60, only_label=heading)
    return server


@pytest.mark.parametrize(("options", "words", "answers_cached", "on_disk"), [
    ([], ["interrupted; 11 finished answer(s) are kept in the cache", "does not pay for them"], 11, set()),
    (["--no-cache"], ["interrupted; nothing is kept: --no-cache bypasses the answer cache"], 0, set()),
    (["--record", "rec.yaml"], ["interrupted; nothing is kept: --record bypasses the answer cache", "rec.yaml"], 0, {"rec.yaml"}),
])
def test_ctrl_c_during_the_wave_exits_130_at_once(env, tmp_path, options, words, answers_cached, on_disk):
    """Regression: after Ctrl-C the process waited for every request in flight (up to read_timeout), printed
    `connection failed ([Errno 9] Bad file descriptor); retrying` per request, and a second Ctrl-C a traceback."""
    import yaml

    with hanging_server() as server:
        environment = {**__import__("os").environ, "OPENAI_BASE_URL": server.base_url}
        code, stderr, seconds = interrupt(["new", "1706.03762", "-o", "t.md", *options], environment, Path.cwd(),
                                          lambda: len(server.completions) >= 11 and len(server.received) >= 15)
    assert code == 130, stderr
    assert seconds < 2, f"took {seconds:.1f} s to exit"
    assert "Traceback" not in stderr and "retrying" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("Error: interrupted; ")
    for word in words:
        assert word in last
    assert files_under(Path.cwd()) == on_disk  # no draft, not even half of one
    cache = Path(env["DRAFTER_CACHE_DIR"]) / "answers"
    assert len(list(cache.glob("*/*.json"))) == answers_cached  # the count said is the count kept
    if "rec.yaml" in on_disk:
        recorded = yaml.safe_load((Path.cwd() / "rec.yaml").read_text(encoding="utf-8"))
        assert len(recorded["exchanges"]) == 11  # the answers that came, saved


def test_ctrl_c_during_regen_leaves_the_draft_unchanged(env, tmp_path, demo_draft):
    before = demo_draft.read_bytes()
    with hanging_server() as server:
        environment = {**__import__("os").environ, "OPENAI_BASE_URL": server.base_url}
        code, stderr, seconds = interrupt(["regen", str(demo_draft), "introduction", "conclusion"], environment, tmp_path,
                                          lambda: len(server.received) >= 2)
    assert code == 130 and seconds < 2, stderr
    assert "Traceback" not in stderr
    assert f"Error: interrupted; {demo_draft} is unchanged; 1 finished answer(s) are kept in the cache" in stderr
    assert demo_draft.read_bytes() == before
    assert {f for f in files_under(tmp_path) if not f.startswith(".answer-cache/")} == {"transformer.md"}  # no .bak


def test_ctrl_c_during_check_exits_130(env, tmp_path, demo_draft):
    """check waits for arXiv (a server that accepts the connection and never answers)."""
    import socket

    import shutil
    import threading

    shutil.rmtree(Path(env["DRAFTER_CACHE_DIR"]) / "arxiv")  # the paper is not kept yet: check must fetch it
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(silent.accept()[0]), daemon=True).start()
    environment = {**__import__("os").environ, "DRAFTER_ARXIV_API": f"http://127.0.0.1:{silent.getsockname()[1]}/api/query"}
    try:
        code, stderr, seconds = interrupt(["check", str(demo_draft)], environment, tmp_path, lambda: bool(held))
    finally:
        for connection in held:
            connection.close()
        silent.close()
    assert code == 130 and seconds < 2, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == "Error: interrupted; the check stopped; nothing was changed"


# A Ctrl-C is pressed, from the child itself, the moment the named module starts to load: deterministic,
# where a timed signal would land anywhere. SIGINT is set to Python's default first, as a terminal leaves it
# (a test runner started in the background inherits it ignored).
INTERRUPT_ON_IMPORT = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
module = sys.argv[1]
class PressCtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == module:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, PressCtrlC())
sys.argv = ["drafter", *sys.argv[2:]]
from drafter.__main__ import main
main()
"""


@pytest.mark.parametrize(("module", "command", "message"), [
    ("typer", ["new", "1706.03762", "-o", "draft.md"], "Error: interrupted; nothing was started"),
    # --dry-run: a run that asks a model imports the SDK, pydantic with it, in a thread from the start
    ("pydantic", ["new", "1706.03762", "--dry-run"], "Error: interrupted; no file is left half-written"),
    ("drafter.commands.new", ["new", "1706.03762", "-o", "draft.md"], "Error: interrupted; no file is left half-written"),
    ("drafter.commands.check", ["check", "draft.md"], "Error: interrupted; no file is left half-written"),
    ("drafter.siteinit", ["init"], "Error: interrupted; no file is left half-written"),
], ids=["loading the CLI", "typer parsing options", "new loading its modules", "check loading its modules",
        "init, which has no handler of its own"])
def test_ctrl_c_before_a_command_handles_it_is_one_line(env, tmp_path, module, command, message):
    """Regression: a Ctrl-C in the first ~150 ms printed a 20-line KeyboardInterrupt traceback (while the CLI
    loaded) or exited 130 without a word (while typer parsed options or a command loaded its modules)."""
    import subprocess
    import sys

    if module == "pydantic" and "pydantic" not in subprocess.run([sys.executable, "-c", TYPER_LOADS], capture_output=True,
                                                                 text=True, check=True).stdout.split():
        pytest.skip("this typer parses options without loading pydantic")
    folder = tmp_path / "empty"
    folder.mkdir()
    done = subprocess.run([sys.executable, "-c", INTERRUPT_ON_IMPORT, module, *command], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.splitlines()) == (130, [message])
    assert list(folder.iterdir()) == []


TYPER_LOADS = """
import sys, typer
app = typer.Typer()
@app.command()
def one(name: str) -> None: pass
@app.command()
def two() -> None: pass
app(["one", "x"], standalone_mode=False)
print(*sys.modules)
"""


# -- item 4: a cassette is checked when it loads -------------------------------------------------

def _cut_in_last_answer(text: str) -> str:
    return text[: text.rindex("content: |") + 200]


def _edit(change):
    def edited(text: str) -> str:
        import yaml

        data = yaml.safe_load(text)
        change(data)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return edited


DAMAGE = {  # what happened to the cassette -> the words of the one-line error
    "cut inside its last answer": (_cut_in_last_answer, ["exchange 15 (Further Reading) has no finish_reason", "cut short"]),
    # Cut at a line end two thirds in (the cassette holds the paper's text once, so a byte offset can land in a key).
    "cut mid-file": (lambda t: t[: t.rfind("\n", 0, len(t) * 2 // 3) + 1], ["exchange", "has no", "record it again"]),
    "an answer that is null": (_edit(lambda d: d["exchanges"][-1]["response"].update(content=None)),
                               ["exchange 15 (Further Reading) has no answer text (content is None)"]),
    "an answer cut at max_tokens": (_edit(lambda d: d["exchanges"][3]["response"].update(finish_reason="length")),
                                    ["exchange 4", "has finish_reason 'length': the answer is not complete"]),
    "usage without prompt_tokens": (_edit(lambda d: d["exchanges"][0]["response"]["usage"].pop("prompt_tokens")),
                                    ["exchange 1 (facts) has no usage prompt_tokens"]),
    "a newer format": (_edit(lambda d: d.update(drafter_cassette=2)), ["is of format 2; this drafter reads format 1"]),
    "an exchange left out": (_edit(lambda d: d["exchanges"].pop(5)), ["holds 14 of its 15 exchanges", "cut short"]),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cassette_is_refused_when_it_loads(tmp_path, monkeypatch, no_network, damage):
    """Regression: a cassette cut inside its last answer replayed with exit 0 and a shortened section; a `null`
    answer ended in a 90-line AttributeError traceback; a cut mid-file accepted a half-written section."""
    change, words = DAMAGE[damage]
    monkeypatch.chdir(tmp_path)
    tape = tmp_path / "damaged.yaml"
    tape.write_text(change(TAPE.read_text(encoding="utf-8")), encoding="utf-8")
    result = drafter("new", "1706.03762", "--replay", str(tape), "-o", "t.md")
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith(f"Error: cassette {tape}: ")
    for word in words:
        assert word in line
    assert files_under(tmp_path) == {"damaged.yaml"}  # no draft, not even a shortened one


# -- item 10: replays ask nothing and cost nothing; regen can be tried offline -------------------

REGEN_TAPE = TAPE.with_name("regen-1706.03762.yaml")


@pytest.mark.parametrize(("args", "words", "absent"), [
    (["--dry-run"], ["=== facts", "=== 15 request(s)"], ["Error"]),                 # the cassette's arXiv answer
    (["-o", "t.md"], ["replayed: no cost"], ["$", "cost unknown", "at test-model prices"]),
])
def test_a_replay_needs_no_network_and_reports_no_cost(tmp_path, monkeypatch, no_network, args, words, absent):
    """Regression: `--dry-run --replay` called arXiv; a replay reported a cost it never paid."""
    monkeypatch.chdir(tmp_path)
    result = drafter("new", "1706.03762", "--replay", str(TAPE), *args)
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.output
    for word in absent:
        assert word not in result.output


def test_the_shipped_regen_cassette_replays_the_readme_command_offline(demo_draft, no_network):
    """The README's offline regen: `drafter regen demo.md conclusion --replay cassettes/regen-1706.03762.yaml`."""
    before = demo_draft.read_text(encoding="utf-8")
    result = drafter("regen", str(demo_draft), "conclusion", "--replay", str(REGEN_TAPE))
    assert result.exit_code == 0, result.output
    assert f"Rewrote Conclusion in {demo_draft}" in result.stderr
    after = demo_draft.read_text(encoding="utf-8")
    assert "In short: attention alone carries the model" in after and after != before
    assert (demo_draft.parent / "transformer.md.bak").read_text(encoding="utf-8") == before


def test_the_shipped_regen_cassette_is_current(tmp_path):
    """The regen cassette equals a fresh recording (re-record with python tests/make_cassettes.py)."""
    from make_cassettes import record_regen

    fresh = tmp_path / "fresh.yaml"
    record_regen("1706.03762", fresh)
    assert fresh.read_text(encoding="utf-8") == REGEN_TAPE.read_text(encoding="utf-8"), "run: python tests/make_cassettes.py"
