"""What the prose around a formula says about it: a supposition (``at $z = 0$``,
``we would have ...``) or a value changed on purpose (``now switch ... $\\gamma = ...$``).
Only the words of the sentence before the math are read.
"""

from __future__ import annotations

import re

CHANGING = {"now", "new", "instead", "switch", "change", "changes", "changed", "replace", "becomes",
            "another", "next", "update", "updated"}
WOULD = {"would", "could", "might", "hypothetically", "imagine", "instead"}
SUPPOSING = {"at", "if", "when", "whenever", "suppose", "supposing", "assume", "assuming", "say", "were"}


def supposes(text: str, offset: int) -> bool:
    """Inline math right after a word that opens a supposition (``at``, ``if``,
    ``when``, ``suppose``, ``assuming``, ``say``, ``were``), or in a sentence
    that speaks of what would be (``we would have $z = ...$``)."""
    before, words = sentence_before(text, offset)
    if words and before.endswith(words[-1]) and words[-1].lower() in SUPPOSING:
        return True
    return any(w.lower() in WOULD for w in words)


def announces_change(text: str, offset: int) -> bool:
    """Math in a sentence that says a value changes (``Now switch the scale off,
    $\\gamma = (1, 1, 1, 1)$``): a new value on purpose, not a slip."""
    return any(w.lower() in CHANGING for w in sentence_before(text, offset, colon=False)[1])


def sentence_before(text: str, offset: int, colon: bool = True) -> tuple[str, list[str]]:
    """The text just before ``offset`` and the words of its sentence (up to a
    sentence end, a blank line and, with ``colon``, a colon)."""
    before = text[max(0, offset - 200):offset].rstrip("$\\(").rstrip()
    sentence = re.split(r"[.!?:]\s|\n\s*\n" if colon else r"[.!?]\s|\n\s*\n", before)[-1]
    return before, re.findall(r"[A-Za-z]+", sentence)
