"""Worked-example specs shipped with derive (TOML; format in ``derive.spec``)."""
