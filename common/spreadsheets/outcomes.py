"""What an import did, or would do: its counts, every error by row and column, and a preview of each row."""

from dataclasses import dataclass, field


@dataclass
class RowError:
    """One error: the file's row number (None for the file as a whole), the column's header and the message."""

    row: int | None
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class RowPreview:
    """What a row would do (or did): ``action`` is new, update, skip, invalid or error."""

    row: int
    action: str
    label: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class ImportOutcome:
    """What an import of ``resource`` did, or as a dry run would do: counts, errors, each row, and what the reader
    found (the header row, columns ignored, rows passed over, the encoding, values given above the header row)."""

    resource: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowPreview] = field(default_factory=list)
    header_row: int | None = None
    ignored_columns: list[str] = field(default_factory=list)
    passed_over: list[int] = field(default_factory=list)
    encoding: str = ""
    constants: dict[str, object] = field(default_factory=dict)
    # What looks wrong but is not refused (such as phases adding up to more than their project): for the reader
    # to check.
    flags: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors

    @property
    def changed_rows(self) -> list[RowPreview]:
        return [row for row in self.rows if row.action in ("new", "update")]

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": [error.as_dict() for error in self.errors],
            "flags": self.flags,
        }
