"""derive.check.facts: published model configurations, facts found in prose, verdicts.

The oracles are independent of the code under test: parameter counts are summed
by hand below, term by term; the published values are the papers' (written out
here, not read from derive's tables). The sentences are written for these tests.
"""

import warnings
from fractions import Fraction
from pathlib import Path

import pytest

from derive.check.claim import Verdict
from derive.check.facts import (FAMILIES, MODELS, bert_parameters, consistency, fact_claims,
                                gpt_parameters, model_parameters)
from derive.check.facts.formula import block_parameters
from derive.check.facts.names import mentions
from derive.check.facts.quantity import parse_number
from derive.check.facts.text import clean, sentences

FACTS = Path(__file__).resolve().parents[1] / "derive" / "check" / "facts"


def claims_of(text, attribute=None):
    found = fact_claims(text)
    return [c for c in found if attribute is None or c.attribute == attribute]


def only(text, attribute=None):
    found = claims_of(text, attribute)
    assert len(found) == 1, found
    return found[0]


# ---- the formula -------------------------------------------------------------------

def test_gpt2_small_count_by_hand():
    d, L, V, n_ctx, d_ff = 768, 12, 50_257, 1024, 4 * 768
    attention = 4 * d * d + 4 * d            # W_Q, W_K, W_V, W_O and their biases
    mlp = 2 * d * d_ff + d_ff + d            # W_1, W_2 and their biases
    norms = 2 * 2 * d                        # two layer norms, gain and bias
    assert attention == 2_362_368 and mlp == 4_722_432 and norms == 3_072
    block = attention + mlp + norms
    assert block == 7_087_872 == 12 * d * d + 13 * d
    embeddings = V * d + n_ctx * d           # tokens (tied with the output) + learned positions
    assert embeddings == 38_597_376 + 786_432
    final_norm = 2 * d
    total = L * block + embeddings + final_norm
    assert total == 85_054_464 + 39_383_808 + 1_536 == 124_439_808
    assert gpt_parameters(L, d, V, n_ctx) == total
    assert model_parameters("gpt-2-small") == 124_439_808


def test_block_is_the_formula_of_the_docstring():
    for d, d_ff in ((768, 3072), (1024, 16384), (512, 2048)):
        assert block_parameters(d, d_ff) == 4 * d * d + 4 * d + 2 * d * d_ff + d_ff + d + 4 * d
    assert block_parameters(1600) == 12 * 1600 ** 2 + 13 * 1600


def test_gpt_options():
    tied = gpt_parameters(12, 768, 50_257, 1024)
    assert gpt_parameters(12, 768, 50_257, 1024, tied=False) == tied + 50_257 * 768
    assert gpt_parameters(12, 768, 50_257, 1024, final_norm=False) == tied - 2 * 768
    # GPT-1 is post-norm: no final layer norm; 40,478 tokens and 512 positions
    assert model_parameters("gpt-1") == 12 * 7_087_872 + 40_478 * 768 + 512 * 768 == 116_534_784


@pytest.mark.parametrize("key, layers, d, expected", [
    ("gpt-2-medium", 24, 1024, 354_823_168),
    ("gpt-2-large", 36, 1280, 774_030_080),
    ("gpt-2-xl", 48, 1600, 1_557_611_200),
])
def test_other_gpt2_sizes_by_hand(key, layers, d, expected):
    assert layers * (12 * d * d + 13 * d) + (50_257 + 1024) * d + 2 * d == expected
    assert model_parameters(key) == expected


def test_bert_base_count_by_hand():
    d, L, V, positions, types = 768, 12, 30_522, 512, 2
    embeddings = (V + positions + types) * d + 2 * d       # three tables and their layer norm
    assert embeddings == 23_440_896 + 393_216 + 1_536 + 1_536 == 23_837_184
    block = 4 * (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d) + 2 * (2 * d)
    assert block == 7_087_872
    pooler = d * d + d
    total = embeddings + L * block + pooler
    assert total == 23_837_184 + 85_054_464 + 590_592 == 109_482_240
    assert bert_parameters(12, 768) == total
    assert abs(Fraction(total, 10 ** 6) - Fraction(10948, 100)) < Fraction(1, 100)   # ~109.48M
    assert bert_parameters(24, 768) == 23_837_184 + 24 * 7_087_872 + 590_592 == 194_536_704
    assert bert_parameters(24, 1024) == 335_141_888


# ---- numbers and names as written -------------------------------------------------

@pytest.mark.parametrize("text, value, unit", [
    ("124M", 124_000_000, 10 ** 6), ("1.5B", 1_500_000_000, 10 ** 8),
    ("1.5 billion", 1_500_000_000, 10 ** 8), ("117 million", 117_000_000, 10 ** 6),
    ("175B", 175_000_000_000, 10 ** 9), ("50,257", 50_257, 1), ("50257", 50_257, 1),
    ("2048", 2048, 1), ("110M", 110_000_000, 10 ** 7), ("100M", 100_000_000, 10 ** 7),
    ("175-billion", 175_000_000_000, 10 ** 9), ("1,542M", 1_542_000_000, 10 ** 6),
])
def test_numbers_as_written(text, value, unit):
    r = parse_number(text)
    assert (r.value, r.unit) == (value, unit)


def test_k_may_mean_1024():
    assert (parse_number("2k").value, parse_number("2k").binary) == (2000, 2048)
    assert parse_number("8K").binary == 8192
    assert parse_number("about 100M".split()[1], approximate=True).unit == 10 ** 8


@pytest.mark.parametrize("text, key", [
    ("GPT-2 small", "gpt-2-small"), ("GPT2-small", "gpt-2-small"), ("gpt2", "gpt-2-small"),
    ("124M GPT-2", "gpt-2-small"), ("gpt2-xl", "gpt-2-xl"), ("BERT-base", "bert-base"),
    ("BERT_BASE", "bert-base"), ("BERT base", "bert-base"), ("bert-large-uncased", "bert-large"),
    ("LLaMA-7B", "llama-7b"), ("Llama 2 7B", "llama-2-7b"), ("Llama-2-7b", "llama-2-7b"),
    ("Llama-2-70b-chat-hf", "llama-2-70b"), ("Meta-Llama-3-8B", "llama-3-8b"),
    ("GPT-3 175B", "gpt-3-175b"), ("GPT-3", "gpt-3-175b"), ("GPT-3 XL", "gpt-3-xl"),
    ("T5-3B", "t5-3b"), ("t5-small", "t5-small"), ("GPT-2", "gpt-2"), ("BERT", "bert"),
    ("GPT-3 models", "gpt-3"),
])
def test_names(text, key):
    found = mentions(text)
    assert [(m.key, m.known) for m in found] == [(key, True)]


@pytest.mark.parametrize("text", ["GPT-3.5", "GPT-4", "GPT-J", "Llama 3.1 8B", "Llama 2 34B", "GPT-2-style",
                                  "BERT-like", "bert-base-cased", "T5 v1.1", "Code Llama 7B", "a Llama"])
def test_other_models_are_barriers(text):
    assert all(m.key is None and not m.known for m in mentions(text))


def test_latex_and_markdown_are_read_and_offsets_point_at_the_number():
    text = r"For **BERT$_{\rm LARGE}$**, $L = 24$ and $d_{\text{model}} = 1024$ with a $30{,}522$-token vocabulary."
    found = fact_claims(text)
    assert [(c.attribute, c.value, c.verdict) for c in found] == [
        ("layers", 24, Verdict.OK), ("d_model", 1024, Verdict.OK), ("vocab", 30_522, Verdict.OK)]
    assert [text[c.start:c.end] for c in found] == ["24", "1024", "30{,}522"]
    assert all(c.model == "bert-large" and c.line == 1 for c in found)


def test_sentences_and_fences():
    t = clean("GPT-2 small has 12 layers. BERT-base, e.g. the uncased one, has 12.\n\n```\ngpt2 n_layer=6\n```\n").text
    spans = sentences(t)
    assert [t[a:b].strip() for a, b in spans] == ["GPT-2 small has 12 layers.",
                                                   "BERT-base, e.g. the uncased one, has 12."]


# ---- verdicts -----------------------------------------------------------------------

def test_all_facts_of_a_correct_sentence_are_ok():
    found = fact_claims("BERT-base stacks 12 layers, uses a hidden size of 768 and 12 attention heads, "
                        "110M parameters in all.")
    assert [(c.attribute, c.value, c.verdict, c.model) for c in found] == [
        ("layers", 12, Verdict.OK, "bert-base"), ("d_model", 768, Verdict.OK, "bert-base"),
        ("heads", 12, Verdict.OK, "bert-base"), ("params", 110_000_000, Verdict.OK, "bert-base")]
    assert found[0].paper.arxiv == "1810.04805" and found[0].paper.first_author == "Devlin"
    assert found[0].expected == 12


def test_rounded_and_published_parameter_counts():
    c = only("GPT-2 small (124M) reads text with d_model = 768.", "params")
    assert (c.verdict, c.basis, c.value, c.expected) == (Verdict.ROUNDED, "formula", 124_000_000, 117_000_000)
    assert "124,439,808" in c.message and "117M" in c.message
    c = only("The paper gives GPT-2 small 117M parameters.", "params")
    assert (c.verdict, c.basis) == (Verdict.OK, "paper") and "Table 2" in c.message
    c = only("GPT-2 XL, at 1.5B parameters, was the largest.", "params")
    assert (c.verdict, c.basis) == (Verdict.ROUNDED, "paper") and "1542M" in c.message
    c = only("LLaMA-7B has 7 billion parameters.", "params")
    assert c.verdict == Verdict.ROUNDED and "6.7B" in c.message
    c = only("GPT-3 has 175 billion parameters.", "params")
    assert (c.model, c.verdict, c.expected) == ("gpt-3-175b", Verdict.OK, 175_000_000_000)


def test_wrong_facts_say_what_the_paper_says():
    c = only("BERT-base has 24 layers.")
    assert (c.verdict, c.expected, c.model) == (Verdict.WRONG, 12, "bert-base")
    assert "Devlin" in c.message and "1810.04805" in c.message
    c = only("GPT-2 XL has 1.7B parameters.")
    assert c.verdict == Verdict.WRONG and "1,557,611,200" in c.message
    c = only("LLaMA-13B has 32 layers.")
    assert (c.verdict, c.expected) == (Verdict.WRONG, 40)
    c = only("Llama 3 8B uses 16 KV heads.")
    assert (c.attribute, c.verdict, c.expected) == ("kv_heads", Verdict.WRONG, 8)


def test_exact_sizes_are_not_rounded():
    c = only("GPT-3 175B has a width of 12300.")
    assert c.verdict == Verdict.WRONG
    c = only("GPT-3 175B has about 100 layers.")
    assert (c.relation, c.verdict) == ("~", Verdict.ROUNDED)


def test_context_and_vocabulary_as_written():
    found = fact_claims("Llama 2 70B has a 4k context, 8 KV heads and a 32K vocabulary.")
    assert [(c.attribute, c.value, c.verdict) for c in found] == [
        ("context", 4000, Verdict.OK), ("kv_heads", 8, Verdict.OK), ("vocab", 32_000, Verdict.OK)]
    assert "4,096" in found[0].message
    c = only("GPT-2 small reads 1024 tokens of context from a vocabulary of 50,257 tokens.", "vocab")
    assert c.verdict == Verdict.OK
    c = only("GPT-2 medium has a 50K vocabulary.")
    assert c.verdict == Verdict.ROUNDED
    c = only("GPT-3 13B has a hidden size of 5120.")
    assert c.verdict == Verdict.OK and "5140" in c.message        # the table's 5140, and 40 x 128


def test_width_words_follow_their_context():
    c = only("Inside GPT-2 small, each of the 12 heads has dimension 64.", "d_head")
    assert c.verdict == Verdict.UNVERIFIABLE                   # the GPT-2 paper gives no head width
    c = only("LLaMA-7B uses a SwiGLU FFN with hidden dimension 11008.")
    assert (c.attribute, c.verdict) == ("d_ff", Verdict.UNVERIFIABLE)
    c = only("BERT-base's feed-forward layers have 3072 hidden units.")
    assert (c.attribute, c.verdict) == ("d_ff", Verdict.OK)
    c = only("GPT-2 small has a hidden size of 1024.")
    assert (c.attribute, c.verdict, c.expected) == ("d_model", Verdict.WRONG, 768)


def test_a_short_sequence_length_may_be_a_training_length():
    c = only("BERT-base saw a sequence length of 128 for most of its pre-training.")
    assert (c.attribute, c.verdict) == ("context", Verdict.UNVERIFIABLE)
    c = only("BERT-base has a maximum sequence length of 256.")
    assert (c.attribute, c.verdict, c.expected) == ("context", Verdict.WRONG, 512)


def test_code_fences_are_not_prose():
    text = "Setup:\n\n```python\nmodel = load('gpt2')  # gpt2 with 6 layers\n```\n\nGPT-2 small has 12 layers.\n"
    c = only(text)
    assert (c.value, c.line, text[c.start:c.end]) == (12, 7, "12")


def test_unverifiable():
    c = only("GPT-2 small uses 12 attention heads.")
    assert (c.verdict, c.expected) == (Verdict.UNVERIFIABLE, None)
    c = only("T5-3B has 2.8B parameters.")
    assert c.verdict == Verdict.UNVERIFIABLE and "3B" in c.message


def test_relations():
    assert only("GPT-3 has more than 100B parameters.").verdict == Verdict.OK
    c = only("GPT-2 small has fewer than 12 layers.")
    assert (c.relation, c.verdict) == ("<", Verdict.WRONG)
    assert only("BERT-large reads up to 512 tokens of context.").relation == "<="


# ---- which model a number belongs to -----------------------------------------------

def test_two_models_in_one_sentence():
    found = fact_claims("GPT-2 small has 12 layers while GPT-2 XL has 36 layers.")
    assert [(c.model, c.value, c.verdict) for c in found] == [
        ("gpt-2-small", 12, Verdict.OK), ("gpt-2-xl", 36, Verdict.WRONG)]
    assert found[1].expected == 48
    found = fact_claims("LLaMA-65B has 80 layers; LLaMA-13B has 40.")
    assert [(c.model, c.value) for c in found] == [("llama-65b", 80)]
    found = fact_claims("GPT-2 small keeps 12 layers while RoBERTa has 24 layers.")   # not GPT-2's
    assert [(c.model, c.value) for c in found] == [("gpt-2-small", 12)]
    found = fact_claims("GPT-3 has more layers than GPT-2 XL, which has 48 layers.")   # unsure: none
    assert found == []


@pytest.mark.parametrize("text", [
    "BERT-base and GPT-2 small both have 12 layers.",          # listed together
    "BERT-base and BERT-large have 12 and 24 layers, respectively.",
    "Unlike BERT-base, the student model has 6 layers.",       # another model
    "Compared to BERT-base, our encoder uses 6 layers.",
    "DistilBERT, distilled from BERT-base, keeps 6 layers.",
    "BERT-base does not have 24 layers.",                       # negation
    "We train GPT-2 small with 6 layers and a context of 256.",  # the writer's own set-up
    "Train GPT-2 small with 6 layers.",
    "If GPT-2 small had 24 layers, it would hold 209M parameters.",
    "The embedding matrix of GPT-2 small has 38.6M parameters.",  # a part of the model
    "GPT-2 small spends 7M parameters per layer.",
    "A GPT-2-style model with 6 layers trains fast.",
    "Llama 3.1 8B reads 128K tokens of context.",
    "GPT-3.5 has 96 layers.",
])
def test_ambiguous_or_other_sentences_give_no_claim(text):
    assert claims_of(text) == []


@pytest.mark.parametrize("text", [
    "GPT-2 small was released in 2019.",
    "GPT-3 was trained on 300 billion tokens.",
    "BERT-base, see Table 12, is popular.",
    "GPT-2 small: 12 x 64 = 768 is the width split across heads.",
    "GPT-2 models range from 12 to 48 layers.",
    "| GPT-2 small | 12 | 768 |",
])
def test_numbers_not_tied_to_an_attribute_give_no_claim(text):
    assert claims_of(text) == []


def test_family_names():
    c = only("GPT-2 has 96 layers.")
    assert (c.model, c.verdict, c.expected) == ("gpt-2", Verdict.WRONG, (12, 24, 36, 48))
    c = only("GPT-2 has 1.5B parameters.")
    assert (c.model, c.member, c.verdict) == ("gpt-2", "gpt-2-xl", Verdict.ROUNDED)
    c = only("GPT-2 (124M) has 12 layers.", "layers")
    assert (c.model, c.verdict) == ("gpt-2-small", Verdict.OK)
    c = only("GPT-3 (13B) has 40 layers.", "layers")
    assert c.model == "gpt-3-13b"


# ---- consistency ---------------------------------------------------------------------

def test_layers_contradict_the_count():
    found = fact_claims("BERT-base has 24 layers and a width of 768, 110M parameters in total.")
    assert [(c.attribute, c.verdict) for c in found] == [
        ("layers", Verdict.WRONG), ("d_model", Verdict.OK), ("params", Verdict.OK)]
    [f] = consistency(found)
    assert (f.model, f.verdict, f.formula, f.published) == ("bert-base", Verdict.WRONG, 194_536_704, 109_482_240)
    assert "24 layers at width 768 give about 195M parameters" in f.message and "not 110M" in f.message


def test_count_follows_from_wrong_layers():
    [f] = consistency(fact_claims("BERT-base has 24 layers, a hidden size of 768 and 195M parameters."))
    assert f.formula == 194_536_704 and "follows from the stated 24 layers" in f.message


def test_wrong_count_with_right_sizes():
    [f] = consistency(fact_claims("GPT-2 small has 12 layers, d_model 768 and 150M parameters."))
    assert f.formula == 124_439_808 and "not 150M" in f.message


def test_consistent_documents_give_no_finding():
    text = ("GPT-2 small has 12 layers, a hidden size of 768 and 124M parameters. "
            "BERT-large (L=24, H=1024, A=16, total parameters = 340M) is larger.")
    found = fact_claims(text)
    assert len(found) == 7 and all(c.verdict in (Verdict.OK, Verdict.ROUNDED) for c in found)
    assert consistency(found) == []


def test_a_family_name_with_facts_of_two_models():
    [f] = consistency(fact_claims("BERT has 24 layers and a hidden size of 768."))
    assert f.model == "bert" and "BERT-large" in f.message and "BERT-base" in f.message


# ---- data, cost, hygiene --------------------------------------------------------------

def test_published_values():
    assert [MODELS[f"gpt-3-{k}"].facts["d_model"].value for k in
            ("small", "medium", "large", "xl", "2.7b", "6.7b", "13b", "175b")] == \
        [768, 1024, 1536, 2048, 2560, 4096, 5140, 12288]
    assert [(MODELS[k].facts["d_model"].value, MODELS[k].facts["heads"].value, MODELS[k].facts["layers"].value)
            for k in FAMILIES["llama"].members] == [(4096, 32, 32), (5120, 40, 40), (6656, 52, 60), (8192, 64, 80)]
    assert MODELS["llama-2-70b"].facts["kv_heads"].value == 8
    assert MODELS["llama-3-8b"].facts["vocab"].also[0].value == 128_256
    assert all(MODELS[k].paper.arxiv == "2005.14165" for k in FAMILIES["gpt-3"].members)


def test_cost_is_linear_in_the_text():
    filler = ("The quick brown fox jumps over 12 lazy dogs in 2048 ways. " * 20_000)[:1_000_000]
    assert fact_claims(filler) == []
    one = "GPT-2 small has 12 layers and a hidden size of 768. "
    assert len(fact_claims(one * 1000)) == 2 * 1000
    assert len(fact_claims(one * 4000)) == 2 * 4000
    crowded = "GPT-2 small, BERT-base and LLaMA-7B in 2019 " * 23_000     # 1 MB, one sentence
    assert fact_claims(crowded) == []
    dense = "GPT-2 small BERT-base LLaMA-7B 32 layers " * 25_000          # one claim per repeat
    found = fact_claims(dense)
    assert len(found) == 25_000 and {(c.model, c.verdict) for c in found} == {("llama-7b", Verdict.OK)}


def test_modules_compile_without_warnings():
    for path in sorted(FACTS.glob("*.py")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_a_context_an_example_runs_with_is_a_setting_not_the_model_s():
    # Llama 2 70B was trained with a 4k context; running it with 8K, or a 1M token prompt, claims nothing
    for text in ("Run Llama 2 70B with 8K context, batch 4.", "Llama 2 70B (1M token context) needs more memory.",
                 "Model: Llama 2 70B. Context: 1,000,000 tokens."):
        assert [c for c in fact_claims(text) if c.attribute == "context"] == [], text
    assert only("Llama 2 70B has an 8K context.").verdict == Verdict.WRONG      # the model's own: still judged
