r"""Find the facts a document states about known models, and judge each one.

``fact_claims(text)`` reads prose (a sentence, a Markdown line; LaTeX markup is
dropped by ``derive.check.facts.text``) and returns a ``FactClaim`` for each
number that is tied to an attribute *and* to a model named in the same sentence.

**A number and an attribute** are tied only by adjacency:

1. number then attribute: ``12 layers``, ``12-layer``, ``16-headed``,
   ``110M parameters``, ``2048-token context``, ``768-dimensional hidden states``;
2. attribute then number, after ``=``, ``:``, ``is``, ``of`` (for sizes also a
   space): ``L=12``, ``layers: 12``, ``hidden size of 768``, ``d_model = 768``,
   ``context window of up to 2048 tokens``;
3. a count in brackets right after the name: ``GPT-2 small (124M)``.

A number in a range or product (``12-24``, ``2 x 12``), after ``=`` of a
computation, or that counts part of a model (``7M parameters per layer``,
``the first 6 layers``) is not tied; nor is a bare context after "with", a bracket
or a colon (``with 4K context``), which is what an example runs with, not the
model's limit (``has a 4k context``, ``context length``). "about", "~", "more than", "up to" before
the number give the relation (``~``, ``>``, ``<=``).

**A fact and a model.** The fact belongs to the nearest name before it (or,
when the sentence names one model only, after it), and only if nothing between
them points elsewhere: another model's name (also unknown ones: RoBERTa,
GPT-4, Flan-T5, Llama 3.1), a negation, a contrast or comparison ("unlike",
"than", "while"), a pronoun of the writer's own model ("our", "this", "we"), a
change ("half", "reduced", "fine-tuned", "student"), or a part ("each", "per",
"embedding"). A name introduced by "like", "than", "unlike", "from", "based on"
... owns nothing; names listed together (``BERT-base and GPT-2 small have 12
layers``) neither. A sentence that says "we train/use/modify ..." is about the
writer's own set-up and is skipped; so is what follows "if", "suppose",
"would". Ties reach at most ``MAX_REACH`` characters.

Everything is regular expressions applied once per sentence that holds a
family word; each search is bounded by the sentence, each gap by ``MAX_REACH``:
the cost is linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from derive.check.claim import CORRECT, Verdict
from derive.check.facts.judge import FactClaim, Judgement, judge
from derive.check.facts.models import FAMILIES
from derive.check.facts.names import Mention, anchors, mentions
from derive.check.facts.quantity import NUMBER, Reading, read_number
from derive.check.facts.text import clean, sentences
from derive.check.policy import POLICY

MAX_REACH = POLICY.fact_reach          # characters between a name and a fact tied to it

_QUALIFIERS = [(">=", r"at[ ]least|no[ ]fewer[ ]than|no[ ]less[ ]than"),
               (">", r"more[ ]than|over|above|greater[ ]than|upwards[ ]of|in[ ]excess[ ]of|just[ ]over|>"),
               ("<=", r"up[ ]to|at[ ]most|no[ ]more[ ]than|≤"),
               ("<", r"fewer[ ]than|less[ ]than|under|below|just[ ]under|<"),
               ("~", r"about|around|roughly|approximately|approx\.?|nearly|almost|circa|some|~|≈"),
               (">=", r"≥")]
_QUAL = "|".join(f"(?P<q{i}>{p})" for i, (_, p) in enumerate(_QUALIFIERS))
_QUAL_BEFORE = re.compile(rf"(?<![\w])(?i:{_QUAL})[ \t]*$")
_QUAL_AFTER = re.compile(rf"(?i:{_QUAL})[ \t]*")

# 1. number, then attribute
_AFTER = re.compile(r"""(?:[ \t]?-[ \t]?|[ \t]+)(?:
   (?P<kv_heads>(?:KV|key[-/ ]?value)[- ](?:heads?|groups)\b)
 | (?P<d_head>(?:dimensional|dim)[- ](?:attention[- ])?heads?\b|dimensions?[ ]per[ ]head\b)
 | (?P<d_ff>(?:dimensional|dim)[- ](?:inner[- ]states?|feed-?forward|FFN|MLP|intermediate)\b)
 | (?P<d_model>(?:dimensional|dim)[- ](?:hidden[- ])?(?:states?|embeddings?|representations?|vectors?|residual)\b
     |(?:model|embedding)[- ]dimensions?\b)
 | (?P<width>hidden[- ](?:units|dimensions?|size)\b)
 | (?P<layers>(?:(?:transformer|decoder|encoder|hidden|identical|stacked)[- ])?(?:layers?|blocks?)\b)
 | (?P<heads>(?:(?:self-)?attention[- ]|query[- ])?head(?:s|ed)?\b)
 | (?P<params>(?:(?:trainable|total|model)[- ])?(?:parameters?|params?|weights)\b)
 | (?P<vocab>(?:(?:token|word|wordpiece|subword|BPE|sentencepiece)[- ])?vocab(?:ulary)?\b
     |(?:BPE|WordPiece|SentencePiece|subword)[- ]tokens\b|tokens[ ]in[ ](?:its|the)[ ]vocabulary\b)
 | (?P<seqlen>(?:tokens?[- ])?sequence[- ]length\b)
 | (?P<context>tokens?[ ]of[ ]context\b|(?:tokens?[- ])?(?:context(?:[- ](?:window|length|size))?
     |positions?)\b|position(?:al)?[- ]embeddings\b)
)""", re.X | re.I)

# 2. attribute, then number
_BEFORE = re.compile(r"""(?<![\w])(?:
   (?P<kv_heads>n_kv_heads|num_key_value_heads|(?:number[ ]of[ ])?(?:KV|key[-/ ]?value)[- ]heads)
 | (?P<d_head>d_head|d_k|d_kv|head_dim|head[ ]dim(?:ension)?|head[ ]size|(?:per-head|attention[ ]head)[ ]
     dim(?:ension)?|dim(?:ension)?[ ]per[ ]head)
 | (?P<d_ff>d_ff|d_inner|n_inner|intermediate_size|ffn_dim|(?:feed-?forward|FFN|MLP|inner|intermediate|filter)
     [ ](?:layer[ ])?(?:dim(?:ension)?|size|width|hidden[ ]size))
 | (?P<d_model>d_model|d[ ]model|n_embd|hidden_size|model[ ](?:dim(?:ension)?|width)
     |embedding[ ](?:dim(?:ension)?|size|width)|residual[ ](?:stream[ ])?(?:dim(?:ension)?|width)
     |(?-i:H|d)(?=[ \t]*=))
 | (?P<width>hidden[ ](?:size|dim(?:ension)?)|dimension|width)
 | (?P<layers>n_layers?|num_(?:hidden_)?layers|number[ ]of[ ](?:transformer[ ]|hidden[ ]|decoder[ ]|encoder[ ])?
     (?:layers|blocks)|(?:transformer[ ]|decoder[ ]|encoder[ ]|hidden[ ])?layers|depth|(?-i:L)(?=[ \t]*=))
 | (?P<heads>n_heads?|num_(?:attention_)?heads|number[ ]of[ ](?:attention[ ]|self-attention[ ])?heads
     |(?:attention[ ])?heads|(?-i:A)(?=[ \t]*=))
 | (?P<context>n_ctx|n_positions|max_position_embeddings|block_size|max_seq_len|context[ ]window[ ]size
     |max(?:imum)?[ ]sequence[ ]length|(?:max(?:imum)?[ ])?(?:context(?:[ ](?:window|length|size))?
     |position[ ]embeddings))
 | (?P<seqlen>sequence[ ]length)
 | (?P<vocab>vocab_size|n_vocab|(?:token[ ])?vocab(?:ulary)?(?:[ ]size)?)
 | (?P<params>n_params|(?:total[ ])?(?:number[ ]of[ ])?(?:parameters|params)|parameter[ ]count)
)(?![\w])""", re.X | re.I)
_COUNTS = ("layers", "heads", "kv_heads", "params")      # no bare space between word and number
_SEP_COUNT = re.compile(r"[ \t]*(?:[:=≈]|:=|(?i:is|are|was|were|equals?|equal[ ]to|set[ ]to|totals?))[ \t]*"
                        r"|[ \t]*\([ \t]*")
_SEP_SIZE = re.compile(r"[ \t]*(?:[:=≈]|:=|(?i:is|was|of|equals?|equal[ ]to|set[ ]to|of[ ]size))[ \t]*"
                       r"|[ \t]*\([ \t]*|[ \t]+")

# 3. a count in brackets after the name
_PAREN = re.compile(r"[ \t]*\([ \t]*")
_PAREN_END = re.compile(r"(?:[ \t]+(?i:parameters|params))?[ \t]*[),;]")

# numbers that are not a model's total
_RANGE_BEFORE = re.compile(r"(?:\d[ \t]*[kKMBT]?[ \t]*(?:[-–—/×*x]|(?i:to|by))[ \t]*|[×*/^+][ \t]*"
                           r"|(?<![\w])(?i:layer|head|block|table|figure|fig\.|section|sec\.|eq\.|equation"
                           r"|step|epoch|no\.|top|first|last|final|bottom|remaining|additional|extra|another"
                           r"|other)[ \t-]*|#)$")
_EQUALS_BEFORE = re.compile(r"=[ \t]*$")
_RANGE_AFTER = re.compile(r"[ \t]*(?:[-–—/×*x^+]|(?i:to|by)(?![\w]))[ \t]*\d")
_PART_AFTER = re.compile(r"[ \t]*[(,]?[ \t]*(?i:per|each|in[ \t]+(?:the[ \t]+|each[ \t]+|every[ \t]+)?"
                         r"(?:embeddings?|attention|mlp|ffn|layer|block|head)|excluding|without|not[ \t]+"
                         r"counting|of[ \t]+which|non-embedding)(?![\w])")

# what may not stand between a name and its fact
_BLOCK = re.compile(r"""(?<![\w])(?i:
   not|no|never|neither|nor|without|\w+n't|instead|rather|except|unlike|like|than|versus|vs|compared|whereas
 | while|but|however|although|though
 | we|our|ours|us|you|your|they|their|this|these|those|he|she
 | if|suppose|imagine|hypothetical\w*|would|could|might
 | half|twice|double|triple|doubl\w+|tripl\w+|fewer|more|less|smaller|larger|bigger|reduc\w*|increas\w*
 | decreas\w*|extend\w*|expand\w*|modif\w*|chang\w*|replac\w*|shr[iu]nk\w*|grow\w*|prun\w*|distil\w*
 | quantiz\w*|truncat\w*|fine-?tun\w*|student|teacher|variant|version|baseline|reimplement\w*|reproduc\w*
 | per|embedding|embeddings|matrix|matrices|layer|block|head|component|module|sub-?layer
)(?![\w])""", re.X)
_OTHER_MODEL = re.compile(r"""(?<![\w-])(?:
   [A-Za-z]*[a-z][A-Z][\w-]*                 # RoBERTa, DistilBERT, PaLM, XLNet, ChatGPT
 | [A-Z][A-Za-z]*-?\d[\w.-]*                  # OPT-175B, Mistral-7B, Flan-T5, Phi-2
 | (?:Gemma|Mistral|Mixtral|Falcon|Chinchilla|Gopher|Pythia|Qwen|Claude|Gemini|Bloom|BLOOM|OPT|ALBERT|ELECTRA
   |Megatron|Vicuna|Alpaca|Phi|Jurassic|Grok|Baichuan|ERNIE|Galactica|Orca|Zephyr|Jamba|Mamba
   |RWKV|LaMDA|Minerva|Codex|Whisper|CLIP|ViT|Koala|Dolly|MPT|Transformer-XL)(?![\w])
)""", re.X)
# words with inner capitals that name a technique, a tool or a corpus, not a model
_NOT_MODELS = frozenset(w.lower() for w in """RoPE ALiBi GeLU ReLU SwiGLU GeGLU LayerNorm RMSNorm WordPiece
    SentencePiece PyTorch TensorFlow HuggingFace OpenAI DeepMind GitHub LaTeX BookCorpus WebText OpenWebText
    CommonCrawl FlashAttention AdamW MoE JavaScript WikiText NumPy SciPy PyPI MLPerf ByteLevel TikToken
    tiktoken BooksCorpus PubMed ArXiv YouTube MathJax KaTeX""".split())
_COMPARE_INTRO = re.compile(r"(?<![\w])(?i:like|unlike|than|as|versus|vs\.?|compared[ ](?:to|with)|relative[ ]to"
                            r"|similar[ ]to|instead[ ]of|rather[ ]than|except|besides|over|from|on[ ]top[ ]of"
                            r"|based[ ]on|built[ ]on|derived[ ]from|initiali[sz]ed[ ]from)"
                            r"[ \t]+(?:(?i:the|a|an|original|standard|vanilla)[ \t]+)*$")
_LISTED = re.compile(r"[ \t]*(?:/|&|\+|,?[ \t]*(?i:and|or|as[ \t]+well[ \t]+as))[ \t]*(?i:the[ \t]+)?")
_PART_OF = re.compile(r"(?<![\w])(?i:embeddings?|matrix|matrices|layers?|blocks?|heads?|attention|mlp|ffn"
                      r"|feed-?forward|tokenizer|encoder|decoder|part|half|fraction|copy|version|variant|student"
                      r"|distillation|reimplementation|clone|fine-?tune|subset|output|input|weights|modules?)"
                      r"[ \t]+(?i:of|in|from|inside)[ \t]+(?:(?i:the|a|an)[ \t]+)?$")
_FIRST_PERSON = re.compile(r"(?<![\w])(?:(?i:we|our|us|ours)|I)(?![\w'])")
_OWN_SETUP = re.compile(r"(?<![\w])(?i:train\w*|pre-?train\w*|fine-?tun\w*|modif\w*|reduc\w*|increas\w*"
                        r"|decreas\w*|extend\w*|expand\w*|shr[iu]nk\w*|chang\w*|replac\w*|scal\w*|set|use[sd]?"
                        r"|using|configur\w*|adopt\w*|implement\w*|distil\w*|prun\w*|truncat\w*)(?![\w])")
_IMPERATIVE = re.compile(r"[^\w]*(?i:train|fine-?tune|pre-?train|load|create|build|initiali[sz]e|instantiate"
                         r"|configure|set|use|run|try|let's|define|make|modify|reduce|increase|change|replace"
                         r"|shrink|scale|truncate|prune|distil+|consider|take)(?![\w])")
_HYPOTHETICAL = re.compile(r"(?<![\w])(?i:if|suppose|supposing|imagine|hypothetical\w*|would|were[ ]to"
                           r"|let's[ ]say)(?![\w])")


# "hidden size", "dimension", "width" name d_model, unless they follow a feed-forward net or heads
_FFN_BEFORE = re.compile(r"(?<![\w])(?i:FFN|MLP|feed-?forward|intermediate|inner|SwiGLU|GeGLU|GLU|experts?)s?"
                         r"(?![\w])[^.,;:]{0,24}$")
_HEAD_BEFORE = re.compile(r"(?<![\w])(?i:heads?|per-head)(?![\w])[^.,;:]{0,24}$")
_WIDTHS = ("d_model", "d_ff", "d_head")


def _judge_tie(t: str, s0: int, key: str, tie: "_Tie", reading: Reading) -> tuple[str, Judgement]:
    """The attribute a tie stands for, and the verdict.

    An ambiguous width word is judged as what its context says (d_ff after
    "FFN", d_head after "heads", else d_model), and is right if it is any of
    the model's widths. A "sequence length" shorter than the context may be
    the length of a training or input sequence: not wrong, unverifiable."""
    if tie.attribute == "width":
        window = t[max(s0, tie.attr_start - 40):tie.attr_start]
        first = "d_ff" if _FFN_BEFORE.search(window) else "d_head" if _HEAD_BEFORE.search(window) else "d_model"
        verdict = judge(key, first, reading, tie.relation)
        if verdict.verdict not in CORRECT:
            for other in _WIDTHS:
                again = judge(key, other, reading, tie.relation)
                if other != first and again.verdict in CORRECT:
                    return other, again
        return first, verdict
    if tie.attribute == "seqlen":
        verdict = judge(key, "context", reading, tie.relation)
        longest = max(verdict.expected) if isinstance(verdict.expected, tuple) else verdict.expected
        if verdict.verdict == Verdict.WRONG and longest is not None and reading.value < longest:
            return "context", replace(verdict, verdict=Verdict.UNVERIFIABLE, message=(
                f"{verdict.message}; a shorter sequence length may be a training or input length"))
        return "context", verdict
    return tie.attribute, judge(key, tie.attribute, reading, tie.relation)


_LIMIT = re.compile(r"window|length|size|n_ctx|n_positions|max|position|block", re.I)


_SETTING_BEFORE = re.compile(r"(?:\bwith|\(|:)[ \t]*$", re.I)


def _run_setting(attribute: str, words: str, before: str) -> bool:
    """A bare "context" after "with", a bracket or a colon (``with 4K context``, ``(1M token
    context)``, ``Context: 1,000,000 tokens``) is the context an example runs with, a
    setting, not the model's limit; "has a 4k context" and a context window, length or
    size are facts about the model."""
    return attribute == "context" and not _LIMIT.search(words) and bool(_SETTING_BEFORE.search(before))


@dataclass
class _Tie:
    number: re.Match
    attribute: str
    start: int                     # the phrase: qualifier, number and attribute words
    end: int
    attr_start: int
    relation: str
    owner: Mention | None = None   # set for a bracket after a name


def _relation(m: re.Match | None) -> str:
    if not m:
        return "="
    return next(_QUALIFIERS[i][0] for i in range(len(_QUALIFIERS)) if m.group(f"q{i}"))


def _numbers(t: str, s0: int, s1: int, names: list[Mention]) -> dict[int, re.Match]:
    starts = [m.start for m in names]
    found = {}
    for n in NUMBER.finditer(t, s0, s1):
        i = bisect_right(starts, n.start())             # names are in order and do not overlap
        if (i and names[i - 1].end > n.start()) or (i < len(names) and names[i].start < n.end()):
            continue                                    # the 2 of GPT-2, the 7B of LLaMA-7B
        if _RANGE_BEFORE.search(t, max(s0, n.start() - 16), n.start()) or _RANGE_AFTER.match(t, n.end(), s1):
            continue
        found[n.start()] = n
    return found


def _ties(t: str, s0: int, s1: int, names: list[Mention], numbers: dict[int, re.Match]) -> list[_Tie]:
    ties: dict[int, list[_Tie]] = {}
    for at, n in numbers.items():                      # 1. number, attribute
        a = _AFTER.match(t, n.end(), s1)
        if not a or _EQUALS_BEFORE.search(t, max(s0, at - 4), at):
            continue
        attribute = a.lastgroup
        if attribute == "params" and _PART_AFTER.match(t, a.end(), s1) \
                or _run_setting(attribute, a.group(attribute), t[max(s0, at - 12):at]):
            continue
        q = _QUAL_BEFORE.search(t, max(s0, at - 24), at)
        ties.setdefault(at, []).append(_Tie(n, attribute, q.start() if q else at, a.end(), a.start(attribute),
                                            _relation(q)))
    p1_attrs = {tie.attr_start for group in ties.values() for tie in group}
    for a in _BEFORE.finditer(t, s0, s1):              # 2. attribute, number
        attribute = a.lastgroup
        if a.start() in p1_attrs:
            continue                                    # "12 layers of 768": the 12 has the layers
        sep = (_SEP_COUNT if attribute in _COUNTS else _SEP_SIZE).match(t, a.end(), s1)
        if not sep:
            continue
        q = _QUAL_AFTER.match(t, sep.end(), s1)
        at = q.end() if q else sep.end()
        n = numbers.get(at)
        if n is None or (attribute == "params" and _PART_AFTER.match(t, n.end(), s1)) \
                or _run_setting(attribute, a.group(attribute), sep.group()):
            continue
        ties.setdefault(at, []).append(_Tie(n, attribute, a.start(), n.end(), a.start(), _relation(q)))
    for name in names:                                  # 3. GPT-2 small (124M)
        p = _PAREN.match(t, name.end, s1)
        if not p or not name.known:
            continue
        q = _QUAL_AFTER.match(t, p.end(), s1)
        at = q.end() if q else p.end()
        n = numbers.get(at)
        closing = _PAREN_END.match(t, n.end(), s1) if n else None
        if n is None or not closing or read_number(n).multiplier < 10 ** 6:
            continue
        ties.setdefault(at, []).append(_Tie(n, "params", p.start(), closing.end(), n.end(), _relation(q), name))
    chosen = []
    for at, group in ties.items():
        if len({tie.attribute for tie in group}) == 1:  # one number, two attributes: neither
            chosen.append(next((tie for tie in group if tie.owner), group[0]))
    return sorted(chosen, key=lambda tie: tie.start)


def _blanked(t: str, a: int, b: int, ties: list[_Tie], starts: list[int]) -> str:
    """``t[a:b]`` with the phrases of other ties blanked out (a list of facts is one gap)."""
    out, pos = [], a
    for tie in ties[max(0, bisect_left(starts, a) - 1):bisect_right(starts, b)]:
        if tie.end <= a or tie.start >= b:
            continue
        out.append(t[pos:max(pos, tie.start)])
        pos = max(pos, min(b, tie.end))
    out.append(t[pos:b])
    return " ".join(out)


def _owner(t: str, s0: int, tie: _Tie, names: list[Mention], ends: list[int],
           ties: list[_Tie], starts: list[int]) -> Mention | None:
    """The name a fact belongs to, or None when that is not sure."""
    if tie.owner:
        return tie.owner
    i = bisect_right(ends, tie.start)
    if i:
        name = names[i - 1]
        if i > 1 and _LISTED.fullmatch(t, names[i - 2].end, name.start):
            return None                                 # "BERT-base and GPT-2 small have ..."
        gap = (name.end, tie.start)
    else:
        if len({m.key for m in names}) != 1 or not names[0].known:
            return None
        name = next((m for m in names if m.start >= tie.end), None)
        if name is None:
            return None
        gap = (tie.end, name.start)
    if not name.known or gap[1] - gap[0] > MAX_REACH:
        return None
    if _COMPARE_INTRO.search(t, max(s0, name.start - 32), name.start) or \
            _PART_OF.search(t, max(s0, name.start - 40), name.start):
        return None                                     # "unlike BERT-base, ...", "than GPT-2 small"
    between = _blanked(t, gap[0], gap[1], ties, starts)
    if _BLOCK.search(between) or any(m.group(0).lower() not in _NOT_MODELS
                                      for m in _OTHER_MODEL.finditer(between)):
        return None
    return name


def _sentence_claims(t: str, s0: int, s1: int) -> list[tuple[_Tie, Mention]]:
    names = mentions(t, s0, s1)
    if not any(m.known for m in names):
        return []
    setup = _FIRST_PERSON.search(t, s0, s1) or _IMPERATIVE.match(t, s0, s1)
    if setup and _OWN_SETUP.search(t, s0, s1):
        return []                                       # "we train GPT-2 small with 6 layers"
    hypothetical = _HYPOTHETICAL.search(t, s0, s1)
    limit = hypothetical.start() if hypothetical else s1
    ties = _ties(t, s0, s1, names, _numbers(t, s0, s1, names))
    ends, starts = [m.end for m in names], [tie.start for tie in ties]
    found = []
    for tie in ties:
        if tie.start >= limit:
            break
        name = _owner(t, s0, tie, names, ends, ties, starts)
        if name is not None:
            found.append((tie, name))
    return found


def _chosen_sentences(t: str) -> list[tuple[int, int]]:
    """The sentences that hold a family word (code fences hold no sentence)."""
    spans = sentences(t)
    firsts = [s for s, _ in spans]
    keep = set()
    for a in anchors(t):
        i = bisect_right(firsts, a) - 1
        if i >= 0 and a < spans[i][1]:
            keep.add(i)
    return [spans[i] for i in sorted(keep)]


def fact_claims(text: str) -> list[FactClaim]:
    """Every fact about a known model the text states, judged (see the module's docstring)."""
    c = clean(text)
    t = c.text
    claims: list[FactClaim] = []
    newlines: list[int] | None = None
    for s0, s1 in _chosen_sentences(t):
        resolved: dict[int, str] = {}
        for tie, name in _sentence_claims(t, s0, s1):
            reading = read_number(tie.number, approximate=tie.relation == "~")
            key = resolved.get(name.start, name.key)
            if tie.owner and name.family in FAMILIES and key in (name.family, FAMILIES[name.family].default):
                by_size = judge(name.family, "params", reading, tie.relation)
                if by_size.member and by_size.verdict in CORRECT:
                    key = resolved[name.start] = by_size.member     # "GPT-2 (124M)": the small one
            attribute, verdict = _judge_tie(t, s0, key, tie, reading)
            start, end = c.origin(tie.number.start()), c.origin_end(tie.number.end())
            if newlines is None:
                newlines = [m.start() for m in re.finditer("\n", text)]
            claims.append(FactClaim(
                start, end, key, attribute, text[start:end], reading.value, verdict.expected,
                verdict.paper, verdict.verdict, verdict.message, tie.relation, reading.unit,
                verdict.member, verdict.basis, text[c.origin(name.start):c.origin_end(name.end)],
                c.origin(name.start), bisect_right(newlines, start) + 1))
    return claims
