r"""Values read off a substitution: ``(target_{o1} - out_{o1})^2 = (0.01 - 0.7514)^2``.

A worked example writes a formula over names and, next to it, the same formula
with numbers put in. Matching the two trees (``substituted``) tells the number
each name stood for, even when the document never wrote ``target_{o1} = 0.01``.
The match is structural and strict: the same node types, the same functions,
the same numbers where both sides print numbers, one number per name (a name
put in twice with two numbers is no match), and a product of two names only
when one of them has a value that is one of the numbers (the author may write
``w_1 i_1`` as ``0.05 \times 0.15``, factors swapped). Only a name with no value yet is
bound this way (origin ``substituted``), so a formula like
``-2(target_{o1} - out_{o1})`` further down can be computed; for a name the
document gave a value, the number put in is a claim about that value
(``\hat{y}(1 - \hat{y}) = 0.7391(1 - 0.7391)`` when \hat{y} is 0.7491).

A product of two names that no value settles is kept as a pair (``product_pair``):
two pairs that share one name and one number settle each other
(``V \times E = 50257 \cdot 768`` and ``E \times P = 768 \cdot 1024``: E is 768,
so V is 50257 and P is 1024; ``settled``).
"""

from __future__ import annotations

from derive.check.read import nodes as N
from derive.check.read.atoms import FUNCTIONS
from derive.numbers import compare

CONSTANTS = {"e", "pi"}


def substituted(pattern: N.Node, concrete: N.Node, known=lambda name: ()) -> dict[str, tuple[N.Sym, N.Node]] | None:
    """name -> (its node in ``pattern``, the number (a Num, or a negated Num) it stands
    for in ``concrete``), or None. ``known(name)``: the values a name already has (its
    exact value, the number printed for it; may be empty), which settle whose number
    is whose in a product of two names."""
    if not N.names(pattern) or N.names(concrete) or isinstance(pattern, N.Sym):
        return None
    found: dict[str, tuple[N.Sym, N.Node]] = {}
    return found if _match(pattern, concrete, found, known) and found else None


def _product(p: N.Mul, c: N.Mul, found: dict, known) -> bool:
    """``w_5 out_{h1} = 0.4 \times 0.5933``: two names, two numbers. When one name has a
    value that is one of the numbers (as printed), the other name has the other number;
    otherwise which number is whose is not written (authors swap the factors)."""
    (a, b), (x, y) = p.factors, c.factors
    for first, second in ((a, b), (b, a)):
        for value in known(first.name):
            shows = [(mine, other) for mine, other in ((x, y), (y, x)) if _number(mine) and _shows(mine, value)]
            if len(shows) == 2:     # both numbers round to it: only one printed exactly as it settles it
                shows = [(mine, other) for mine, other in shows if _shows(mine, value, exact=True)]
            if len(shows) == 1:
                return _match(second, shows[0][1], found, known)
    return False


def _shows(node: N.Node, value, exact: bool = False) -> bool:
    """Is the printed number ``node`` the value, to its printed digits (``exact``: the value itself)?"""
    num = node if isinstance(node, N.Num) else node.arg
    sign = -1 if isinstance(node, N.Neg) else 1
    return compare(num.printed, sign * value).verdict in (("exact",) if exact else ("exact", "rounded"))


def _match(p: N.Node, c: N.Node, found: dict, known=lambda name: ()) -> bool:
    if isinstance(p, N.Sym) and p.name not in CONSTANTS and _number(c):
        old = found.get(p.name)
        if old is not None:
            return N.key(old[1]) == N.key(c)
        found[p.name] = (p, c)
        return True
    if isinstance(p, N.Call) and isinstance(c, N.Mul) and len(p.args) == 1 and len(c.factors) == 2 \
            and p.name not in FUNCTIONS:           # \hat{y}(1 - \hat{y}) = 0.7391(1 - 0.7391): a product
        return _match(N.Sym(p.start, p.end, p.name, p.name), c.factors[0], found, known) and \
            _match(p.args[0], c.factors[1], found, known)
    if type(p) is not type(c):
        return False
    match p, c:
        case N.Num(), N.Num():
            return p.printed.value == c.printed.value
        case N.Sym(), N.Sym():
            return p.name == c.name
        case N.Call(), N.Call() if p.name != c.name:
            return False
        case N.Add(), N.Add() if p.signs != c.signs:
            return False
        case N.Mul(), N.Mul() if sum(isinstance(f, N.Sym) for f in p.factors) > 1:
            # w_1 i_1 = 0.15 x 0.05: whose number is whose only a known value can tell
            return len(p.factors) == 2 == len(c.factors) and all(isinstance(f, N.Sym) for f in p.factors) \
                and _product(p, c, found, known)
    kids_p, kids_c = N.children(p), N.children(c)
    return len(kids_p) == len(kids_c) and bool(kids_p) and \
        all(_match(a, b, found, known) for a, b in zip(kids_p, kids_c))


def _number(node: N.Node) -> bool:
    return isinstance(node, N.Num) or isinstance(node, N.Neg) and isinstance(node.arg, N.Num)


def product_pair(pattern: N.Node, concrete: N.Node) -> tuple[tuple[str, str], tuple[N.Node, N.Node]] | None:
    r"""``V \times E = 50257 \cdot 768``: the two names and the two numbers, or None."""
    if not (isinstance(pattern, N.Mul) and isinstance(concrete, N.Mul)
            and len(pattern.factors) == 2 == len(concrete.factors)):
        return None
    a, b = pattern.factors
    if not all(isinstance(f, N.Sym) and f.name not in CONSTANTS for f in (a, b)) or a.name == b.name \
            or not all(_number(f) for f in concrete.factors):
        return None
    return (a.name, b.name), tuple(concrete.factors)


def settled(pair, earlier: list) -> dict[str, N.Node]:
    """The names two pairs settle: they share exactly one name and exactly one number
    (by printed value); that name is that number, each other name the other number of its
    pair. Empty when no earlier pair does."""
    names, numbers = pair
    for other_names, other_numbers in earlier:
        shared = set(names) & set(other_names)
        common = {_value(x) for x in numbers} & {_value(y) for y in other_numbers}
        if len(shared) != 1 or len(common) != 1 or len({_value(x) for x in numbers}) != 2 \
                or len({_value(y) for y in other_numbers}) != 2:
            continue
        name, value = shared.pop(), common.pop()
        out = {}
        for ns, xs in ((names, numbers), (other_names, other_numbers)):
            mine = next(x for x in xs if _value(x) == value)
            rest = next(x for x in xs if _value(x) != value)
            out[name] = mine
            out[next(n for n in ns if n != name)] = rest
        return out
    return {}


def _value(node: N.Node):
    num = node if isinstance(node, N.Num) else node.arg
    return -num.printed.value if isinstance(node, N.Neg) else num.printed.value
