"""Content left from the archetype: placeholders, guidance comments, sample lines, values and code names."""

from __future__ import annotations

from ..findings import COMMENT, PLACEHOLDER, SAMPLE, Finding
from ..post.markdown import angle_tags, scan, strip_comments
from ..post.placeholders import (LABELLED, LOREM, SAMPLE_IDENTIFIER, TODO, bracket_slots, generic_slots, is_slot,
                                 labelled_samples, normal_value, sample_identifiers, sample_lines)


def check_content(skeleton: str, answer: str) -> list[Finding]:
    """Find placeholders, guidance comments and unchanged sample content in `answer`."""
    findings: list[Finding] = []
    samples = sample_lines(strip_comments(skeleton))
    identifiers = sample_identifiers(skeleton)
    for line in scan(answer):
        if "<!--" in line.text:
            findings.append(Finding(line.number, COMMENT,
                                    "a guidance comment is left; replace it with the text it asks for"))
        if line.zone == "prose":
            for slot in bracket_slots(line.text):
                findings.append(Finding(line.number, PLACEHOLDER,
                                        f"the placeholder {slot} is left; replace it with real content"))
        if line.text.strip() in samples:
            findings.append(Finding(line.number, SAMPLE,
                                    f"the archetype's sample line {line.text.strip()!r} is unchanged; replace it with content about this paper"))
        if line.zone == "code":
            for identifier in sorted({m.group(1) for m in SAMPLE_IDENTIFIER.finditer(line.text)} & identifiers):
                findings.append(Finding(line.number, SAMPLE,
                                        f"the sample identifier {identifier!r} is left in the code; use names from this model"))
    return findings



def check_placeholders(skeleton: str, answer: str) -> list[Finding]:
    """Find TODO markers, lorem ipsum, `<angle slots>` and the archetype's sample values left in `answer`."""
    findings: list[Finding] = []
    skeleton_todo = set(TODO.findall(skeleton))
    skeleton_lorem = bool(LOREM.search(skeleton))
    # `<slots>` of the skeleton's prose are placeholders too; other angle text (inside a shortcode) may stay.
    skeleton_slots = {tag.text for tag in angle_tags(skeleton) if is_slot(tag)} - set(generic_slots(skeleton))
    samples = labelled_samples(skeleton)
    archetype_lines = sample_lines(strip_comments(skeleton))
    for line in scan(answer):
        for marker in sorted(set(TODO.findall(line.text)) - (skeleton_todo if line.zone != "prose" else set())):
            findings.append(Finding(line.number, PLACEHOLDER,
                                    f"the marker {marker} is left; write the missing content, or say the paper does not report it"))
        if (not skeleton_lorem or line.zone == "prose") and LOREM.search(line.text):
            findings.append(Finding(line.number, PLACEHOLDER, "lorem ipsum filler is left; replace it with text about this paper"))
        match = LABELLED.match(line.text) if line.zone == "prose" else None
        if match and line.text.strip() not in archetype_lines:
            label = match.group(1).strip()
            if samples.get(label.casefold()) == normal_value(match.group(2)) and match.group(2):
                findings.append(Finding(line.number, SAMPLE,
                                        f"the archetype's sample value {match.group(2).strip()} for {label} is unchanged; "
                                        f"give this model's own {label.lower()}, saying what each symbol stands for, "
                                        "or write that the paper does not report it"))
    for tag in angle_tags(answer):
        if is_slot(tag) and tag.text not in skeleton_slots:
            findings.append(Finding(tag.line, PLACEHOLDER,
                                    f"the placeholder {tag.text} is left; replace it with real content "
                                    "(put literal code such as List<int> in `backticks`)"))
    return findings

