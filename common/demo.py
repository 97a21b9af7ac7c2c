"""What an app's demo loader (``<app>.demo.loader.load``) reports back to ``manage.py load_demo``."""

from dataclasses import dataclass, field


@dataclass
class LoadResult:
    """Rows added per label, the demo accounts made (username, role, unit), and demo projects whose health today is
    not the one their scenario promises."""

    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    health_mismatches: list[str] = field(default_factory=list)

    def count(self, label: str, created: bool):
        if created:
            self.created[label] = self.created.get(label, 0) + 1
