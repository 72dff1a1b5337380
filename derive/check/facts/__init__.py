"""Facts about well-known models, as their papers publish them, found in prose and judged.

    fact_claims(text) -> [FactClaim]   every stated fact about a known model, with its verdict
    consistency(claims) -> [Finding]   stated counts that do not follow from stated sizes
    MODELS, FAMILIES                   the published configurations (``models``)
    gpt_parameters, bert_parameters    exact parameter counts (``formula``)

Modules: ``models`` (the data and its papers), ``quantity`` (numbers as written:
124M, 1.5 billion, 2k), ``formula`` (parameter counts, through
``derive.complexity``), ``text`` (markup out, sentences), ``names`` (model
names), ``read`` (facts in sentences), ``judge`` (verdicts, consistency).
"""

from derive.check.facts.formula import bert_parameters, gpt_parameters, model_parameters
from derive.check.facts.judge import FactClaim, Finding, consistency, judge
from derive.check.facts.models import FAMILIES, MODELS, Paper
from derive.check.facts.read import fact_claims

__all__ = ["FAMILIES", "MODELS", "FactClaim", "Finding", "Paper", "bert_parameters", "consistency",
           "fact_claims", "gpt_parameters", "judge", "model_parameters"]
