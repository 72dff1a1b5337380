"""derive: exact, symbolic and fast derivations of the mathematics of transformers.

The public API is imported lazily so that ``derive --help`` starts without
loading SymPy.
"""

__version__ = "0.1.0"

_API = {
    "parse_decimal": "derive.numbers",
    "format_decimal": "derive.numbers",
    "format_significant": "derive.numbers",
    "compare": "derive.numbers",
    "load_spec": "derive.spec",
    "example_path": "derive.spec",
    "run": "derive.derivation",
    "Derivation": "derive.derivation",
    "Step": "derive.derivation",
    "build": "derive.render",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
