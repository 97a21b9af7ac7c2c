"""The spreadsheet engine of the imports and exports, without domain models: an app's resources build on it.

- ``cells``: what a cell holds, read as people type it (dates, months, numbers, spans of years, blanks, totals);
- ``widgets``: django-import-export widgets, one kind of cell each;
- ``resources``: ``Field`` (a column) and ``ImportResource``, the base of every resource;
- ``constraints``: check constraints evaluated in Python for the rows of an import;
- ``history``: the history of a whole import written in a few queries;
- ``files``: the bytes of an .xlsx or .csv file as rows, within the upload limits;
- ``reading``: a file's data rows under a resource's headers;
- ``outcomes``: what an import did or would do, row by row;
- ``uploads``: files waiting between an import's preview and its confirm.
"""
