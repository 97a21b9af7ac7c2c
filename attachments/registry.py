"""Which objects take files: each app registers its models in ``AppConfig.ready()`` with the kinds they take and
who may add to them, so that the attachments app knows no domain model and the rules stay with their app."""

import dataclasses
import datetime
from collections.abc import Callable

from .choices import AttachmentKind


@dataclasses.dataclass(frozen=True)
class Target:
    model: type
    # The kinds a file of this object may be; the first is the default for a document.
    kinds: tuple[str, ...]
    # Who may add (and remove) files now.
    may_add: Callable[..., bool]
    # The first day the object's photos should show (a report's month); older photos are flagged.
    evidence_start: Callable[[object], datetime.date | None] | None = None
    # How the reviewer is told where an earlier copy of a reused photo came from.
    describe: Callable[[object], str] = str
    # The relations ``describe`` reads, selected with the objects when many are described at once.
    describe_with: tuple[str, ...] = ()
    # What the object expects of a document besides its content: ``check(kind, number, issued_on)`` raises a
    # ``ValidationError`` (a project's approval without its date). ``kind`` is as asked, "" when none was chosen.
    check: Callable[[str, str, datetime.date | None], None] | None = None
    # Who may read the files: by default who may read the object (``User.can("view", obj)``); a model whose rows are
    # not all shown to every reader of the model (a reply's draft, to its own unit only) says so here.
    may_view: Callable[..., bool] | None = None
    # What the object completes before its files are listed: a file the server makes after the step that asked for
    # it (a reply's letter PDF), made now if it is still due, so no reader finds it missing.
    before_listing: Callable[[object], object] | None = None
    # Why a file must stay with its object even while files are added and removed (a confirmed step rests on it):
    # ``kept(attachment, obj)`` gives the reason, or "" when the file may go.
    kept: Callable[[object, object], str] | None = None

    @property
    def takes_photos(self) -> bool:
        return AttachmentKind.PHOTO in self.kinds

    @property
    def default_document_kind(self) -> str:
        return next((kind for kind in self.kinds if kind != AttachmentKind.PHOTO), AttachmentKind.OTHER)


_targets: dict[type, Target] = {}


def register(model: type, **options) -> Target:
    target = Target(model=model, **options)
    _targets[model] = target
    return target


def target_for(model_or_object) -> Target:
    model = model_or_object if isinstance(model_or_object, type) else type(model_or_object)
    try:
        return _targets[model]
    except KeyError:
        raise LookupError(f"{model.__name__} takes no attachments") from None


def registered_models() -> list[type]:
    return list(_targets)
