"""The published configurations of well-known models, each with its paper.

Attributes (one key each, everywhere in ``derive.check.facts``):

    params    total parameters          layers    transformer blocks (T5: per stack)
    d_model   hidden size / width       heads     attention (query) heads
    kv_heads  key/value heads (GQA)     d_head    width of one head
    d_ff      feed-forward inner width  context   context length in tokens
    vocab     vocabulary size

A ``Fact`` is the value as the paper prints it. A parameter count is kept as
printed (``117M``) with the unit of its last digit; the nominal sizes in model
names (Llama 2 "70B") are good only to their name's digit. ``also`` lists other
values that are right for a stated reason (the released vocabulary file, a
typo in a table). A value the paper does not give is left out: a claim about
it is unverifiable. Where a value comes from another source than the model's
paper (the released configuration), ``source``/``note`` say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from derive.check.facts.quantity import parse_number

ATTRIBUTES = ("params", "layers", "d_model", "heads", "kv_heads", "d_head", "d_ff", "context", "vocab")
ATTRIBUTE_NAMES = {
    "params": "parameters", "layers": "layers", "d_model": "hidden size (d_model)",
    "heads": "attention heads", "kv_heads": "key/value heads", "d_head": "head dimension",
    "d_ff": "feed-forward width (d_ff)", "context": "context length", "vocab": "vocabulary size",
}

ATTRIBUTE_PHRASES = {
    "params": "{} parameters", "layers": "{} layers", "d_model": "a hidden size (d_model) of {}",
    "heads": "{} attention heads", "kv_heads": "{} key/value heads", "d_head": "a head dimension of {}",
    "d_ff": "a feed-forward width (d_ff) of {}", "context": "a context length of {}",
    "vocab": "a vocabulary of {}",
}


def phrase(attribute: str, value: str) -> str:
    """``phrase('layers', '12')`` -> '12 layers'; ``phrase('context', '2048')`` -> 'a context length of 2048'."""
    return ATTRIBUTE_PHRASES[attribute].format(value)


@dataclass(frozen=True)
class Paper:
    title: str
    first_author: str
    year: int
    arxiv: str | None = None

    def cite(self) -> str:
        ref = f"{self.first_author} et al. {self.year}"
        return f"{ref}, arXiv:{self.arxiv}" if self.arxiv else f"{ref}, \u201c{self.title}\u201d"


@dataclass(frozen=True)
class Alt:
    """Another value that is right, and why."""

    value: int
    why: str


@dataclass(frozen=True)
class Fact:
    value: int                     # exact (a count as its integer: 117M -> 117_000_000)
    printed: str                   # as the paper prints it
    unit: Fraction                 # the precision of the printed figure
    where: str = ""                # table or section of the paper
    source: Paper | None = None    # when the value is not from the model's own paper
    note: str = ""
    also: tuple[Alt, ...] = ()


def fact(printed: str | int, where: str = "", *, unit: int | None = None, source: Paper | None = None,
         note: str = "", also: tuple[Alt, ...] = ()) -> Fact:
    """A published value from its printed text (``'117M'``, ``'50,257'``, ``12``)."""
    reading = parse_number(str(printed))
    precision = Fraction(unit) if unit else Fraction(1) if isinstance(printed, int) else reading.unit
    return Fact(int(reading.value), str(printed), precision, where, source, note, also)


@dataclass(frozen=True)
class Formula:
    """How ``derive.check.facts.formula`` counts this model's parameters."""

    kind: str                      # gpt | bert
    final_norm: bool = True        # GPT-1 is post-norm: no final layer norm
    overrides: tuple = ()          # (attribute, value) used instead of the fact


@dataclass(frozen=True)
class Model:
    key: str                       # canonical: gpt-2-small, bert-base, llama-2-70b
    name: str                      # as people name it
    family: str
    paper: Paper
    facts: dict = field(default_factory=dict)
    sizes: tuple[str, ...] = ()    # size words in names (lower case): small, 124m, 7b
    formula: Formula | None = None


@dataclass(frozen=True)
class Family:
    key: str
    name: str
    members: tuple[str, ...]
    default: str | None = None     # what the bare name means in its paper ("GPT-3" is 175B)


GPT1_PAPER = Paper("Improving Language Understanding by Generative Pre-Training", "Radford", 2018)
GPT2_PAPER = Paper("Language Models are Unsupervised Multitask Learners", "Radford", 2019)
GPT3_PAPER = Paper("Language Models are Few-Shot Learners", "Brown", 2020, "2005.14165")
BERT_PAPER = Paper("BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
                   "Devlin", 2019, "1810.04805")
LLAMA_PAPER = Paper("LLaMA: Open and Efficient Foundation Language Models", "Touvron", 2023, "2302.13971")
LLAMA2_PAPER = Paper("Llama 2: Open Foundation and Fine-Tuned Chat Models", "Touvron", 2023, "2307.09288")
LLAMA3_PAPER = Paper("The Llama 3 Herd of Models", "Dubey", 2024, "2407.21783")
T5_PAPER = Paper("Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer",
                 "Raffel", 2020, "1910.10683")

_MODELS: list[Model] = []


def _add(key, name, family, paper, sizes, formula=None, **facts) -> None:
    _MODELS.append(Model(key, name, family, paper, facts, tuple(sizes), formula))


# ---- GPT-1 -----------------------------------------------------------------------
_add("gpt-1", "GPT-1", "gpt-1", GPT1_PAPER, (), Formula("gpt", final_norm=False),
     params=fact("117M", "Table 2 (its smallest model is the original GPT)", source=GPT2_PAPER),
     layers=fact(12), d_model=fact(768), heads=fact(12), d_ff=fact(3072), context=fact(512),
     vocab=fact("40,478", note="the released encoder's vocabulary (the paper states 40,000 BPE merges)",
                also=(Alt(40_000, "the number of BPE merges the paper states"),)))

# ---- GPT-2: Table 2 of the paper; context and vocabulary in its Section 2.3 ------
_GPT2_SHARED = dict(context=fact(1024, "Section 2.3"), vocab=fact("50,257", "Section 2.3"))
for _key, _name, _sizes, _p, _l, _d in (
        ("small", "GPT-2 small", ("small", "124m", "117m"), "117M", 12, 768),
        ("medium", "GPT-2 medium", ("medium", "355m", "345m"), "345M", 24, 1024),
        ("large", "GPT-2 large", ("large", "774m", "762m"), "762M", 36, 1280),
        ("xl", "GPT-2 XL", ("xl", "1.5b", "1558m", "1542m"), "1542M", 48, 1600)):
    _add(f"gpt-2-{_key}", _name, "gpt-2", GPT2_PAPER, _sizes, Formula("gpt"),
         params=fact(_p, "Table 2"), layers=fact(_l, "Table 2"), d_model=fact(_d, "Table 2"),
         **_GPT2_SHARED)

# ---- GPT-3: Table 2.1 of Brown et al. (n_params, n_layers, d_model, n_heads, d_head)
_GPT3_VOCAB = fact("50,257", "Section 2.3", source=GPT2_PAPER,
                   note="GPT-3 reuses GPT-2's model and byte-level BPE vocabulary")
for _key, _name, _sizes, _p, _l, _d, _h, _dh in (
        ("small", "GPT-3 Small", ("small", "125m"), "125M", 12, 768, 12, 64),
        ("medium", "GPT-3 Medium", ("medium", "350m"), "350M", 24, 1024, 16, 64),
        ("large", "GPT-3 Large", ("large", "760m"), "760M", 24, 1536, 16, 96),
        ("xl", "GPT-3 XL", ("xl", "1.3b"), "1.3B", 24, 2048, 24, 128),
        ("2.7b", "GPT-3 2.7B", ("2.7b",), "2.7B", 32, 2560, 32, 80),
        ("6.7b", "GPT-3 6.7B", ("6.7b",), "6.7B", 32, 4096, 32, 128),
        ("13b", "GPT-3 13B", ("13b",), "13.0B", 40, 5140, 40, 128),
        ("175b", "GPT-3 175B", ("175b",), "175.0B", 96, 12288, 96, 128)):
    _extra = {}
    if _key == "13b":      # the table prints 5140; 40 heads of 128 make 5120
        _dm = fact(5140, "Table 2.1", also=(Alt(5120, "40 heads x d_head 128; the table prints 5140"),))
        _formula = Formula("gpt", overrides=(("d_model", 5120),))
    else:
        _dm = fact(_d, "Table 2.1")
        _extra["d_ff"] = fact(4 * _d, "Section 2.1 (d_ff = 4 d_model)")
        _formula = Formula("gpt")
    _add(f"gpt-3-{_key}", _name, "gpt-3", GPT3_PAPER, _sizes, _formula,
         params=fact(_p, "Table 2.1"), layers=fact(_l, "Table 2.1"), d_model=_dm,
         heads=fact(_h, "Table 2.1"), d_head=fact(_dh, "Table 2.1"),
         context=fact(2048, "Table 2.1 (n_ctx = 2048 for all models)"), vocab=_GPT3_VOCAB, **_extra)

# ---- BERT: Section 3 (L, H, A, total parameters) ---------------------------------
_BERT_VOCAB = fact("30,000", "Section 3 (WordPiece)",
                   also=(Alt(30_522, "the vocabulary file of the released uncased checkpoints"),))
for _key, _sizes, _l, _d, _h, _p in (("base", ("base", "110m"), 12, 768, 12, "110M"),
                                     ("large", ("large", "340m"), 24, 1024, 16, "340M")):
    _add(f"bert-{_key}", f"BERT-{_key}", "bert", BERT_PAPER, _sizes, Formula("bert"),
         params=fact(_p, "Section 3"), layers=fact(_l, "Section 3"), d_model=fact(_d, "Section 3"),
         heads=fact(_h, "Section 3"), d_ff=fact(4 * _d, "Section 3 (feed-forward size 4H)"),
         context=fact(512, "sequences of up to 512 tokens"), vocab=_BERT_VOCAB)

# ---- LLaMA (1): Table 2 of Touvron et al. 2023 ------------------------------------
_LLAMA_SHARED = dict(context=fact(2048),
                     vocab=fact("32,000", note="the released SentencePiece tokenizer"))
for _key, _sizes, _p, _d, _h, _l in (("7b", ("7b",), "6.7B", 4096, 32, 32),
                                     ("13b", ("13b",), "13.0B", 5120, 40, 40),
                                     ("33b", ("33b", "30b"), "32.5B", 6656, 52, 60),
                                     ("65b", ("65b",), "65.2B", 8192, 64, 80)):
    _add(f"llama-{_key}", f"LLaMA-{_key.upper()}", "llama", LLAMA_PAPER, _sizes,
         params=fact(_p, "Table 2"), d_model=fact(_d, "Table 2"), heads=fact(_h, "Table 2"),
         layers=fact(_l, "Table 2"), **_LLAMA_SHARED)

# ---- Llama 2: Table 1 (sizes, 4k context, GQA for 34B/70B); the architecture is Llama 1's
_L2_NOTE = "the released params.json (the paper adopts the Llama 1 architecture)"
for _key, _p, _unit, _d, _h, _kv, _l in (("7b", "7B", 10 ** 9, 4096, 32, 32, 32),
                                         ("13b", "13B", 10 ** 9, 5120, 40, 40, 40),
                                         ("70b", "70B", 10 ** 10, 8192, 64, 8, 80)):
    _add(f"llama-2-{_key}", f"Llama 2 {_key.upper()}", "llama-2", LLAMA2_PAPER, (_key,),
         params=fact(_p, "Table 1", unit=_unit),
         context=fact(4096, "Table 1 (4k)"), vocab=fact("32,000", "Section 2.2 (32k tokens)"),
         d_model=fact(_d, note=_L2_NOTE), heads=fact(_h, note=_L2_NOTE),
         kv_heads=fact(_kv, note=_L2_NOTE), layers=fact(_l, note=_L2_NOTE))

# ---- Llama 3: Table 3 of the herd paper (8B, 70B) ----------------------------------
_L3_SHARED = dict(
    vocab=fact("128,000", "128K tokens", also=(Alt(128_256, "the released tokenizer: 128,000 + 256 special"),)),
    context=fact(8192, "the initial pre-training context (8K)",
                 also=(Alt(131_072, "after the paper's long-context stage (the Llama 3.1 release, 128K)"),)))
for _key, _p, _unit, _l, _d, _ff, _h in (("8b", "8B", 10 ** 9, 32, 4096, 14336, 32),
                                         ("70b", "70B", 10 ** 10, 80, 8192, 28672, 64)):
    _add(f"llama-3-{_key}", f"Llama 3 {_key.upper()}", "llama-3", LLAMA3_PAPER, (_key,),
         params=fact(_p, "Table 3", unit=_unit), layers=fact(_l, "Table 3"),
         d_model=fact(_d, "Table 3"), d_ff=fact(_ff, "Table 3"), heads=fact(_h, "Table 3"),
         kv_heads=fact(8, "Table 3"), **_L3_SHARED)

# ---- T5: Section 3.7 ("Model sizes"); layers are per stack (encoder, decoder) -----
for _key, _sizes, _p, _unit, _d, _ff, _l, _h, _dh in (
        ("small", ("small", "60m"), "60M", 10 ** 7, 512, 2048, 6, 8, 64),
        ("base", ("base", "220m"), "220M", 10 ** 7, 768, 3072, 12, 12, 64),
        ("large", ("large", "770m"), "770M", 10 ** 7, 1024, 4096, 24, 16, 64),
        ("3b", ("3b",), "3B", 10 ** 9, 1024, 16384, 24, 32, 128),
        ("11b", ("11b",), "11B", 10 ** 9, 1024, 65536, 24, 128, 128)):
    _add(f"t5-{_key}", f"T5-{_key.upper() if _key[0].isdigit() else _key.title()}", "t5", T5_PAPER, _sizes,
         params=fact(_p, "Section 3.7", unit=_unit),
         d_model=fact(_d, "Section 3.7"), d_ff=fact(_ff, "Section 3.7"), heads=fact(_h, "Section 3.7"),
         d_head=fact(_dh, "Section 3.7 (d_kv)"), vocab=fact("32,000", "Section 2.2"),
         layers=fact(_l, "Section 3.7 (in each of the encoder and decoder)",
                     also=(Alt(2 * _l, "counting the encoder's and the decoder's layers together"),)))

MODELS: dict[str, Model] = {m.key: m for m in _MODELS}

FAMILIES: dict[str, Family] = {
    "gpt-1": Family("gpt-1", "GPT-1", ("gpt-1",), "gpt-1"),
    "gpt-2": Family("gpt-2", "GPT-2", tuple(k for k in MODELS if k.startswith("gpt-2-"))),
    "gpt-3": Family("gpt-3", "GPT-3", tuple(k for k in MODELS if k.startswith("gpt-3-")), "gpt-3-175b"),
    "bert": Family("bert", "BERT", ("bert-base", "bert-large")),
    "llama": Family("llama", "LLaMA", tuple(k for k in MODELS if MODELS[k].family == "llama")),
    "llama-2": Family("llama-2", "Llama 2", tuple(k for k in MODELS if MODELS[k].family == "llama-2")),
    "llama-3": Family("llama-3", "Llama 3", tuple(k for k in MODELS if MODELS[k].family == "llama-3")),
    "t5": Family("t5", "T5", tuple(k for k in MODELS if MODELS[k].family == "t5")),
}

# (family, size word) -> model: "GPT-2 small", "124M GPT-2", "Llama-2-70b", "T5-3B".
SIZES: dict[tuple[str, str], str] = {(m.family, s): m.key for m in _MODELS for s in m.sizes}


def members(key: str) -> tuple[Model, ...]:
    """The models a key names: one model, or every member of a family."""
    if key in MODELS:
        return (MODELS[key],)
    return tuple(MODELS[k] for k in FAMILIES[key].members)


def paper_of(model: Model, attribute: str) -> Paper:
    """The paper a fact comes from."""
    return model.facts[attribute].source or model.paper
