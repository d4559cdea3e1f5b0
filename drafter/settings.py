"""Settings resolved once: defaults, then the site's drafter.toml, then the environment, then flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .arxiv import DEFAULT_API as DEFAULT_ARXIV_API
from .chat.cost import Price, parse_prices
from .errors import ConfigError
from .files import unreadable
from .grounding_mode import MODES as GROUNDING_MODES

CONFIG_FILE = "drafter.toml"
DEFAULT_MODEL = "gpt-4.1-mini"
OPENAI_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, from wherever it was set."""

    model: str = DEFAULT_MODEL
    base_url: str = OPENAI_BASE_URL
    api_key: str | None = None
    arxiv_api: str = DEFAULT_ARXIV_API
    kind: str = "model"
    section: str = "posts"
    renderer: str = "auto"  # how the archetype is rendered: "hugo", "builtin", or "auto" (hugo when usable)
    prompts_dir: Path | None = None
    max_attempts: int = 3
    concurrency: int = 16  # every section of a wave at once, up to 16
    source: str = "full"  # what the model is shown: "full" (the paper's text, else the abstract) or "abstract"
    max_source_tokens: int = 10_000  # the paper's text in the shared prompt: fits a 16k context with the answer
    grounding: str = "error"  # numbers the paper doesn't state: "error" re-asks, "warn" reports, "off" allows
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    run_code_timeout: float = 60.0  # --run-code: seconds the Implementation's code may run
    max_cost: float | None = None  # USD a run may spend; None: no limit
    max_tokens: int | None = None  # tokens (in + out) a run may use; None: no limit
    prices: Mapping[str, Price] = field(default_factory=dict)  # drafter.toml's [prices."model"] tables
    log: Path | None = None  # --log FILE: one JSON line per request (a flag only)
    # A title rendered as the title-cased slug ("Lora") becomes the model's name as the paper writes it ("LoRA").
    title_from_name: bool = True

    def __repr__(self) -> str:  # never show the key in a traceback or log
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["api_key"] = "***" if self.api_key else None
        return f"Settings({shown})"


_ENVIRONMENT = {
    "DRAFTER_MODEL": "model",
    "OPENAI_BASE_URL": "base_url",
    "OPENAI_API_KEY": "api_key",
    "DRAFTER_ARXIV_API": "arxiv_api",
}
_FILE_KEYS = {"model", "base_url", "arxiv_api", "kind", "section", "renderer", "prompts_dir", "max_attempts",
              "concurrency", "connect_timeout", "read_timeout", "run_code_timeout", "grounding", "max_cost", "max_tokens", "prices",
              "title_from_name", "source", "max_source_tokens"}


def read_config(site: Path | None) -> dict[str, Any]:
    """Return the settings in `<site>/drafter.toml`, if there is one (values as the file holds them)."""
    if site is None or not (site / CONFIG_FILE).is_file():
        return {}
    import tomllib  # only for a site with a drafter.toml

    path = site / CONFIG_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), f"cannot be read: {unreadable(error)}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), f"cannot be read as TOML ({error}); fix it there (drafter init's file shows "
                                     "each setting's form)") from None
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise ConfigError(str(path), f"unknown setting {unknown[0]!r}; valid settings are {', '.join(sorted(_FILE_KEYS))}")
    if "prompts_dir" in data:
        if not isinstance(data["prompts_dir"], str):
            raise ConfigError(f"{path}: prompts_dir", f"must be a folder path (a string), got {data['prompts_dir']!r}")
        data["prompts_dir"] = (site / data["prompts_dir"]).resolve()
        if not data["prompts_dir"].is_dir():
            raise ConfigError(f"{path}: prompts_dir", f"{data['prompts_dir']} is not a folder; name a folder of prompt "
                                                      "templates (relative to the site), or remove the key")
    if "prices" in data:
        data["prices"] = parse_prices(data["prices"], str(path))
    return data


def flag_name(name: str) -> str:
    """The command-line flag of a setting: max_attempts -> --max-attempts."""
    return "--" + name.replace("_", "-")


def resolve(site: Path | None, environ: Mapping[str, str], flags: Mapping[str, Any]) -> Settings:
    """Merge the four sources, later ones winning; flags set to None count as not given.

    Every value keeps the name of where it came from (`<site>/drafter.toml: key`, the environment
    variable, or the flag), so a wrong value is reported against the place the user can fix.
    """
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    config_path = site / CONFIG_FILE if site is not None else None
    for name, value in read_config(site).items():
        merged[name], origin[name] = value, f"{config_path}: {name}"
    for var, name in _ENVIRONMENT.items():
        if environ.get(var):
            merged[name], origin[name] = environ[var], var
    for name, value in flags.items():
        if value is not None:
            merged[name], origin[name] = value, flag_name(name)
    values = {name: _coerce(name, value, origin[name]) for name, value in merged.items()}
    for name, value in values.items():
        _check_range(name, value, origin[name])
    return replace(Settings(), **values)


# What each typed setting must be, said to the user, and how drafter.toml writes one.
_EXPECTED = {
    "int": ("a whole number", "{name} = 4"),
    "float": ("a number", "{name} = 2.5"),
    "str": ("a string", '{name} = "text"'),
    "bool": ("true or false", "{name} = false"),
}
_CHOICES = {"grounding": GROUNDING_MODES, "renderer": ("auto", "hugo", "builtin"), "source": ("full", "abstract")}
_KINDS = {f.name: f.type.replace(" | None", "") for f in fields(Settings)}


def _coerce(name: str, value: Any, origin: str) -> Any:
    """`value` as the setting's type; any other type is an error naming `origin` and the type wanted.

    Nothing is converted: `concurrency = "4"` or `max_tokens = true` in drafter.toml is a mistake to
    report, not a value to guess at (bool is an int to Python, so `true` used to become 1).
    """
    if name == "prices":
        return value
    if name in ("prompts_dir", "log"):
        return Path(value)
    kind = _KINDS.get(name)
    if kind is None:
        raise ConfigError(origin, f"unknown setting {name!r}")
    if kind not in _EXPECTED:
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "bool" and isinstance(value, bool):
        return value
    expected, example = _EXPECTED[kind]
    hint = f" (write it as {example.format(name=name)})" if origin.endswith(f": {name}") else ""
    raise ConfigError(origin, f"must be {expected}, got {value!r}{hint}")


def _check_range(name: str, value: Any, origin: str) -> None:
    """The limits of the settings that have them, reported against where the value was set."""
    if name == "max_attempts" and value < 1:
        raise ConfigError(origin, f"must be at least 1, got {value}")
    if name == "concurrency" and not 1 <= value <= 64:
        raise ConfigError(origin, f"must be a whole number between 1 and 64, got {value}")
    if name == "max_source_tokens" and value < 500:
        raise ConfigError(origin, f"must be at least 500 tokens (the abstract alone is about 300), got {value}")
    if name in ("max_cost", "max_tokens") and value <= 0:
        unit = "USD" if name == "max_cost" else "tokens"
        raise ConfigError(origin, f"must be a positive number of {unit}, got {value}")
    if name in ("connect_timeout", "read_timeout", "run_code_timeout") and value <= 0:
        raise ConfigError(origin, f"must be a positive number of seconds, got {value}")
    if name in ("section", "kind"):
        check_path_segment(value, origin, "posts" if name == "section" else "model")
    if name in _CHOICES and value not in _CHOICES[name]:
        raise ConfigError(origin, f"must be one of {', '.join(_CHOICES[name])}, got {value!r}")


def check_path_segment(value: str, origin: str, example: str) -> None:
    """Refuse a slug, section or kind that is not one plain file-name segment (`../x`, `/abs`, `a/b`), so no write leaves the site."""
    if not value or value in (".", "..") or "/" in value or "\\" in value or "\0" in value or value != value.strip():
        raise ConfigError(origin, f"must be a single path segment such as {example!r} (no '/', '\\', '..' or "
                                  f"surrounding spaces), got {value!r}")
