"""The validator's rules, one concern per module; the pipeline and `drafter check` compose them.

`section` judges one answer against its skeleton, `document` a whole draft against the archetype; the rules
live in `headings`, `content`, `chatter`, `safety`, `integrity`, `render` (what Hugo renders otherwise than
meant), `toc` and `front_matter`. Findings and rule ids are `drafter.findings`'.
"""

from .document import check_document
from .section import validate_section

__all__ = ["check_document", "validate_section"]
