"""A draft: one claim as the bind pass found it, before anything is judged.

The bind pass decides *what* is claimed and where (a value for a label, a
link of a derivation, a value standing alone, a table cell, a printed output
item) and *which binding* the claim's own printed value gave; the judge pass
turns each draft into a ``Claim``. What a draft is:

    supposed    a value supposed in prose (``at $z = 0$``): given, claims nothing
    claim       a value (or working) claimed for a label, or a link of a derivation
                (one that nothing computes turns out a value given: a definition)
    bare        a value standing alone (after a displayed formula, or a copy of a value)
    update      the next value of a name after its update rule (``W \\leftarrow ...``)
    cell        a table cell under a formula header
    output      an item of a code block's output
    unverifiable  unreadable or malformed math, said why in ``message``
"""

from __future__ import annotations

from dataclasses import dataclass

from derive.check.read import nodes as N


@dataclass(frozen=True)
class Draft:
    what: str
    at: int                                  # document offset of the claimed part
    line: int
    end_line: int
    label: N.Node | None = None
    part: N.Node | None = None               # the printed value, or the working, claimed
    parts: tuple[N.Node, ...] = ()           # the derivation it sits in (for links)
    k: int = 0                               # its place in ``parts``
    relation: str = "="
    origin: int = 0                          # document offset the nodes' offsets count from
    display: bool = True
    text: str = ""                           # the math of the part (shown when nothing is printed)
    supposed: bool = False                   # in a supposing sentence: wrong becomes unverifiable
    restated: object = None                  # the binding this claim gave a name that had values
    announced: bool = False                  # ... given anew on purpose (the prose says so)
    apart: bool = False                      # ... given before under another heading
    pending: N.Node | None = None            # a displayed formula this bare value may be the result of
    unit: str = ""                           # a unit written after it (``days``)
    message: str = ""                        # why an unverifiable draft cannot be judged
    note: str | None = None                  # internal-error: derive's own bug, not the document's
    kind: str | None = None                  # what an unverifiable draft was (a matrix ...)
    rule: object = None                      # the update rule a next value is judged against
    cell: object = None                      # a table cell's table and reading
    block: object = None                     # the code block an output block belongs to
