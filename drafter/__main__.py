"""The `drafter` command's entry point, also run by `python -m drafter`.

It imports nothing heavy itself, so a Ctrl-C while the CLI's modules load ends in one line, not a traceback.
"""

import sys


def main() -> None:
    """Start importing the SDK if a model will be asked, then run the command line."""
    try:
        from .preload import start

        start(sys.argv[1:])  # before the CLI's own imports: a run that will call a model imports the SDK meanwhile
        from .cli import main as run
    except KeyboardInterrupt:
        from .errors import Interrupted

        sys.stderr.write(f"Error: {Interrupted('nothing was started')}\n")
        raise SystemExit(Interrupted.exit_code) from None
    run()


if __name__ == "__main__":
    main()
