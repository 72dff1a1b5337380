"""What the prose around a formula says about it: a supposition (``at $z = 0$``,
``we would have ...``) or a value changed on purpose (``now switch ... $\\gamma = ...$``).
Only the words of the sentence before the math are read; the word lists are
``POLICY.supposing_words``, ``would_words`` and ``changing_words``.

Prose never makes a number right: a supposed value is a value given, not a
claim, and a claim in a supposing sentence can at most become unverifiable.
"""

from __future__ import annotations

import re

from derive.check.policy import POLICY


def supposes(text: str, offset: int, end: int | None = None) -> bool:
    """Inline math within ``POLICY.supposing_reach`` words of a word that opens a
    supposition (``at $z = 0$``, ``for the input $x = ...$``, ``if``, ``when``,
    ``suppose``, ``assuming``, ``say``, ``were``), or in a sentence that speaks of
    what would be (``we would have $z = ...$``; ``d_model=1024 would have ...``: the
    rest of the sentence after the math, which ends at ``end``, counts too)."""
    before, words = sentence_before(text, offset)
    near = words[-POLICY.supposing_reach:] if words and before.endswith(words[-1]) else []
    if any(w.lower() in POLICY.supposing_words for w in near):
        return True
    after = re.split(r"[.!?]\s|\n\s*\n", text[end:end + 300])[0] if end is not None else ""
    return any(w.lower() in POLICY.would_words for w in words + re.findall(r"[A-Za-z]+", after))


def announces_change(text: str, offset: int) -> bool:
    """Math in a sentence that says a value changes (``Now switch the scale off,
    $\\gamma = (1, 1, 1, 1)$``)."""
    return any(w.lower() in POLICY.changing_words for w in sentence_before(text, offset, colon=False)[1])


DELIMITERS = re.compile(r"\$|\\[()\[\]]")


def prose_only(text: str, spans) -> str:
    """The text with the math of ``spans`` (and every math delimiter) blanked:
    the letters of a formula are no words of the prose around it."""
    chars = list(text)
    for span in spans:
        for i in range(span.start, min(len(chars), span.start + len(span.text))):
            if chars[i] != "\n":
                chars[i] = " "
    return DELIMITERS.sub(lambda m: " " * len(m.group()), "".join(chars))


def sentence_before(text: str, offset: int, colon: bool = True) -> tuple[str, list[str]]:
    """The prose just before ``offset`` and the words of its sentence (up to a
    sentence end, a blank line and, with ``colon``, a colon). ``text`` is the
    document with its math blanked (``prose_only``)."""
    before = text[max(0, offset - 300):offset]
    sentence = re.split(r"[.!?:]\s|\n\s*\n" if colon else r"[.!?]\s|\n\s*\n", before)[-1]
    return before.rstrip(), re.findall(r"[A-Za-z]+", sentence)
