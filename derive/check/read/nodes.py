"""The syntax tree of the LaTeX subset that ``derive check`` reads: its node
types (``derive.check.read.nodetypes``), keys and walks.

``key(node)`` is a canonical text for a node: how a label such as
``X + PE_{\\text{input}}`` is remembered and found again (``X+PE_input``).
"""

from __future__ import annotations

from dataclasses import fields, replace

from derive.check.read.nodetypes import (Add, Call, Chain, Div, Hadamard, Index, Kron, Mat, Mul,  # noqa: F401
                                    Neg, Node, Num, Pow, Special, Str, Sum, Sym, Transpose, Tuple)


# --------------------------------------------------------------------------- keys

def key(node: Node) -> str:
    """A canonical text of a node, independent of spacing and markup."""
    match node:
        case Num(printed=p):
            return p.text
        case Sym(name=name):
            return name
        case Str(text=text):
            return f'"{text}"'
        case Special(what=what):
            return what
        case Mat(rows=rows):
            return "[" + ";".join(",".join(key(c) for c in row) for row in rows) + "]"
        case Add(terms=terms, signs=signs):
            out = "".join(("+" if s > 0 else "-") + _paren(t, Add) for t, s in zip(terms, signs))
            return out[1:] if out.startswith("+") else out
        case Mul(factors=factors):
            return "*".join(_paren(f, (Add, Mul)) for f in factors)
        case Div(num=a, den=b):
            return f"({key(a)})/({key(b)})"
        case Hadamard(left=a, right=b):
            return f"{_paren(a, (Add, Hadamard))}(.){_paren(b, (Add, Mul, Hadamard))}"
        case Kron(left=a, right=b):
            return f"{_paren(a, (Add, Kron))}(x){_paren(b, (Add, Mul, Kron))}"
        case Neg(arg=a):
            return "-" + _paren(a, (Add,))
        case Pow(base=b, exp=e):
            return f"{_paren(b, (Add, Mul, Div, Neg, Pow))}^{_paren(e, (Add, Mul, Div, Neg, Pow))}"
        case Transpose(arg=a):
            return _paren(a, (Add, Mul, Div, Neg, Pow)) + "^T"
        case Call(name="‖", args=(arg,)):
            return f"‖{key(arg)}‖"
        case Call(name=name, args=args):
            return f"{name}(" + ",".join(key(a) for a in args) + ")"
        case Index(base=b, indices=ix):
            return key(b) + "[" + ",".join(key(i) for i in ix) + "]"
        case Sum(var=v, lo=None, hi=None, body=body):
            return f"sum_{v}({key(body)})"
        case Sum(var=v, lo=lo, hi=hi, body=body):
            bounds = f"_{v}={key(lo) if lo else ''}^{key(hi) if hi else ''}"
            return f"sum{bounds}({key(body)})"
        case Tuple(items=items):
            return "(" + ",".join(key(i) for i in items) + ")"
        case Chain(parts=parts, rels=rels):
            out = key(parts[0])
            for rel, part in zip(rels, parts[1:]):
                out += f" {rel} {key(part)}"
            return out
    raise TypeError(f"no key for {type(node).__name__}")


def _paren(node: Node, kinds) -> str:
    text = key(node)
    return f"({text})" if isinstance(node, kinds) else text


def pretty(node: Node) -> str:
    """A readable label: the key with spaces around + and -."""
    text = key(node)
    out = []
    for i, ch in enumerate(text):
        if ch in "+-" and i > 0 and text[i - 1] not in "([,^_=e":
            out.append(f" {ch} ")
        else:
            out.append(ch)
    return "".join(out).replace("+  - ", "- ").replace("+ -", "-")


def walk(node: Node):
    """Every node of a tree, parents before children."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> tuple[Node, ...]:
    match node:
        case Mat(rows=rows):
            return tuple(c for row in rows for c in row)
        case Add(terms=t) | Mul(factors=t) | Tuple(items=t) | Chain(parts=t) | Call(args=t):
            return tuple(t)
        case Div(num=a, den=b) | Pow(base=a, exp=b):
            return (a, b)
        case Hadamard(left=a, right=b) | Kron(left=a, right=b):
            return (a, b)
        case Neg(arg=a) | Transpose(arg=a):
            return (a,)
        case Index(base=b, indices=ix):
            return (b, *ix)
        case Sum(lo=lo, hi=hi, body=body):
            return tuple(n for n in (lo, hi, body) if n is not None)
    return ()


def substitute(tree: Node, old: Node, new: Node) -> Node:
    """``tree`` with the subtree ``old`` (by identity) replaced by ``new``;
    untouched subtrees keep their identity."""
    if tree is old:
        return new
    kids = children(tree)
    if not kids or not any(contains(k, old) for k in kids):
        return tree
    s = lambda t: substitute(t, old, new)  # noqa: E731
    match tree:
        case Mat(rows=rows):
            return replace(tree, rows=tuple(tuple(s(c) for c in row) for row in rows))
        case Add():
            return replace(tree, terms=tuple(s(t) for t in tree.terms))
        case Mul():
            return replace(tree, factors=tuple(s(t) for t in tree.factors))
        case Tuple():
            return replace(tree, items=tuple(s(t) for t in tree.items))
        case Call():
            return replace(tree, args=tuple(s(t) for t in tree.args))
        case Div():
            return replace(tree, num=s(tree.num), den=s(tree.den))
        case Pow():
            return replace(tree, base=s(tree.base), exp=s(tree.exp))
        case Hadamard() | Kron():
            return replace(tree, left=s(tree.left), right=s(tree.right))
        case Neg() | Transpose():
            return replace(tree, arg=s(tree.arg))
        case Index():
            return replace(tree, base=s(tree.base))
        case Sum():
            return replace(tree, body=s(tree.body))
    return tree


def contains(tree: Node, node: Node) -> bool:
    """Is ``node`` (this very object) part of ``tree``?"""
    return any(n is node for n in walk(tree))


def is_literal(node: Node) -> bool:
    """A bare printed value: a number, a negated number, or a matrix/vector of them."""
    match node:
        case Num():
            return True
        case Neg(arg=Num()):
            return True
        case Mat(rows=rows):
            return bool(rows) and all(_scalar_literal(c) or isinstance(c, Special) for row in rows for c in row)
        case Tuple(items=items):
            return all(_scalar_literal(i) for i in items)
    return False


def _scalar_literal(node: Node) -> bool:
    """A printed number, with its sign (a matrix inside a matrix is no entry)."""
    return isinstance(node, Num) or (isinstance(node, Neg) and isinstance(node.arg, Num))


def has_numbers(node: Node) -> bool:
    """True when a number appears outside subscripts (names like W_1 hold none)."""
    return any(isinstance(n, Num) for n in walk(node))


def names(node: Node) -> list[str]:
    """The names a node refers to, in order of first appearance."""
    seen: list[str] = []
    for n in walk(node):
        if isinstance(n, Sym) and n.name not in seen:
            seen.append(n.name)
    return seen


def shifted(node: Node, by: int) -> Node:
    """The tree with every offset moved by ``by`` (a node read in one span, joined to a
    statement of a later span, is placed relative to the later one)."""
    changes = {"start": node.start + by, "end": node.end + by}
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = shifted(value, by)
        elif isinstance(value, tuple) and value and all(isinstance(v, Node) for v in value):
            changes[f.name] = tuple(shifted(v, by) for v in value)
        elif isinstance(value, tuple) and value and all(isinstance(v, tuple) for v in value):
            changes[f.name] = tuple(tuple(shifted(c, by) if isinstance(c, Node) else c for c in row) for row in value)
    return replace(node, **changes)
