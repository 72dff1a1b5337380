r"""Where a sentence names a model, and which one.

A name is a family word (GPT, BERT, LLaMA/Llama, T5, openai-gpt), a version
for GPT and Llama (GPT-2, Llama 2, Llama-3), and a size: a word after it
(``GPT-2 small``, ``BERT_BASE``, ``t5-3b``, ``Llama-2-70b-chat-hf``) or a count
before it (``124M GPT-2``, ``the 7B LLaMA``). Separators are ``-``, ``_``, a
space or none (``GPT2-small``). The bare family names: ``GPT-3`` is the 175B
model (as its paper calls it); ``GPT-2``, ``BERT``, ``LLaMA``, ``Llama 2``,
``Llama 3``, ``T5`` and plurals (``GPT-3 models``) name the family.

A name that looks like one of these but is another model is a *barrier*
(``known=False``): GPT-3.5, GPT-4, GPT-J, Llama 3.1, Llama 2 34B, BERT-tiny,
BERT-base-multilingual, Flan T5, T5 v1.1, Code Llama, GPT-2-style, BERT-like,
a bare "Llama". It ends the reach of the name before it, and no fact is tied
to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derive.check.facts.models import FAMILIES, SIZES

_ANCHOR = re.compile(
    r"(?<![\w-])(?:(?P<pre>\d+(?:\.\d+)?[ \t]?[MBmb])[ \t-]+(?:(?:parameters?|params?)[ \t-]+)?)?"
    r"(?:Meta[-_ ])?(?P<fam>openai-gpt|GPT|gpt|BERT|bert|LLaMA|LLAMA|Llama|llama|T5|t5)(?![a-zA-Z])")
_VERSION = re.compile(r"[-_ ]?(?:(?P<ver>\d+(?:\.\d+)*)(?![\w])|(?P<bad>\d+(?:\.\d+)*[a-zA-Z]?))")
_SIZE_AFTER = re.compile(
    r"[-_ ]{1,2}(?P<size>\d+(?:\.\d+)?[MBmb]|(?i:small|medium|large|xl|xxl|base|tiny|mini))(?![\w])"
    r"(?![ \t-]+(?i:language|LMs?\b))")
_SUFFIX = re.compile(r"(?:[-_](?i:uncased|chat|hf|instruct))+(?![\w])")
_VARIANT = re.compile(
    r"[-_ ]?(?i:like|style|sized?|scale|ish|inspired|based|class|type|esque|cased|multilingual|chinese"
    r"|wwm|guard)(?![\w])|[-_ ]?v\d+(?:[._]\d+)*|\.\d+(?:[._]\d+)*")
_PLURAL = re.compile(r"[ \t]+(?i:models|family|series|sizes|variants|checkpoints)(?![\w])")
_PREFIX_OTHER = re.compile(r"(?<![\w])(?i:code|tiny|open|flan|vicuna|alpaca|chinese|long)[-_ ]?$")


@dataclass(frozen=True)
class Mention:
    """A model name in the clean text: its span, and what it names."""

    start: int
    end: int
    key: str | None          # a model or a family key; None for a barrier
    family: str | None
    known: bool


def _family_of(word: str, version: str | None) -> str | None:
    if word == "openai-gpt":
        return "gpt-1" if version is None else None
    if word == "gpt":
        return {"1": "gpt-1", "2": "gpt-2", "3": "gpt-3"}.get(version or "")
    if word in ("bert", "t5"):
        return word
    return {None: "llama", "1": "llama", "2": "llama-2", "3": "llama-3"}.get(version)


def _mention_at(text: str, m: re.Match, stop: int) -> Mention:
    """What the name found by ``_ANCHOR`` at ``m`` is (see the module's docstring)."""
    fam = m.group("fam")
    word, start, end = fam.lower(), m.start("fam"), m.end()

    def barrier(at: int) -> Mention:
        return Mention(start, at, None, None, False)

    if _PREFIX_OTHER.search(text, max(0, start - 8), start):
        return barrier(end)                                     # Code Llama, Flan T5
    version = None
    if word in ("gpt", "llama") and not (word == "llama" and _SIZE_AFTER.match(text, end, stop)):
        v = _VERSION.match(text, end, stop)
        if v and v.group("bad"):
            return barrier(v.end())                             # GPT-4o
        if v:
            version, end = v.group("ver"), v.end()
    family = _family_of(word, version)
    if family is None:
        return barrier(end)                                     # GPT-4, GPT-3.5, GPT-J, Llama 3.1
    size = None
    s = _SIZE_AFTER.match(text, end, stop)
    if s:
        size, end = s.group("size").lower(), s.end()
    x = _SUFFIX.match(text, end, stop)
    end = x.end() if x else end
    if _VARIANT.match(text, end, stop):
        return barrier(end)                                     # GPT-2-style, BERT-base-cased, T5 v1.1
    pre = m.group("pre")
    pre_size = re.sub(r"\s", "", pre).lower() if pre else None
    if pre_size and (family, pre_size) in SIZES:
        if size is not None and SIZES.get((family, size)) != SIZES[(family, pre_size)]:
            return barrier(end)                                 # "345M GPT-2 large": which?
        size, start = pre_size, m.start("pre")
    if size is not None:
        key = SIZES.get((family, size))
        if key is None:
            return barrier(end)                                 # GPT-3 200B, Llama 2 34B, BERT-tiny
        return Mention(start, end, key, family, True)
    if fam == "gpt" and version == "2" and end == m.end() + 1:
        return Mention(start, end, "gpt-2-small", family, True)   # gpt2: the Hugging Face id
    bare_ok = {"gpt": version is not None, "openai-gpt": True, "bert": fam == "BERT",
               "t5": fam == "T5", "llama": fam in ("LLaMA", "LLAMA") or version is not None}
    if not bare_ok[word]:
        return barrier(end)                                     # a bare "Llama", "bert", "t5"
    if _PLURAL.match(text, end, stop):
        return Mention(start, end, family, family, True)        # GPT-3 models: the family
    return Mention(start, end, FAMILIES[family].default or family, family, True)


def mentions(text: str, start: int = 0, stop: int | None = None) -> list[Mention]:
    """The model names in ``text[start:stop]``, in order."""
    stop = len(text) if stop is None else stop
    found = []
    for m in _ANCHOR.finditer(text, start, stop):
        found.append(_mention_at(text, m, stop))
    return found


def anchors(text: str):
    """Where any family word occurs (to find the sentences worth reading)."""
    return (m.start() for m in _ANCHOR.finditer(text))
