"""A cursor over one statement's tokens, shared by the parser and its atoms.

Every error names the offset of the token it stopped at (or the end of the
formula), and ``nested`` bounds how deep a formula may nest.
"""

from __future__ import annotations

from contextlib import contextmanager

from derive.check.read.lexer import LatexError, Token
from derive.check.policy import POLICY

MAX_DEPTH = POLICY.max_parse_depth


class TokenCursor:
    """The position in a token list, with the depth of nesting reached."""

    def __init__(self, tokens: list[Token]):
        self.tokens = list(tokens)
        self.pos = 0
        self.depth = 0

    def peek(self, k: int = 0) -> Token | None:
        i = self.pos + k
        return self.tokens[i] if i < len(self.tokens) else None

    def at(self, kind: str, text: str | None = None, k: int = 0) -> bool:
        t = self.peek(k)
        return t is not None and t.kind == kind and (text is None or t.text == text)

    def take(self) -> Token:
        t = self.peek()
        if t is None:
            raise LatexError("unexpected end of formula", self.here())
        self.pos += 1
        return t

    def expect(self, kind: str, text: str) -> Token:
        t = self.peek()
        if t is None or t.kind != kind or t.text != text:
            raise LatexError(f"expected {text!r}", self.here())
        return self.take()

    def fail(self, message: str) -> LatexError:
        return LatexError(message, self.here())

    def here(self) -> int:
        """The offset of the next token, or the end of the last one."""
        t = self.peek()
        return t.start if t else (self.tokens[-1].end if self.tokens else 0)

    def last_end(self) -> int:
        return self.tokens[self.pos - 1].end if self.pos else 0

    @contextmanager
    def nested(self):
        """One level deeper into the formula; deeper than ``MAX_DEPTH`` is an error."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.fail("formula nested too deeply")
            yield
        finally:
            self.depth -= 1
