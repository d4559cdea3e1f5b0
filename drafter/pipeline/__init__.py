"""Turning a paper and a rendered archetype into a draft: pure message builders, the re-ask loop, the fill."""
