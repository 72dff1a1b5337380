r"""One statement -> the claims it makes (drafts) and the values it gives (bindings).

    X = \begin{pmatrix} ... \end{pmatrix}     a binding of X, and a draft the judge finds nothing
                                              computes: a value given
    Q = X W_Q                                 a formula for Q: no claim, no value
    Q = \begin{pmatrix} ... \end{pmatrix}     a claim about Q; Q's binding keeps the printed
                                              numbers and the formula that computes them
    a = b \approx c                           every member after the first is a claim about a
    W \leftarrow W - \eta g                   an update rule (``derive.check.bind.updates``)
    at $z = 0$ ...                            a supposed value: given, claims nothing

A name that had values before and is printed again *restates* them: the claim
is judged against the old value, and the new one is kept beside it, on trial
(``Draft.restated``); whether it was a change on purpose is settled by the
claims after it (``derive.check.across``). When the prose says the value
changes (``Draft.announced``), the old value is out of date after it.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from derive.check.bind.drafts import Draft
from derive.check.bind.entries import entry_readings
from derive.check.bind.env import Binding
from derive.check.bind.patterns import pattern_of
from derive.check.bind.resolve import evaluate, exact_value
from derive.check.bind.substitution import product_pair, settled, substituted
from derive.check.bind.units import in_units_of, measured
from derive.check.bind.updates import step_rule, update_rule
from derive.check.evaluate.fastface import FAST, to_fast
from derive.check.evaluate.functions import ELEMENTWISE
from derive.check.evaluate.values import EVAL_FAILURES, Val
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.derivations import JOINING, Statement
from derive.check.read.grids import grid_of
from derive.numbers import parse_decimal, significant_digits

JUDGED = JOINING
EVALUATION_FAILURES = EVAL_FAILURES


class StatementBinder:
    """The drafts and bindings of one statement (the walk's env and drafts are shared)."""

    def __init__(self, walk, st: Statement):
        self.walk, self.env = walk, walk.env
        self.origin = st.span.start
        parts = tuple(entry_readings(p, self.env, self.origin + p.start) for p in st.parts)
        self.st = st if all(a is b for a, b in zip(parts, st.parts)) else replace(st, parts=parts)

    # ---------------------------------------------------------------- places
    def at(self, node: N.Node) -> int:
        return self.origin + node.start

    def line(self, node: N.Node) -> int:
        return self.walk.doc.line_of(self.at(node))

    def draft(self, what: str, part: N.Node, **kw) -> Draft:
        end = self.walk.doc.line_of(self.origin + max(part.start, part.end - 1))
        d = Draft(what, self.at(part), self.line(part), end, part=part, origin=self.origin,
                  display=self.st.span.display, text=self.st.span.text[part.start:part.end], **kw)
        grid = grid_of(part)
        if grid is not None and what in ("claim", "bare", "update"):
            self.env.note_rounded(grid, d.at)
        self.walk.drafts.append(d)
        return d

    # ---------------------------------------------------------------- a statement
    def run(self) -> None:
        parts, rels, done, label = self.st.parts, self.st.rels, self.st.done, self.st.label
        if len(parts) == 1:
            self.bare(parts[0])
            return
        self.walk.pending = None
        if self.names_one_value():
            for name in parts[:-1]:
                StatementBinder(self.walk, replace(self.st, parts=(name, parts[-1]), rels=rels[-1:], done=1)).run()
            return
        if rels[0] == "update" and label is not None:
            self.update_chain(label)
            return
        if rels[0] == "=" and done == 1 and label is not None:
            step_rule(self.env, label, parts[1], self.at(label), self.line(label))
            pattern = pattern_of(label, parts[1], self.at(label))
            if pattern is not None:
                self.env.patterns.append(pattern)
        if done == 1 and label is not None and (self.st.supposed and self.named(label) or self.index(label)):
            self.supposition(label)
            return
        self.substitutions()
        formula = done == 1 and label is not None and rels[0] in JUDGED and self.definition(label, parts[1])
        # a line restating what the code printed claims its value and gives the label none
        given = None if self.st.span.notation == "labelled" else self.values(label, formula)
        self.links(done, label, formula, given)

    def names_one_value(self) -> bool:
        r"""``d_k = d_v = 64`` with d_v new: several names given one printed value, each as if
        alone (a name known before is then restated, or given anew in a new example). A middle
        name with a value is working (``\partial in / \partial out = w_5 = 0.40``)."""
        parts = self.st.parts
        at = self.at(parts[0])
        return len(parts) > 2 and self.st.done == 1 and all(isinstance(p, N.Sym) for p in parts[:-1]) \
            and grid_of(parts[-1]) is not None and all(r == "=" for r in self.st.rels) \
            and all(self.env.latest(p.name, at) is None for p in parts[1:-1])

    def substitutions(self) -> None:
        """Names given a value by a formula written again with numbers put in
        (``derive.check.bind.substitution``): bound from there on, when the document
        gave them none (a later substitution with another number replaces an earlier one:
        a new example)."""
        parts, rels = self.st.parts, self.st.rels
        for k in range(max(self.st.done - 1, 0), len(parts) - 1):
            if rels[k] != "=":
                continue
            found = substituted(parts[k], parts[k + 1], lambda name, at=self.at(parts[k + 1]): self.known(name, at))
            if found is None:
                self.settled_pair(parts[k], parts[k + 1])
            for name, (sym, number) in (found or {}).items():
                if name in POLICY.dimension_names:
                    continue
                at = self.at(parts[k + 1])
                known = self.env.candidates(name, at)
                if known and known[0].printed is not None and N.key(number) == known[0].printed[0][0].text:
                    continue    # the number the document printed for it: judged where it was printed
                if any(b.origin != "substituted" for b in known):
                    # a value the document gave: the number put in for it is a claim about it
                    self.draft("claim", number, label=sym, parts=(sym, number), k=1, relation="approx")
                    continue
                self.bind_substituted(name, number, at, self.line(parts[k + 1]))

    def bind_substituted(self, name: str, number: N.Node, at: int, line: int) -> None:
        """``name`` stood for the printed ``number`` from ``at`` on."""
        grid = grid_of(number)
        self.env.bind(Binding(name, at, line, "substituted", printed=grid, scalar=True, rounding=rounding(grid, False)))

    def settled_pair(self, pattern: N.Node, concrete: N.Node) -> None:
        """A product of two names put in as two numbers that nothing settles yet: kept
        (``Env.pairs``); with an earlier pair that shares one name and one number, both
        pairs' names are bound (``substitution.settled``) after this statement (its own
        working is not judged by the values it gives), those still without a value."""
        pair = product_pair(pattern, concrete)
        if pair is None:
            return
        after = self.st.end
        for name, number in settled(pair, self.env.pairs).items():
            if not self.env.candidates(name, after):
                self.bind_substituted(name, number, after, self.line(concrete))
        self.env.pairs.append(pair)

    def known(self, name: str, at: int) -> tuple:
        """The values a name already has at ``at`` (a scalar): its exact value and the
        number the document printed for it (an author puts in the printed one)."""
        cands = [b for b in self.env.candidates(name, at) if b.origin != "substituted"]
        if not cands:
            return ()
        out = []
        try:
            value = exact_value(cands[0], self.env)
            out += [value.entry(0, 0)] if value.shape == (1, 1) else []
        except EVALUATION_FAILURES:
            pass
        printed = cands[0].printed
        if printed is not None and len(printed) == len(printed[0]) == 1:
            out.append(printed[0][0].value)
        return tuple(out)

    def links(self, done: int, label: N.Node | None, formula: bool, given: Binding | None,
              parts=None, rels=None) -> None:
        """A draft for every member after the first that prints a number or working."""
        parts, rels = parts or self.st.parts, rels or self.st.rels
        parts, units = measured(parts, self.walk.doc.text, self.origin)
        trial = self.restatement(label, given)
        last = next((p for p in reversed(parts[1:]) if grid_of(p) is not None), None)
        for k in range(done, len(parts)):
            part, rel = parts[k], rels[k - 1]
            if rel not in JUDGED or self.malformed(part) or (k == 1 and formula):
                continue
            grid = grid_of(part)
            if grid is None and not N.has_numbers(part):
                continue
            mine = trial if part is last else {}
            if k == 1 and label is not None:
                rule = self.env.pending_update(N.key(label), self.at(part)) if grid is not None else None
                if rule is not None:
                    self.draft("update", part, label=label, relation=rel, rule=rule)
                    continue
                if grid is None and isinstance(label, N.Sym) and self.new_value(label, part):
                    continue   # a new value for the name, computed here: not a claim about the old one
            # "if $x^2 = 5$": the first member of a supposed claim about names may only be supposed
            supposed = self.st.supposed and k == 1 and label is not None and bool(N.names(label))
            unit = self.st.unit if k == len(parts) - 1 else ""
            written = in_units_of(parts, units, k, self.walk.doc.text, self.origin)
            if k == 1 and label is not None and written[0] is not parts[0] and N.has_numbers(label):
                label = written[0]           # a working as the label (7B × 2 bytes = 14 GB), in k's unit
            self.draft("claim", part, label=label, parts=written, k=k, relation=rel, supposed=supposed,
                       unit="" if written is not parts and unit else unit, **mine)

    def restatement(self, label: N.Node | None, given: Binding | None) -> dict:
        """For a name that had values: the binding this statement gave it (on
        trial), whether the prose (or a change earlier in the paragraph) says the
        value changes (then the old one is out of date), and whether a heading
        came between the two (a new section may be a new example)."""
        if label is None or given is None or given.printed is None or given.formula is not None and \
                any(p is given.formula for p in self.st.parts[1:]):
            return {}       # worked out here: judged as a computation, not put on trial
        old = self.env.latest(N.key(label), self.at(self.st.parts[0]))
        if old is None:
            return {}       # nothing before the derivation began
        announced = self.st.announced or any(self.st.paragraph <= at <= self.st.start
                                             for ats in self.env.superseded.values() for at in ats)
        if announced:
            self.env.supersede(N.key(label), given.at)
        return dict(restated=given, announced=announced, apart=self.env.section(old.at) != self.env.section(given.at))

    def definition(self, label: N.Node, part: N.Node) -> bool:
        """``Q = X W_Q`` or ``\\sigma(z) = ...``: remember the formula; no claim."""
        if grid_of(part) is not None:
            return False
        if isinstance(label, N.Call) and label.args and all(isinstance(a, N.Sym) for a in label.args) \
                and label.name not in ELEMENTARY:      # nobody defines sqrt: \sqrt{S} = ... is a claim
            if N.names(part) and not self.evaluates(label):
                self.env.define(label.name, tuple(a.name for a in label.args), part, self.at(label))
                return True
        if isinstance(label, N.Index) and isinstance(label.base, N.Call) \
                and all(isinstance(a, N.Sym) for a in label.base.args) \
                and {a.name for a in label.base.args} & {n.split("_")[0] for n in N.names(part)}:
            # ``\sigma(z)_i = e^{z_i} / \sum_j e^{z_j}``: the document's own sigma, entry by entry, which
            # derive does not read as a function: unless it is the built-in function of that name (softmax
            # written out), the name is unknown from here on
            if not same_as_builtin(label, part, self.env, self.at(label)):
                self.env.define(label.base.name, tuple(a.name for a in label.base.args), None, self.at(label))
            return True
        if isinstance(label, N.Sym) and N.names(part) and not N.has_numbers(part):
            self.env.formula(label.name, part, self.at(label), self.line(label))
            return True
        return False

    def partly_known(self, label: N.Node) -> bool:
        r"""Is the label working (numbers in it) over values the document gave (T, D), short of one
        it did not (H)? (``\sigma'^2`` with no sigma' is a name given a value, and so is
        ``Attention_2(Q,K,V)``, a function the document names applied to its values: not working.)"""
        at = self.at(label)
        return N.has_numbers(label) and not self.evaluates(label) \
            and any(self.env.latest(n, at) is not None for n in N.names(label))

    def evaluates(self, node: N.Node, exclude: frozenset = frozenset()) -> bool:
        try:
            evaluate(node, self.env, self.at(node), FAST, exclude=exclude)
            return True
        except EVALUATION_FAILURES:
            return False

    def index(self, label: N.Node) -> bool:
        """An index of a function the document defines on patterns (the ``i`` and
        ``pos`` of ``PE_{(pos,2i)}``): it takes values case by case, each a supposition."""
        return isinstance(label, N.Sym) and any(label.name in N.names(p) for pat in self.env.patterns
                                                 if pat.at < self.st.start for p in pat.params)

    def named(self, label: N.Node) -> bool:
        r"""Is the label a name (``z``, or ``\sigma^2`` when sigma has no value of its
        own), not an expression of other values (``x^2`` with x given)?"""
        return isinstance(label, N.Sym) or not self.evaluates(label, frozenset({N.key(label)}))

    def new_value(self, label: N.Sym, part: N.Node) -> bool:
        """An equation for a name last given in another math span (or never)."""
        b = self.env.latest(label.name, self.at(part))
        return b is None or b.span_at != self.st.span.start

    def malformed(self, part: N.Node) -> bool:
        """A ragged matrix or a non-number entry: unverifiable, with the reason."""
        if not isinstance(part, N.Mat):
            return False
        widths = sorted({len(r) for r in part.rows})
        special = [c.what for row in part.rows for c in row if isinstance(c, N.Special) and c.what != "..."]
        if len(widths) > 1:
            reason = f"a ragged matrix: its rows have {' and '.join(map(str, widths))} entries"
        elif special:
            reason = f"an entry is not a finite number ({special[0]})"
        else:
            return False
        self.draft("unverifiable", part, message=reason, kind="matrix")
        return True

    # ---------------------------------------------------------------- other shapes of statement
    def bare(self, part: N.Node) -> None:
        """A value standing alone: the result of a displayed formula shortly before
        it, else (judged later) a copy of a value the document gave, else nothing."""
        if self.malformed(part):
            return
        grid = grid_of(part)
        if grid is None:
            if N.names(part) and not isinstance(part, N.Sym) and self.st.span.display:
                self.walk.pending = (part, self.line(part))
            return
        pending = None
        if self.st.span.display:
            pending, self.walk.pending = self.walk.pending, None
        if pending is not None and self.line(part) - pending[1] <= POLICY.pending_lines:
            self.draft("bare", part, pending=pending[0])
        else:
            self.draft("bare", part)

    def update_chain(self, label: N.Node) -> None:
        """``W \\leftarrow W - \\eta g``: a rule for the next W; a value printed after
        it (``W \\leftarrow ... = [...]``) is the next W, judged against the rule."""
        parts = self.st.parts
        if self.st.done == 1:
            update_rule(self.env, label, parts[1], self.at(label), self.line(label))
        given = self.values(label, False, update=True) if len(parts) > 2 else None
        self.links(max(self.st.done, 2), label, False, given)

    def supposition(self, label: N.Node) -> None:
        """``at $z = 0$ it would be ...``: a case considered, not a claim about z;
        the working after it is still judged, and z takes the value (its earlier
        values stay candidates)."""
        parts, rels = self.st.parts, self.st.rels
        if grid_of(parts[1]) is not None:
            self.draft("supposed", parts[1], label=label)
        if len(parts) > 2 and not all(isinstance(p, N.Sym) for p in parts[1:-1]):   # w = b = 0 names two
            self.links(1, None, False, None, parts=parts[1:], rels=rels[1:])
        self.values(label, False, origin="supposed")

    # ---------------------------------------------------------------- the values a chain gives
    def values(self, label: N.Node | None, formula: bool, origin: str | None = None,
               update: bool = False) -> Binding | None:
        r"""Bind the label (and names along the chain) to the value the chain
        leaves: its last printed value, with the working that computes it (after
        an update rule, ``W \leftarrow W - \eta g = ...``, the next W)."""
        parts, rels = self.st.parts, self.st.rels
        if label is None or not (update or gives_value(parts, rels, label, formula)):
            return None
        printed = next((p for p in reversed(parts[1:]) if grid_of(p) is not None), None)
        grid = grid_of(printed) if printed is not None else None
        working, *others = self.workings(label) or [None]
        if grid is None and working is None:
            return None
        names = [N.key(label)] + [p.name for p in parts[1:-1] if isinstance(p, N.Sym)]
        depends = dependencies(parts)
        out = None
        for key in names:
            b = Binding(key, self.st.end, self.line(label), origin or ("derived" if working is not None else "given"),
                        printed=grid, formula=working, formula_at=self.st.start, workings=tuple(others),
                        scalar=grid is not None and not isinstance(printed, N.Mat) and len(grid) * len(grid[0]) == 1,
                        rounding=grid is not None and rounding(grid, working is not None or rels[-1] == "approx"),
                        depends=(depends | vector_of(key)) - {key}, span_at=self.st.span.start,
                        composite=key == names[0] and not isinstance(label, N.Sym))
            if grid is None and not self.computes(b):
                return None
            if b.composite and working is label and self.partly_known(label):
                return None     # working with a name missing is no name: ``2HT^2(D/H) = ...`` twice
            self.env.bind(b)
            out = out or b
        return out

    def workings(self, label: N.Node) -> list[N.Node]:
        """What computes the label's value, best first: its formula, the chain's
        workings (not printed values), a composite label itself (``X + PE``)."""
        out = []
        if isinstance(label, N.Sym):
            known = [f for f, at, _ in self.env.formulas.get(label.name, []) if at <= self.st.start]
            out += known[-1:]
        out += [part for part in self.st.parts[1:] if grid_of(part) is None and not isinstance(part, N.Sym)
                and (N.names(part) or N.has_numbers(part))]
        return out + ([] if isinstance(label, N.Sym) else [label])

    def computes(self, b: Binding) -> bool:
        try:
            exact_value(b, self.env)
            return True
        except EVALUATION_FAILURES:
            return False


PROBE = (sp.Rational(3, 10), sp.Rational(-6, 5), sp.Integer(2), sp.Rational(1, 2))   # a vector to try a definition on


def same_as_builtin(label: N.Index, body: N.Node, env, at: int) -> bool:
    """Does ``f(x)_i = body`` give, entry by entry, what derive's built-in f gives (on ``PROBE``)?"""
    call = label.base
    if len(call.args) != 1 or len(label.indices) != 1 or not isinstance(label.indices[0], N.Sym):
        return False
    x = to_fast(Val(sp.ImmutableMatrix([PROBE])))
    try:
        whole, _ = evaluate(N.Call(0, 0, call.name, (N.Sym(0, 0, "x", "x"),)), env, at, FAST, override={"x": x})
        index = label.indices[0].name
        for k in range(len(PROBE)):
            entry = body     # x_i -> x_k: entry k of the probe
            for n in [n for n in N.walk(body) if isinstance(n, N.Sym) and isinstance(n.sub, N.Sym) and n.sub.name == index]:
                entry = N.substitute(entry, n, N.Sym(n.start, n.end, f"{n.base}_{k + 1}", n.base,
                                                     N.Num(0, 0, parse_decimal(str(k + 1)))))
            mine, _ = evaluate(entry, env, at, FAST, override={call.args[0].name: x})
            if mine.shape != (1, 1) or abs(float(mine.entry(0, 0)) - float(whole.entry(0, k))) > 1e-9:
                return False
    except EVALUATION_FAILURES:
        return False
    except (TypeError, ValueError, IndexError, AttributeError):
        return False
    return True


def gives_value(parts, rels, label: N.Node, formula: bool) -> bool:
    """A formula alone gives no value; nor does ``e \\approx 2.718`` (a constant
    approximated), nor an inequality (``T > 1`` says nothing of what T is)."""
    if formula and all(grid_of(p) is None for p in parts[2:]):
        return False
    if any(r not in JUDGED for r in rels):
        return False
    return not (rels[-1] == "approx" and N.key(label) in POLICY.constants)


ELEMENTARY = frozenset(ELEMENTWISE) - {"sigma", "sigmoid", "ReLU", "relu"}    # a document may define these


def rounding(grid, computed: bool) -> bool:
    """May printed numbers be roundings? Never a whole-number grid; always a
    computed result (or one given with \\approx); a given value when written with
    ``POLICY.rounding_given_digits`` significant digits or more."""
    if all("." not in p.text and "e" not in p.text.lower() for row in grid for p in row):
        return False
    return computed or max(significant_digits(p.text) for row in grid for p in row) >= POLICY.rounding_given_digits


def dependencies(parts) -> frozenset:
    """The names a chain's value is computed from (an entry ``s_1`` also depends on ``s``)."""
    found = set()
    for part in parts[1:] if isinstance(parts[0], N.Sym) else parts:   # sqrt(d_k) ~ 11.31 depends on d_k
        for name in N.names(part):
            found |= {name} | vector_of(name)
    return frozenset(found)


def vector_of(name: str) -> set[str]:
    """``s_1`` and ``s_{12}`` are entries of ``s``; ``W_Q`` is a name of its own."""
    base, sep, sub = name.partition("_")
    return {base} if sep and base and sub.strip("{}").isdigit() else set()
