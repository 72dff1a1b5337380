"""Every limit on what derive reads, draws and builds, in one place, each with why.

A spec, a file or an argument past one of these is refused with one line
naming it (exit code 2) before memory or time is spent on it. The checker's
limits on a document (its size, its formulas) live in its policy
(``derive.check.policy``).
"""

from __future__ import annotations

# A spec is a recipe, not a data set: 1 MiB holds thousands of steps.
SPEC_BYTES = 1 << 20

# Characters of one number in a spec (sign, digits, point, exponent). Exact
# arithmetic on a 10,000-digit input costs without telling anyone anything.
NUMBER_CHARS = 200

# Characters of a name, label, title, note or token: prose belongs in templates.
TEXT_CHARS = 2000

# Entries of one matrix: an input, a draw, a table's vectors, a step's result.
# 64 x 64 is the size derive certifies in well under a second per stage.
MATRIX_ENTRIES = 4096

# Entries of all inputs, tables and draws of one spec, its bases included.
SPEC_ENTRIES = 65536

# Steps of one spec, its bases included.
STEPS = 500

# Specs in one chain of ``extends`` (a spec extending one that extends ...).
EXTENDS_DEPTH = 16

# NumPy's legacy RandomState takes seeds 0 .. 2**32 - 1.
SEED_MAX = 2**32 - 1

