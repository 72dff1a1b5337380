"""Checking many documents: which files (``collect``), each in its own forked
process under a time and memory budget (``isolate``), many at once on this
machine or on a Dask cluster (``schedule``), with progress and a closing summary
(``progress``). ``derive.check.command`` puts them together."""
