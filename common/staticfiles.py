from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class PlotlyFinder(BaseFinder):
    """Serves the plotly.js bundle that ships inside the installed plotly package as ``vendor/plotly/plotly.min.js``.

    The browser then always runs the plotly.js that matches the Python library, from our own server.
    """

    prefix = "vendor/plotly"
    filename = "plotly.min.js"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=Path(plotly.__file__).parent / "package_data")
        self.storage.prefix = self.prefix

    def find(self, path, find_all=False, **kwargs):
        if path == f"{self.prefix}/{self.filename}":
            match = self.storage.path(self.filename)
            return [match] if find_all else match
        return []

    def list(self, ignore_patterns):
        yield self.filename, self.storage
