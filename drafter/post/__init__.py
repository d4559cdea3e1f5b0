"""A post's text: the one Markdown scanner, the byte-exact split into parts, and what counts as a placeholder."""
