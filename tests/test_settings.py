"""Settings: which source wins, what each value becomes, and the exact message for each wrong value.

Written against the mutants that survived the suite (tools/mutation.py): every error names where the value
came from (the drafter.toml key, the variable or the flag) and what is wanted, so the messages are asserted
whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.chat.cost import Price
from drafter.errors import ConfigError
from drafter.settings import Settings, flag_name, read_config, resolve


@pytest.mark.parametrize("flags, message", [
    ({"max_attempts": 0}, "--max-attempts: must be at least 1, got 0"),
    ({"concurrency": 0}, "--concurrency: must be a whole number between 1 and 64, got 0"),
    ({"concurrency": 65}, "--concurrency: must be a whole number between 1 and 64, got 65"),
    ({"max_cost": 0.0}, "--max-cost: must be a positive number of USD, got 0.0"),
    ({"max_cost": -1}, "--max-cost: must be a positive number of USD, got -1.0"),
    ({"max_tokens": 0}, "--max-tokens: must be a positive number of tokens, got 0"),
    ({"grounding": "maybe"}, "--grounding: must be one of error, warn, off, got 'maybe'"),
    ({"renderer": "jinja"}, "--renderer: must be one of auto, hugo, builtin, got 'jinja'"),
    ({"max_attempts": "3"}, "--max-attempts: must be a whole number, got '3'"),
    ({"max_attempts": True}, "--max-attempts: must be a whole number, got True"),
    ({"max_cost": "cheap"}, "--max-cost: must be a number, got 'cheap'"),
    ({"model": 4}, "--model: must be a string, got 4"),
    ({"section": "../etc"}, "--section: must be a single path segment such as 'posts' (no '/', '\\', '..' or "
                            "surrounding spaces), got '../etc'"),
    ({"section": "."}, "--section: must be a single path segment such as 'posts' (no '/', '\\', '..' or "
                       "surrounding spaces), got '.'"),
    ({"kind": "a/b"}, "--kind: must be a single path segment such as 'model' (no '/', '\\', '..' or "
                      "surrounding spaces), got 'a/b'"),
    ({"slug_like": "x"}, "--slug-like: unknown setting 'slug_like'"),
])
def test_a_wrong_flag_is_named_with_what_is_wanted(flags, message):
    with pytest.raises(ConfigError) as error:
        resolve(None, {}, flags)
    assert str(error.value) == message


@pytest.mark.parametrize("flags, field, value", [
    ({"max_attempts": 1}, "max_attempts", 1),
    ({"concurrency": 1}, "concurrency", 1),
    ({"concurrency": 64}, "concurrency", 64),
    ({"max_cost": 1}, "max_cost", 1.0),
    ({"max_tokens": 1}, "max_tokens", 1),
    ({"read_timeout": 0.5}, "read_timeout", 0.5),
    ({"grounding": "warn"}, "grounding", "warn"),
    ({"renderer": "builtin"}, "renderer", "builtin"),
    ({"log": "run.jsonl"}, "log", Path("run.jsonl")),
    ({"prompts_dir": "my-prompts"}, "prompts_dir", Path("my-prompts")),
    ({"model": None}, "model", Settings().model),  # a flag left out does not count
])
def test_a_good_flag_becomes_the_settings_value(flags, field, value):
    settings = resolve(None, {}, flags)
    assert getattr(settings, field) == value
    assert type(getattr(settings, field)) is type(value)


def test_later_sources_win_and_empty_variables_count_as_unset(tmp_path):
    (tmp_path / "drafter.toml").write_text('model = "from-file"\nbase_url = "http://file/v1"\nkind = "paper"\n', encoding="utf-8")
    environ = {"DRAFTER_MODEL": "from-env", "OPENAI_BASE_URL": "", "OPENAI_API_KEY": "sk-x", "DRAFTER_ARXIV_API": "http://arxiv/api"}
    settings = resolve(tmp_path, environ, {"model": "from-flag"})
    assert (settings.model, settings.base_url, settings.kind) == ("from-flag", "http://file/v1", "paper")
    assert (settings.api_key, settings.arxiv_api) == ("sk-x", "http://arxiv/api")
    assert resolve(tmp_path, environ, {}).model == "from-env"
    assert resolve(None, {}, {}) == Settings()


@pytest.mark.parametrize("toml, message", [
    ('concurrency = "4"\n', "concurrency: must be a whole number, got '4' (write it as concurrency = 4)"),
    ("max_cost = true\n", "max_cost: must be a number, got True (write it as max_cost = 2.5)"),
    ("model = 3\n", 'model: must be a string, got 3 (write it as model = "text")'),
    ("title_from_name = 1\n", "title_from_name: must be true or false, got 1 (write it as title_from_name = false)"),
    ("read_timeout = 0\n", "read_timeout: must be a positive number of seconds, got 0.0"),
    ("run_code_timeout = -5\n", "run_code_timeout: must be a positive number of seconds, got -5.0"),
    ("connect_timeout = 0.0\n", "connect_timeout: must be a positive number of seconds, got 0.0"),
    ("prompts_dir = 3\n", "prompts_dir: must be a folder path (a string), got 3"),
    ('prompts_dir = "nope"\n', "prompts_dir: {site}/nope is not a folder; name a folder of prompt templates (relative to "
                               "the site), or remove the key"),
])
def test_a_wrong_value_in_drafter_toml_names_the_file_and_key(tmp_path, toml, message):
    (tmp_path / "drafter.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        resolve(tmp_path, {}, {})
    assert str(error.value) == f"{tmp_path / 'drafter.toml'}: {message.format(site=tmp_path.resolve())}"


def test_drafter_toml_that_is_unreadable_or_unknown_is_refused(tmp_path):
    path = tmp_path / "drafter.toml"
    path.write_text("model = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        read_config(tmp_path)
    assert str(error.value).startswith(f"{path}: cannot be read as TOML (")
    path.write_text('modle = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        read_config(tmp_path)
    assert str(error.value).startswith(f"{path}: unknown setting 'modle'; valid settings are arxiv_api, base_url, concurrency, ")


def test_drafter_toml_values_prices_prompts_and_bom(tmp_path):
    """A byte-order mark is allowed, prices are parsed, prompts_dir is relative to the site."""
    (tmp_path / "my-prompts").mkdir()
    (tmp_path / "drafter.toml").write_bytes(
        '\ufeffprompts_dir = "my-prompts"\nmodel = "épée"\n[prices."m"]\ninput = 1\noutput = 4\n'.encode("utf-8"))
    data = read_config(tmp_path)
    assert data == {"prompts_dir": (tmp_path / "my-prompts").resolve(), "model": "épée", "prices": {"m": Price(1.0, 1.0, 4.0)}}
    assert resolve(tmp_path, {}, {}).prices == {"m": Price(1.0, 1.0, 4.0)}
    assert read_config(None) == {} and read_config(tmp_path / "nowhere") == {}


def test_flag_names():
    assert [flag_name(name) for name in ("max_attempts", "model", "run_code_timeout")] == [
        "--max-attempts", "--model", "--run-code-timeout"]


def test_the_repr_masks_a_key_and_shows_its_absence():
    assert "'api_key': '***'" in repr(Settings(api_key="sk-1")) and "sk-1" not in repr(Settings(api_key="sk-1"))
    assert "'api_key': None" in repr(Settings())
