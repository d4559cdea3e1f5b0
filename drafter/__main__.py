"""Run drafter as `python -m drafter`."""

from .cli import main

main()
