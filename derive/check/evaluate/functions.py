r"""The functions a formula may call by name: softmax, LN, ReLU, max, mean ...

The table of names is data; each family is computed by one method of
``NamedFunctions``, a mixin of ``derive.check.evaluate.evaluator.Evaluator`` that reads
its ``face`` and ``options`` and looks names up with ``_local`` / ``resolve``
(the document's epsilon).
"""

from __future__ import annotations

import sympy as sp

from derive.check.evaluate.values import EvalError, Val
from derive.check.policy import POLICY
from derive.stages.activation import RELU
from derive.stages.norm import LAYER_NORM as LN_STAGE, LAYER_NORM_SAMPLE, LAYER_NORM_STD_EPS
from derive.stages.record import all_stages
from derive.stages.softmax import SOFTMAX as SOFTMAX_STAGE

# The elementary functions; the transformer's own (softmax, LN, sigmoid, ReLU, GELU,
# RMSNorm ...) are the Stage records of derive.stages, under the names in their records.
ELEMENTWISE = {"sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp", "ln": "log",
               "log": "log", "log10": "log10", "log_10": "log10", "log2": "log2", "log_2": "log2",
               "sqrt": "sqrt", "tanh": "tanh", "abs": "abs", "ceil": "ceil", "floor": "floor", "erf": "erf"}
STAGE_NAMES = {alias: stage for stage in all_stages().values() for alias in stage.names}
SOFTMAX = set(SOFTMAX_STAGE.names)
LAYER_NORM = set(LN_STAGE.names)
# The layer-norm variant an option asks for: (stage, whether epsilon is kept).
LN_VARIANTS = {"standard": (LN_STAGE, True), "no_eps": (LN_STAGE, False),
               "sample": (LAYER_NORM_SAMPLE, True), "std_eps": (LAYER_NORM_STD_EPS, True)}
CONCAT = {"Concat", "concat"}
MASK = {"mask", "Mask", "causal", "CausalMask", "masked"}
EXTREMA = {"max", "min"}
REDUCTIONS = {"sum", "mean", "var", "std"}
KNOWN = set(ELEMENTWISE) | set(STAGE_NAMES) | CONCAT | MASK | EXTREMA | REDUCTIONS
EPSILON_NAMES = ("epsilon", "varepsilon", "eps")


class NamedFunctions:
    """The built-in functions, in the evaluator's face and formula variant."""

    @staticmethod
    def builtin_known(name: str) -> bool:
        return name in KNOWN

    def builtin(self, name: str, args: list[Val]) -> Val:
        face = self.face
        if name in CONCAT:
            return self.concat(args)
        if name in EXTREMA:
            return self.extremum(name, args)
        if name in SOFTMAX and len(args) > 1 and all(a.scalar for a in args):
            args = [face.stack([args])]        # softmax(8, 0): the softmax of the vector (8, 0)
        if name in STAGE_NAMES and len(args) > 1 and name not in SOFTMAX:
            return self.stage_call(STAGE_NAMES[name], args)
        if len(args) != 1:
            raise EvalError(f"{name} takes one argument")
        x = args[0]
        if name in POLICY.entry_functions and x.scalar:
            raise EvalError(f"{name} of one number is 1: read as the entry for this score of a row "
                            "given elsewhere, which is not checked")
        if name in SOFTMAX:
            return Val(self.softmax(x.data))
        if name in MASK:
            return Val(face.causal_mask(x.data))
        if name in LAYER_NORM:
            normed = Val(self.layer_norm(x.data))
            return self.affine(normed) if self.options.affine else normed
        if name in REDUCTIONS:
            return self.reduction(name, x)
        if name in STAGE_NAMES:
            return self.stage_call(STAGE_NAMES[name], [x])
        return self.elementwise(ELEMENTWISE[name], x)

    def stage_call(self, stage, args: list[Val]) -> Val:
        """A Stage record called by name with exactly its operands; its parameters are the
        document's epsilon or the record's defaults. A call with more arguments means the
        document's own function (``RMSNorm(x, g)``), which is not this stage: unverifiable."""
        if len(args) != stage.arity or len({a.shape for a in args}) != 1:
            raise EvalError(f"{stage.name} is called with {len(args)} arguments, not its {stage.arity} "
                            "operand(s) of one shape: read as the document's own function")
        params = []
        for p in stage.params:
            if p == "eps":
                params.append(self.epsilon())
            elif p in stage.defaults:
                params.append(self.face.number(stage.defaults[p]))      # a SymPy number
            else:
                raise EvalError(f"{stage.name} needs the parameter {p}, which a call does not give")
        out = self.face.stage(stage, args[0].data, tuple(params), tuple(a.data for a in args[1:]))
        return Val(out, args[0].scalar and stage.entrywise)

    def softmax(self, data):
        """Softmax of each row, in the variant asked for: over columns, or after a causal mask."""
        face, how = self.face, self.options.softmax
        z = face.transpose_data(data) if how == "columns" else data
        out = face.stage(SOFTMAX_STAGE, face.causal_mask(z) if how == "masked" else z)
        return face.transpose_data(out) if how == "columns" else out

    def layer_norm(self, data):
        """LN of each row in the variant asked for (sample variance, epsilon outside the root or left out)."""
        stage, keeps_eps = LN_VARIANTS[self.options.layer_norm]
        eps = self.epsilon() if keeps_eps else self.face.number(sp.S.Zero)
        return self.face.stage(stage, data, (eps,))

    def concat(self, blocks: list[Val]) -> Val:
        r"""``Concat(head_1, ..., head_h)``: the blocks side by side, [A \; B]."""
        if len({a.shape[0] for a in blocks}) != 1:
            raise EvalError("blocks to concatenate have different numbers of rows")
        return Val(self.face.hstack([a.data for a in blocks]))

    def elementwise(self, fn: str, x: Val) -> Val:
        """``fn`` entry by entry, in the variant asked for (log base, sin/cos swapped)."""
        if fn == "log" and self.options.log_base:
            fn = f"log{self.options.log_base}"
        if self.options.swap_trig and fn in ("sin", "cos"):
            fn = "cos" if fn == "sin" else "sin"
        return Val(self.face.map(x.data, lambda v: self.face.function(fn, v)), x.scalar)

    def extremum(self, name: str, args: list[Val]) -> Val:
        r"""``\max(a, b)`` / ``\min(a, b)``; ``\max(0, Z)`` is ReLU, ``\max(c, Z)`` is entrywise."""
        if len(args) != 2:
            raise EvalError(f"\\{name} of {len(args)} values")
        a, b = args
        if name == "max" and a.scalar and not b.scalar and self.face.is_zero(a.entry(0, 0)):
            return Val(self.face.stage(RELU, b.data))  # max(0, z): ReLU element-wise
        pick = self.face.maximum if name == "max" else self._minimum
        if a.scalar != b.scalar:                  # max(c, Z): element-wise against a number
            s, m = (a, b) if a.scalar else (b, a)
            c = s.entry(0, 0)
            return Val(self.face.map(m.data, lambda v: pick(v, c)))
        if not (a.scalar and b.scalar):
            raise EvalError(f"\\{name} of two matrices")
        return self.face.scalar(pick(a.entry(0, 0), b.entry(0, 0)))

    def _minimum(self, x, y):
        r"""\min(x, y) = -\max(-x, -y)."""
        return -self.face.maximum(-x, -y)

    def reduction(self, name: str, x: Val) -> Val:
        r"""Over all entries: \sum x, \mu = \frac{1}{N}\sum x,
        \sigma^2 = \frac{1}{N}\sum (x - \mu)^2, \sigma = \sqrt{\sigma^2}."""
        entries = [x.entry(i, j) for i in range(x.shape[0]) for j in range(x.shape[1])]
        total = entries[0]
        for e in entries[1:]:
            total = total + e
        mean = total / len(entries)
        if name == "sum":
            return self.face.scalar(total)
        if name == "mean":
            return self.face.scalar(mean)
        var = sum((self.face.square(e - mean) for e in entries[1:]), self.face.square(entries[0] - mean)) / len(entries)
        if name == "var":
            return self.face.scalar(var)
        return self.face.scalar(self.face.function("sqrt", var))

    def affine(self, normed: Val) -> Val:
        r"""\gamma \odot \hat{x} + \beta with the document's gamma and beta (a row each)."""
        gamma, beta = (self._local(n) or self.resolve(n) for n in ("gamma", "beta"))
        if gamma is None or beta is None:
            raise EvalError("gamma and beta have no value")
        return self.face.add(self.face.hadamard(gamma, normed), beta)

    def epsilon(self):
        """The document's epsilon, else the option's, else 10^-6."""
        for name in EPSILON_NAMES:
            v = self._local(name) or self.resolve(name)
            if v is not None and v.scalar:
                return v.entry(0, 0)
        eps = self.options.eps if self.options.eps is not None else sp.Rational(1, 10**6)
        return self.face.number(eps)
