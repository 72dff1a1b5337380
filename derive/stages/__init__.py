"""One module per family of formulas; one function per formula.

Every stage takes and returns SymPy matrices. Given explicit matrices it is the
exact face; given ``MatrixSymbol`` expressions it is the symbolic face.
"""
