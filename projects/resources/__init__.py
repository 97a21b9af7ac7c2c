"""Spreadsheet import and export of the portfolio (django-import-export resources on ``common.spreadsheets``).

The columns are the office's own tables (重大项目计划表, 目标责任分解表, 进度月报…): Chinese headers, which are data and
not translated; related objects by their names, never database ids; choices written as their Chinese labels and read
as the Chinese label, the English label or the code; dates and months as people type them. The package's API is the
resources below; ``reports.imports`` registers them for the import pages.
"""

from .indicators import IndicatorResource, IndicatorValueResource
from .progress import FundingResource, MilestoneResource, ProgressReportResource
from .projects import ProjectResource

__all__ = [
    "FundingResource",
    "IndicatorResource",
    "IndicatorValueResource",
    "MilestoneResource",
    "ProgressReportResource",
    "ProjectResource",
]
