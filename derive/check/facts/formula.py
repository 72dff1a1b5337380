r"""Parameter counts of the published architectures, as exact integers.

**GPT-style decoder** (GPT-1, GPT-2, GPT-3): the parameter blocks declared in
``derive.complexity`` (``LAYER_PARAMETERS``, ``EMBEDDING_PARAMETERS``,
``FINAL_PARAMETERS``), summed there by ``parameter_count``; here only the
inner width d_ff is left free and the sizes are put in. With width d, L layers,
vocabulary V, context n_ctx:

    per block   4 d^2 + 4 d                 Q, K, V and output projections, with biases
              + 2 d d_ff + d_ff + d         the MLP's two matrices, with biases
              + 4 d                         two layer norms (gain and bias)
    model       L x block + V d + n_ctx d + 2 d
                (token embedding, tied with the output layer; learned positions;
                 the final layer norm, which GPT-1 (post-norm) does not have)

With d_ff = 4 d a block is 12 d^2 + 13 d, and GPT-2 small (L = 12, d = 768,
V = 50,257, n_ctx = 1024) has 124,439,808 parameters. Untied embeddings add V d.

**BERT encoder**: the same block (the encoder layer has the same matrices), plus

    (V + n_pos + n_types) d + 2 d     token, position and token-type embeddings, their layer norm
    d^2 + d                           the pooler

BERT-base (L = 12, d = 768, V = 30,522, 512 positions, 2 types): 109,482,240.
The masked-language-model head is not counted (the paper's 110M does not).
"""

from __future__ import annotations

from functools import lru_cache

from derive.check.facts.models import MODELS, Model


@lru_cache(maxsize=1)
def _polynomials():
    """(block, embeddings, final norm) as SymPy polynomials from ``derive.complexity``."""
    from derive import complexity as cx
    from derive.symbols import d_k, d_model, d_v, h

    heads = {d_k: d_model / h, d_v: d_model / h}     # h heads of width d/h: h cancels
    return (cx.parameter_count(cx.LAYER_PARAMETERS, heads),
            cx.parameter_count(cx.EMBEDDING_PARAMETERS, heads),
            cx.parameter_count(cx.FINAL_PARAMETERS, heads))


def block_parameters(d_model: int, d_ff: int | None = None) -> int:
    """One transformer block: 4d^2 + 4d + 2 d d_ff + d_ff + d + 4d (d_ff defaults to 4d)."""
    from derive import symbols as s

    block, _, _ = _polynomials()
    return int(block.subs({s.d_model: d_model, s.d_ff: 4 * d_model if d_ff is None else d_ff}))


@lru_cache(maxsize=256)
def gpt_parameters(layers: int, d_model: int, vocab: int, n_ctx: int, d_ff: int | None = None, *,
                   tied: bool = True, final_norm: bool = True) -> int:
    """L x block + V d + n_ctx d + 2 d (+ V d untied; - 2 d without a final norm)."""
    from derive import complexity as cx
    from derive import symbols as s

    _, embed, final = _polynomials()
    at = {s.d_model: d_model, cx.V: vocab, cx.n_ctx: n_ctx}
    total = layers * block_parameters(d_model, d_ff) + int(embed.subs(at))
    total += int(final.subs(at)) if final_norm else 0
    return total + (0 if tied else vocab * d_model)


@lru_cache(maxsize=256)
def bert_parameters(layers: int, d_model: int, vocab: int = 30_522, n_positions: int = 512,
                    n_types: int = 2, d_ff: int | None = None, *, pooler: bool = True) -> int:
    """(V + n_pos + n_types) d + 2 d + L x block + (d^2 + d with the pooler)."""
    embeddings = (vocab + n_positions + n_types) * d_model + 2 * d_model
    return (embeddings + layers * block_parameters(d_model, d_ff)
            + (d_model * d_model + d_model if pooler else 0))


# The sizes a count needs, and where the model's facts lack one, the released value.
FORMULA_VOCAB = {"bert": 30_522}      # BERT's paper says 30,000; the checkpoints have 30,522


def formula_inputs(model: Model, stated: dict | None = None) -> dict:
    """layers, d_model, vocab, context, d_ff for the formula: stated values first, then the
    model's own overrides, then its published facts."""
    facts = {a: f.value for a, f in model.facts.items()}
    if model.formula.kind in FORMULA_VOCAB:
        facts["vocab"] = FORMULA_VOCAB[model.formula.kind]
    facts.update(dict(model.formula.overrides))
    facts.pop("d_ff", None)                          # 4 d unless stated
    facts.update({k: v for k, v in (stated or {}).items() if v is not None})
    return {k: facts.get(k) for k in ("layers", "d_model", "vocab", "context", "d_ff")}


def model_parameters(model: Model | str, stated: dict | None = None) -> int | None:
    """The formula's count for a model (None when derive has no formula for it)."""
    model = MODELS[model] if isinstance(model, str) else model
    if model.formula is None:
        return None
    x = formula_inputs(model, stated)
    if None in (x["layers"], x["d_model"], x["vocab"], x["context"]):
        return None
    if model.formula.kind == "bert":
        return bert_parameters(x["layers"], x["d_model"], x["vocab"], x["context"], d_ff=x["d_ff"])
    return gpt_parameters(x["layers"], x["d_model"], x["vocab"], x["context"], x["d_ff"],
                          final_norm=model.formula.final_norm)
