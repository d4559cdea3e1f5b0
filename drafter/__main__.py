"""Run drafter as `python -m drafter`."""

import sys

from .preload import start

start(sys.argv[1:])  # before the CLI's own imports: a run that will call a model imports the SDK meanwhile

from .cli import main  # noqa: E402

main()
