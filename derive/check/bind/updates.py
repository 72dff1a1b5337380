r"""Update rules: how the next value of a name is computed from the current one.

    W \leftarrow W - \eta \nabla_W L        (also \gets, and := when W is on the right)
    W_{t+1} = W_t - \eta g_t                 (a step index: X_t is the current X)
    \theta^{(t+1)} = \theta^{(t)} - \eta g

A rule claims nothing by itself. The next value printed for the name is judged
against the rule evaluated with the values before it:

    W_{\text{new}}, W^{\text{new}}, W', W_{\text{updated}}, W_{\text{next}},
    W^{(1)}, W_{t+1}, W^{(t+1)}     names of the next W (unless they already had
                                    a value before the rule: then they are other things)
    W = \begin{pmatrix} ... \end{pmatrix}    W itself given again after the rule
"""

from __future__ import annotations

from derive.check.bind.env import Env
from derive.check.read import nodes as N

# The names of the next value of X (as ``N.key`` spells them).
SUCCESSORS = ("{}'", "{}_new", "{}^new", "{}_updated", "{}^updated", "{}_next", "{}^next",
              "{}^(1)", "{}_{{t+1}}", "{}^(t+1)", "{}_{{k+1}}", "{}^(k+1)")


def update_rule(env: Env, label: N.Node, rhs: N.Node, at: int, line: int) -> None:
    """``label \\leftarrow rhs``: remember the rule for the label and its next-value names."""
    key = N.key(label)
    env.update(key, rhs, at, line)
    for name in (s.format(key) for s in SUCCESSORS):
        if not any(b.at <= at for b in env.values.get(name, ())):
            env.formula(name, rhs, at, line)


def step_rule(env: Env, label: N.Node, rhs: N.Node, at: int, line: int) -> bool:
    """``W_{t+1} = W_t - \\eta g_t``: the rule W <- W - eta g (every X_t read as the
    current X); True when ``label`` is such a step."""
    step = _step(label)
    if step is None:
        return False
    base, var = step
    current = [n for n in N.walk(rhs) if isinstance(n, N.Sym) and _at_step(n, var) is not None]
    if not any(_at_step(n, var) == base for n in current):
        return False
    for n in current:
        rhs = N.substitute(rhs, n, N.Sym(n.start, n.end, _at_step(n, var), _at_step(n, var)))
    update_rule(env, N.Sym(label.start, label.end, base, base), rhs, at, line)
    env.formula(N.key(label), rhs, at, line)
    return True


def _step(label: N.Node) -> tuple[str, str] | None:
    """(the name, the step variable) of ``W_{t+1}`` or ``W^{(t+1)}``."""
    if not isinstance(label, N.Sym):
        return None
    if label.sub is not None and label.name == f"{label.base}_{{{N.key(label.sub)}}}":
        var = _plus_one(label.sub)
        return (label.base, var) if var else None
    p = label.power
    if isinstance(p, N.Pow) and isinstance(p.base, N.Sym) and label.name == f"{p.base.name}^({N.key(p.exp)})":
        var = _plus_one(p.exp)
        return (p.base.name, var) if var else None
    return None


def _plus_one(node: N.Node) -> str | None:
    """``t+1`` (any one-letter name plus one): the name, else None."""
    if isinstance(node, N.Add) and len(node.terms) == 2 and node.signs == (1, 1):
        v, one = node.terms
        if isinstance(v, N.Sym) and v.sub is None and len(v.name) == 1 and isinstance(one, N.Num) \
                and one.printed.text == "1":
            return v.name
    return None


def _at_step(n: N.Sym, var: str) -> str | None:
    """The name X of ``X_t`` or ``X^{(t)}`` at step ``var``, else None."""
    if isinstance(n.sub, N.Sym) and n.sub.name == var and n.name == f"{n.base}_{var}":
        return n.base
    if n.name.endswith(f"^({var})") and isinstance(n.power, N.Pow):
        return n.name[:-len(var) - 3]
    return None
