"""drafter: turn an arXiv ID into a first draft of a Hugo model-explainer post."""

__version__ = "0.1.0"
