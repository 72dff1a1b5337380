r"""How a name in a formula finds its value: a parameter of the function being
applied, the document's value (the candidate the search picked), or a reading
of the letters.

    x              the value the document gave x (or e, pi)
    p_2            entry 2 of the vector p, when p_2 itself has no value
    p_0            the first entry of p, when p_0 has no value (a subscript 0
                   can only count from 0: NumPy's p[0]); p_1 stays the first
                   entry too, as the document's own p_0 is not known here
    v_j            inside a sum over j, entry j of the vector v, else the name
                   v_1, v_2, ... when v itself has no value (\sum_j a_j v_j)
    xW1, XW_Q      x times W1, X times W_Q (one cut of the letters before any subscript)
    W1             the value of W_1
    x^n            the power, when the name x^n has no value and it is a number

A mixin of ``derive.check.evaluate.evaluator.Evaluator`` (``self.resolve``, ``self.scopes``,
``self.face``, ``self.value_of``, ``self.integer``).
"""

from __future__ import annotations

from derive.check.read import nodes as N
from derive.check.evaluate.values import EvalError, Unbound, Val


class NameLookup:
    """The value of a name (``name``) and of a labelled expression (``_label``)."""

    def _local(self, name: str) -> Val | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def _free(self, name: str) -> bool:
        return self._local(name) is None and self.resolve(name) is None

    def _label(self, node: N.Node) -> Val | None:
        """A composite expression the document printed a value for (``X + PE``,
        ``W^K``), also inside a function's body when it involves no parameter."""
        if self.scopes and any(isinstance(n, N.Sym) and self._local(n.name) is not None for n in N.walk(node)):
            return None
        return self.resolve(N.key(node))

    def name(self, node: N.Sym) -> Val:
        value = self._local(node.name)
        if value is None:
            value = self.resolve(node.name)
        if value is not None:
            return value
        if node.name in ("e", "pi"):
            return self.face.scalar(self.face.constant(node.name))
        if node.sub is not None:
            indexed = self._indexed(node)
            if indexed is not None:
                return indexed
        split = self._direct(node.name) if "_" not in node.name else None
        split = split if split is not None else self._split(node.name)
        if split is not None:
            return split
        if node.power is not None:
            return self._as_power(node)
        raise Unbound(node.name)

    def _as_power(self, node: N.Sym) -> Val:
        """A superscripted name with no value (``x^n``) is a power when it is a number."""
        try:
            value = self.value_of(node.power)
        except EvalError:
            value = None
        if value is None or not value.scalar:
            raise Unbound(node.name)
        return value

    def _vector(self, base: str) -> Val | None:
        """The vector a name picks entries from (``p`` for ``p_2``; ``Z`` for ``z_2``)."""
        value = self._local(base) or self.resolve(base) or self.resolve(base.upper()) or self.resolve(base.lower())
        return value if value is not None and not value.scalar and 1 in value.shape else None

    def _indexed(self, node: N.Sym) -> Val | None:
        """``y_i`` inside a sum, or ``p_2`` when only the vector p has a value:
        an entry of the vector, counting from 1, or from 0 when the document
        writes ``p_0`` anywhere (``p_0`` alone is the first entry either way)."""
        by_index = isinstance(node.sub, N.Sym) and self._local(node.sub.name) is not None
        if not (by_index or isinstance(node.sub, N.Num)):
            return None  # only a summation index or a number picks an entry; W_Q is a name
        try:
            k = self.integer(self.value_of(node.sub))
        except EvalError:
            return None
        base = self._vector(node.base)
        if base is None:
            return self._direct(f"{node.base}_{k}") if by_index else None   # v_j: the name v_2
        flat = base.shape[1] if base.shape[0] == 1 else base.shape[0]
        numbered = not by_index and isinstance(node.sub, N.Num)
        if numbered and node.base in getattr(getattr(self.resolve, "env", None), "zero_based", ()):
            k += 1     # the document counts this vector's entries from p_0
        if by_index and self.sum_from.get(node.sub.name) == 0:
            k += 1     # a sum from 0 counts the entries from 0
        k = 1 if k == 0 and numbered and node.sub.printed.text == "0" else k
        if not 1 <= k <= flat:
            if not by_index:
                return None  # x_9 of a 3-vector: a name of its own
            raise EvalError(f"index {k} outside {node.base} of length {flat}")
        return self.face.scalar(base.entry(0, k - 1) if base.shape[0] == 1 else base.entry(k - 1, 0))

    def _split(self, name: str, last=None) -> Val | None:
        """``xW1`` may be x times W1 and ``XW_Q`` X times W_Q (one cut of the letters
        before any subscript); ``last`` transforms the right factor (``QK^T``)."""
        letters = name.split("_", 1)[0]
        if not letters.isalnum() or len(letters) < 2:
            return None
        for k in range(1, len(letters)):
            a, b = self._direct(name[:k]), self._direct(name[k:])
            if a is not None and b is not None:
                return self.face.mul(a, last(b) if last else b)
        return None

    def _split_operand(self, node: N.Node, last) -> Val | None:
        """``QK^T`` read as one name: Q times K^T when QK has no value of its own."""
        if isinstance(node, N.Sym) and self._free(node.name):
            return self._split(node.name, last)
        return None

    def _direct(self, name: str) -> Val | None:
        """A name's value, or the value of its subscripted spelling (W1 -> W_1)."""
        value = self._local(name) or self.resolve(name)
        if value is None and len(name) > 1 and name[-1].isdigit() and name[0].isalpha():
            k = len(name.rstrip("0123456789"))
            alias = f"{name[:k]}_{name[k:]}"
            value = self._local(alias) or self.resolve(alias)
        return value
