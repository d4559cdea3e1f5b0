"""`drafter init`: make drafter's archetype and settings a Hugo site's own files, to edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .hugo.archetypes import default_archetype
from .hugo.site import find_site
from .errors import InputFileError
from .files import write_atomic
from .settings import CONFIG_FILE

ARCHETYPE = Path("archetypes") / "model.md"

# Every setting drafter.toml may hold, commented out at its default, so the file documents itself.
CONFIG_TEXT = '''\
# drafter's settings for this site. Each line shows the default; uncomment one to change it.
# Later sources win: this file, then the environment (DRAFTER_MODEL, OPENAI_BASE_URL), then flags.
# The API key is never kept here: export OPENAI_API_KEY.

# model = "gpt-4.1-mini"                       # --model, DRAFTER_MODEL
# base_url = "https://api.openai.com/v1"       # --base-url, OPENAI_BASE_URL (Ollama: http://localhost:11434/v1)
# kind = "model"                               # --kind: the archetype looked up in archetypes/ (archetypes/model.md)
# section = "posts"                            # --section: drafts go to content/<section>/<slug>.md
# renderer = "auto"                            # --renderer: hugo, builtin, or auto (hugo when on PATH)
# max_attempts = 3                             # --max-attempts: asks per section before keeping the archetype's text
# concurrency = 16                             # --concurrency: sections asked at once (1 to 64)
# grounding = "error"                          # --grounding: numbers the paper doesn't state: error, warn or off
# title_from_name = true                       # a title that is only the title-cased slug ("Lora") becomes the
#                                              # model's name as the paper writes it ("LoRA"); false keeps it
# connect_timeout = 10                         # seconds
# read_timeout = 120                           # seconds
# run_code_timeout = 60                        # --run-code: seconds the Implementation's code may run
# max_tokens = 40000                           # --max-tokens: no limit unless set
# max_cost = 0.05                              # --max-cost: US dollars; no limit unless set
# prompts_dir = ".drafter/prompts"             # prompt templates overriding drafter's by name (the folder must exist)
# source = "full"                              # --source: the model is shown the paper's full text, or the abstract
# max_source_tokens = 10000                    # the paper's text in each prompt, cut past this (appendix first)
# arxiv_api = "https://export.arxiv.org/api/query"   # DRAFTER_ARXIV_API: a mirror or a local stand-in

# [prices."gpt-4.1-mini"]                      # USD per 1M tokens, for models drafter has no price for
# input = 0.40
# cached_input = 0.10
# output = 1.60
# batch_discount = 0.5                         # the share a batch job pays (drafter batch); 1 is list price
'''


@dataclass
class InitResult:
    """What `drafter init` wrote and what it left because it was already there."""

    site: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def initialise(cwd: Path) -> InitResult:
    """Copy the built-in archetype to <site>/archetypes/model.md and write a commented drafter.toml; overwrite nothing."""
    site = find_site(cwd)
    if site is None:
        raise InputFileError(str(cwd), "is not inside a Hugo site (no hugo.toml, hugo.yaml, hugo.json or config.* here "
                                       "or above); run drafter init in your site's folder")
    result = InitResult(site)
    for relative, data in ((ARCHETYPE, default_archetype().read_bytes()), (Path(CONFIG_FILE), CONFIG_TEXT.encode("utf-8"))):
        target = site / relative
        if target.exists():
            result.kept.append(target)
            continue
        try:
            write_atomic(target, data, overwrite=False)
        except FileExistsError:  # appeared meanwhile
            result.kept.append(target)
            continue
        except OSError as error:
            raise InputFileError(str(target), f"cannot be written ({error.strerror or error}); check the folder's permissions") from None
        result.written.append(target)
    return result
