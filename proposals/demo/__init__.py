"""The demo proposals: their data file and the loader that reads it (``loader.load``)."""
