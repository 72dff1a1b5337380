"""What the wheel ships: every template and spec must be covered by package data."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _shipped(package: str, folder: Path) -> set[Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"][package]
    return {p for pattern in patterns for p in folder.glob(pattern)}


def test_every_template_is_package_data():
    folder = ROOT / "templates"
    assert {p for p in folder.rglob("*") if p.is_file()} == _shipped("derive.templates", folder)


def test_every_example_spec_is_package_data():
    folder = ROOT / "derive" / "examples"
    assert set(folder.glob("*.toml")) == _shipped("derive.examples", folder)


def test_templates_package_maps_to_the_top_level_folder():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["package-dir"]["derive.templates"] == "templates"
    assert "derive.templates" in config["tool"]["setuptools"]["packages"]


def test_every_module_compiles_without_warnings():
    """An invalid escape in a docstring (``"\\sqrt"``) warns at import; it must be a raw string."""
    import warnings
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "derive"
    for path in sorted(root.rglob("*.py")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_every_package_folder_is_shipped():
    """The package list is explicit: a new folder of modules left out of it installs without them
    (the tests, run from the source tree, would not notice; ``derive check`` would not import)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "derive").rglob("__init__.py")}
    assert folders <= set(config["tool"]["setuptools"]["packages"])
