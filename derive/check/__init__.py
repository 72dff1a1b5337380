"""derive check: find, recompute and judge every number a document prints."""
