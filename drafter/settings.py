"""Settings resolved once: defaults, then the site's drafter.toml, then the environment, then flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomllib

from .arxiv import DEFAULT_API as DEFAULT_ARXIV_API
from .chat.cost import Price, parse_prices
from .errors import ConfigError

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
    grounding: str = "error"  # numbers the paper doesn't state: "error" re-asks, "warn" reports, "off" allows
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    run_code_timeout: float = 60.0  # --run-code: seconds the Implementation's code may run
    max_cost: float | None = None  # USD a run may spend; None: no limit
    max_tokens: int | None = None  # tokens (in + out) a run may use; None: no limit
    prices: Mapping[str, Price] = field(default_factory=dict)  # drafter.toml's [prices."model"] tables
    log: Path | None = None  # --log FILE: one JSON line per request (a flag only)

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
              "concurrency", "connect_timeout", "read_timeout", "run_code_timeout", "grounding", "max_cost", "max_tokens", "prices"}


def read_config(site: Path | None) -> dict[str, Any]:
    """Return the settings in `<site>/drafter.toml`, if there is one."""
    if site is None or not (site / CONFIG_FILE).is_file():
        return {}
    path = site / CONFIG_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(str(path), f"cannot be read as TOML ({error})") from None
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise ConfigError(str(path), f"unknown setting {unknown[0]!r}; valid settings are {', '.join(sorted(_FILE_KEYS))}")
    if "prompts_dir" in data:
        data["prompts_dir"] = (site / str(data["prompts_dir"])).resolve()
    if "prices" in data:
        data["prices"] = parse_prices(data["prices"], str(path))
    return data


def resolve(site: Path | None, environ: Mapping[str, str], flags: Mapping[str, Any]) -> Settings:
    """Merge the four sources, later ones winning; flags set to None count as not given."""
    merged: dict[str, Any] = {}
    merged.update(read_config(site))
    merged.update({name: environ[var] for var, name in _ENVIRONMENT.items() if environ.get(var)})
    merged.update({name: value for name, value in flags.items() if value is not None})
    settings = Settings()
    try:
        settings = replace(settings, **{name: _coerce(name, value) for name, value in merged.items()})
    except (TypeError, ValueError) as error:
        raise ConfigError("settings", str(error)) from None
    if settings.max_attempts < 1:
        raise ConfigError("--max-attempts", f"must be at least 1, got {settings.max_attempts}")
    if settings.grounding not in ("error", "warn", "off"):
        raise ConfigError("--grounding", f"must be error, warn or off, got {settings.grounding!r}")
    if not 1 <= settings.concurrency <= 64:
        raise ConfigError("--concurrency", f"must be between 1 and 64, got {settings.concurrency}")
    if settings.max_cost is not None and settings.max_cost <= 0:
        raise ConfigError("--max-cost", f"must be a positive number of USD, got {settings.max_cost}")
    if settings.max_tokens is not None and settings.max_tokens <= 0:
        raise ConfigError("--max-tokens", f"must be a positive number of tokens, got {settings.max_tokens}")
    return settings


def _coerce(name: str, value: Any) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = kinds.get(name)
    if kind is None:
        raise ValueError(f"unknown setting {name!r}")
    if kind in ("int", "int | None"):
        return int(value)
    if kind in ("float", "float | None"):
        return float(value)
    if name in ("prompts_dir", "log"):
        return Path(value)
    return value
