"""derive check: find, recompute and judge every number a document prints.

Four passes over one claim record (``derive.check.claim``), each a folder, then
one pass across the records; the recipe is ``derive.check.pipeline``:

    read      the document -> positioned statements, tables, code and outputs
    bind      the names' values (with where and how each was given) and drafts of claims
    judge     each draft -> a claim: its verdict and the basis of it
    diagnose  each wrong claim -> its most likely cause
    across    what only later claims settle (a value given anew: on purpose?)

Every tolerance, guess, word list and budget is an entry of ``derive.check.policy.POLICY``.
"""
