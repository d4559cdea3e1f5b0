"""A post's front matter as data (YAML, TOML or JSON), and `drafter check`'s front matter rule."""

from __future__ import annotations

import json
import re

from .findings import FRONT_MATTER, Finding
from .validate.front_matter import front_matter_placeholders


def check_front_matter(expected: str, actual: str) -> list[Finding]:
    """The draft's front matter parses, keeps every key of the archetype's, and says `draft: true`."""
    if not actual.strip():
        return [Finding(1, FRONT_MATTER, "the draft has no front matter; restore the archetype's")]
    try:
        have = front_matter_data(actual)
    except FrontMatterUnparsable as error:
        return [Finding(error.line, FRONT_MATTER, f"the front matter does not parse ({error.reason})")]
    findings = []
    try:
        want = front_matter_data(expected) if expected.strip() else {}
    except FrontMatterUnparsable:
        want = {}
    for key in want:
        if key not in have:
            findings.append(Finding(1, FRONT_MATTER, f"the key {key!r} of the archetype is missing"))
    if have.get("draft") is not True:
        findings.append(Finding(1, FRONT_MATTER, "the front matter must say draft: true until a person publishes it"))
    # `<angle>` and `[bracket]` slots in string values, each reported once even if a line repeats it.
    findings += dict.fromkeys(front_matter_placeholders(actual))
    return findings


class FrontMatterUnparsable(ValueError):
    """A front matter block that its format's parser rejects: the file line and the parser's reason."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def front_matter_data(block: str) -> dict:
    """Parse a YAML (`---`), TOML (`+++`) or JSON front matter block, delimiters included, into a dict.

    Raises FrontMatterUnparsable with the line in the file (the block starts at line 1) and the parser's reason.
    """
    if block.startswith("{"):
        try:
            data = json.loads(block)
        except json.JSONDecodeError as error:
            raise FrontMatterUnparsable(error.lineno, error.msg) from None
    elif block.startswith("+++"):
        import tomllib  # only for TOML front matter, as yaml only for YAML

        try:
            data = tomllib.loads("".join(block.splitlines(keepends=True)[1:-1]))
        except tomllib.TOMLDecodeError as error:
            found = re.search(r"\(at line (\d+), column \d+\)", str(error))
            reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error)) or "not TOML"
            raise FrontMatterUnparsable(int(found.group(1)) + 1 if found else 1, reason) from None
    else:
        import yaml
        from frontmatter.default_handlers import YAMLHandler

        handler = YAMLHandler()
        try:
            data = _load_yaml(handler, handler.split(block)[0])
        except yaml.YAMLError as error:
            # The split keeps the newline after the opening `---`, so YAML's line 0 is the file's line 1.
            mark = getattr(error, "problem_mark", None)
            reason = " ".join(str(getattr(error, "problem", None) or error).split())
            context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
            if context and start is not None and mark is not None and start.line != mark.line:
                reason += f", {context} that starts at line {start.line + 1}"  # where an unclosed quote began
            raise FrontMatterUnparsable(mark.line + 1 if mark is not None else 1, reason) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterUnparsable(2, f"it holds a {type(data).__name__}, not key: value pairs")
    return data


def _load_yaml(handler, text: str):
    """YAML through python-frontmatter's handler, by libyaml when PyYAML has it (ten times faster, for `check` in a
    hook); what libyaml rejects is read again by PyYAML's own loader, whose messages ("expected <block end>, but
    found '<scalar>'") say more, and are the same on every machine."""
    import yaml

    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return handler.load(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return handler.load(text, Loader=yaml.SafeLoader)
