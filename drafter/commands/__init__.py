"""Each command's I/O edge: `new`, `regen`, `check`, `sections`, sharing one session (site, settings, paper, clients)."""
