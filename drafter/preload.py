"""What a process does as it starts, from its command line alone: import the openai SDK in a background thread when
the run will call a model, and pause the garbage collector while start-up makes objects that are never garbage.

The SDK takes 0.3-0.7 s to import. Started as the process starts, its import overlaps option parsing, the
settings, the archetype and the arXiv request instead of delaying the first model request by that much.
`--help`, `check`, `--dry-run` and `--replay` call no model and never import it.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Sequence

MODEL_COMMANDS = frozenset({"new", "regen"})
NO_MODEL_OPTIONS = frozenset({"--help", "-h", "--dry-run", "--replay"})
# Commands that read a few files and end within a second, holding little: the collector stays off for their whole
# run, since its passes over the ~300 modules they import (~8 ms of a `check`) find nothing to free.
SHORT_COMMANDS = frozenset({"check", "sections", "archetype", "init", "cache"})

_started: threading.Thread | None = None


def calls_model(arguments: Sequence[str]) -> bool:
    """Tell whether the command line `arguments` (without the program name) runs a command that asks a model."""
    if not arguments or arguments[0] not in MODEL_COMMANDS:
        return False
    return not any(argument.split("=", 1)[0] in NO_MODEL_OPTIONS for argument in arguments[1:])


def _import_sdk() -> None:
    try:
        import openai  # noqa: F401
    except Exception:  # noqa: BLE001 - the client's own import meets the same error and reports it
        pass
    finally:
        # Everything made so far (the SDK's modules and classes, drafter's and typer's) lives as long as the process:
        # moved out of the collector's generations, it is never scanned again. Left in them, the first collection
        # after the pause scanned all of it, ~50 ms just before the first request.
        gc.freeze()
        gc.enable()


def start(arguments: Sequence[str]) -> threading.Thread | None:
    """Import the SDK in a daemon thread if `arguments` will call a model; return the thread (None if not needed)."""
    global _started
    if arguments and arguments[0] in SHORT_COMMANDS:
        gc.disable()
    if _started is None and calls_model(arguments):
        # The start-up imports (the SDK's pydantic models above all) make few cycles but many objects, so
        # the collector's passes over them are wasted: ~40 ms of CPU, paused until the SDK is in (then frozen).
        gc.disable()
        _started = threading.Thread(target=_import_sdk, name="drafter-import-openai", daemon=True)
        _started.start()
    return _started


def exit_now(code: int | str | None) -> None:
    """End the process with `code` as `sys.exit` would, after flushing the output, without interpreter teardown."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach the user anyway
            pass
    os._exit(code or 0)
