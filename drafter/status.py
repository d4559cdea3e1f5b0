"""One vocabulary for a part of a post: what its archetype block needs, and how asking for it went."""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """The state of one part of a post, from its archetype block's needs to the end of its run."""

    # What the archetype's block needs (post.placeholders.classify, `drafter archetype inspect`).
    FILL = "fill"  # holds placeholders: the model writes it
    METADATA = "metadata"  # holds only placeholders drafter fills from the paper's metadata
    STRIP = "strip"  # only guidance comments beside real content: the comments are dropped
    KEEP = "keep"  # nothing to fill: kept verbatim
    # How asking the model for it goes (progress events) and ends (outcomes).
    ASKING = "asking"
    REJECTED = "rejected"  # an answer failed validation; asking again with the findings
    RETRYING = "retrying"  # a transport fault; the same request again after a wait
    FILLED = "filled"  # an answer passed validation
    FAILED = "failed"  # no answer passed (or the budget ran out): the archetype's text is kept
    NOTE = "note"  # a one-line note on the run (the paper's full text unavailable: the abstract alone)

    def __str__(self) -> str:
        return self.value
