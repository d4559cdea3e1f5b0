"""A Hugo site: finding it, reading its config (hugo.toml/yaml/json, config.*, config/_default/), themes, data/."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SiteInfo:
    """What an archetype can see of the Hugo site through `.Site`."""

    title: str = ""
    base_url: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    language: str = "en"
    # Hugo's `titleCaseStyle` setting: "ap" (default), "chicago", "go", "firstupper" or "none".
    title_case_style: str = "ap"


class Params(dict):
    """Hugo's maps.Params: keys are lower-cased and looked up case-insensitively."""

    go_type = "maps.Params"

    def get(self, key: Any, default: Any = None) -> Any:
        """The value under `key` in any case."""
        return super().get(str(key).lower(), default)


def to_params(value: Any) -> Any:
    """Mappings (nested too) as Params, as Hugo holds a site's params."""
    if isinstance(value, Mapping):
        return Params((str(k).lower(), to_params(v)) for k, v in value.items())
    if isinstance(value, list):
        return [to_params(v) for v in value]
    return value


def to_plain(value: Any) -> Any:
    """Mappings (nested too) with string keys as written, as Hugo holds data/ files."""
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


CONFIG_NAMES = (
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
)


def find_site(start: Path) -> Path | None:
    """Walk up from start to the nearest directory holding a Hugo site config file."""
    current = Path(start).resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        if any((directory / name).is_file() for name in CONFIG_NAMES):
            return directory
    return None

def site_themes(site: Path) -> list[Path]:
    """The theme folders of a site's config (`theme` as a string or list, under `themesDir`), existing ones."""
    config = site_config(site)
    themes = config.get("theme") or []
    if isinstance(themes, str):
        themes = [part.strip() for part in themes.split(",") if part.strip()]
    themes_dir = Path(site) / str(config.get("themesdir") or "themes")
    return [themes_dir / str(name) for name in themes if (themes_dir / str(name)).is_dir()]

_YAML_11 = ("bool", "int", "float")


class _StringTimestampLoader:
    """Builds a PyYAML loader that keeps timestamps as text, as Hugo's YAML decoding does."""

    _loader: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._loader is None:
            import yaml

            class Loader(yaml.SafeLoader):
                pass

            # Hugo's YAML follows the 1.2 core schema: `yes`, `on`, `010` and `1:20` stay as
            # written (PyYAML's 1.1 rules would turn them into booleans and sexagesimals).
            Loader.yaml_implicit_resolvers = {
                first: [(tag, rx) for tag, rx in resolvers if tag.rsplit(":", 1)[-1] not in _YAML_11]
                for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
            }
            Loader.add_implicit_resolver(
                "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
            )
            Loader.add_implicit_resolver(
                "tag:yaml.org,2002:int",
                re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                list("-+0123456789"),
            )
            Loader.add_implicit_resolver(
                "tag:yaml.org,2002:float",
                re.compile(
                    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
                ),
                list("-+0123456789."),
            )

            def construct_int(loader: Any, node: Any) -> int:
                text = loader.construct_scalar(node)
                if text.startswith(("0o", "0x")):
                    return int(text, 0)
                return int(text, 10)

            Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
            Loader.add_constructor(
                "tag:yaml.org,2002:timestamp",
                lambda loader, node: loader.construct_scalar(node),
            )
            cls._loader = Loader
        return cls._loader


def _read_structured(path: Path) -> Any:
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8-sig")
    if suffix == ".json":
        # Go decodes every JSON number as float64, which changes how large numbers print.
        return json.loads(text, parse_int=float)
    if suffix in (".yaml", ".yml"):
        import yaml

        return yaml.load(text, Loader=_StringTimestampLoader.get())  # noqa: S506 - SafeLoader subclass
    if suffix == ".toml":
        import tomllib  # only for a TOML file: a draft outside any site never reads one

        return tomllib.loads(text)
    return None


def _data_tree(directory: Path) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    if not directory.is_dir():
        return tree
    for entry in sorted(directory.iterdir()):
        if entry.is_dir():
            sub = _data_tree(entry)
            if sub:
                existing = tree.get(entry.name)
                tree[entry.name] = {**existing, **sub} if isinstance(existing, dict) else sub
        elif entry.suffix.lower() in (".json", ".yaml", ".yml", ".toml"):
            try:
                value = _read_structured(entry)
            except Exception:  # noqa: BLE001 - one unreadable data file must not hide the others
                continue
            if value is None:
                continue
            existing = tree.get(entry.stem)
            if isinstance(existing, dict) and isinstance(value, dict):
                value = {**value, **existing}
            tree[entry.stem] = value
    return tree


def load_site_info(site: Path) -> SiteInfo:
    """Read title, baseURL, params and data/ of a Hugo site, best effort."""
    lowered = site_config(site)
    params = lowered.get("params")
    data_dir = lowered.get("datadir") or "data"
    title_style = lowered.get("titlecasestyle") or "ap"
    language = lowered.get("defaultcontentlanguage") or "en"
    return SiteInfo(
        title=str(lowered.get("title") or ""),
        base_url=str(lowered.get("baseurl") or ""),
        params=to_params(params) if isinstance(params, Mapping) else {},
        data=_data_tree(Path(site) / str(data_dir)),
        language=str(language).lower(),
        title_case_style=str(title_style),
    )


def site_config(site: Path) -> dict[str, Any]:
    """A Hugo site's configuration (root config file, then config/_default/), top-level keys lower-cased."""
    site = Path(site)
    config: dict[str, Any] = {}
    for name in CONFIG_NAMES:
        candidate = site / name
        if candidate.is_file():
            try:
                loaded = _read_structured(candidate)
            except Exception:  # noqa: BLE001 - a broken config still leaves the defaults usable
                loaded = None
            if isinstance(loaded, dict):
                config = loaded
            break
    default_dir = site / "config" / "_default"
    if default_dir.is_dir():
        for entry in sorted(default_dir.iterdir()):
            try:
                loaded = _read_structured(entry) if entry.is_file() else None
            except Exception:  # noqa: BLE001
                loaded = None
            if not isinstance(loaded, dict):
                continue
            stem = entry.stem.lower()
            if stem in ("hugo", "config"):
                config = {**loaded, **config}
            else:
                config.setdefault(stem, loaded)
    return {str(k).lower(): v for k, v in config.items()}
