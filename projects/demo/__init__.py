"""The demo portfolio: its data file and the loader that reads it (``loader.load``)."""
