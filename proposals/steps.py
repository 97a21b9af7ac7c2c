"""The steps of the proposal workflow, each declared once: what the timeline records, its address, its button, who
may make it and from which statuses, the page's form, the API's input and the service that makes it.

Everything else is derived from here: the services check the role and the status against the step
(``services.base``), the proposal page offers the steps the user may make now as buttons and shows each step's form
(``views.ProposalMoveView``), and the API has one ``POST /proposals/{id}/<slug>/`` action per step
(``api.views.ProposalViewSet``). A form's cleaned data and a serializer's validated data are the service's keyword
arguments, besides ``actor`` and ``proposal``; the service checks everything again and writes. Adding a step is one
``Step`` here (with its form, serializer and service).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework.serializers import Serializer

from . import forms, services
from .api import serializers
from .choices import AssignmentRole, ProposalMove, ProposalStatus


@dataclass(frozen=True, kw_only=True)
class Step:
    move: str  # a ``ProposalMove``: what the timeline records
    slug: str  # the address: /proposals/{id}/<slug>/ on the page and in the API
    label: str  # the page's button and heading
    permission: str  # the proposals permission it takes (403 without it)
    statuses: tuple[str, ...]  # the proposal's statuses it can be made from (409 in any other)
    form: type[forms.MoveForm]
    serializer: type[Serializer]
    service: Callable  # service(actor=…, proposal=…, **data)
    summary: str  # the API operation's summary
    description: str  # the API operation's description
    # The unit's steps: the roles on the proposal in which a unit makes them (none: the committee's steps).
    unit_roles: tuple[str, ...] = ()
    # What the actor is told after the step, from what the service returned (the page's warnings, the API's
    # ``warnings``).
    warnings: Callable[[object], list[str]] | None = None

    @property
    def action(self) -> str:
        """The API action's name (and so its URL name, ``api:proposal-<slug>``)."""
        return self.slug.replace("-", "_")


S = ProposalStatus
REPLYING = tuple(AssignmentRole.replying())

# In the order the proposal page offers them.
STEPS: dict[str, Step] = {
    step.move: step
    for step in (
        Step(
            move=ProposalMove.FILE,
            slug="file",
            label=pgettext_lazy("proposal step", "File"),
            permission="handle_proposal",
            statuses=(S.SUBMITTED,),
            form=forms.NoteForm,
            serializer=serializers.NoteSerializer,
            service=services.proposal_file,
            summary=_("File (the committee)"),
            description="立案: the committee accepts a submitted proposal for handling.",
        ),
        Step(
            move=ProposalMove.NOT_FILE,
            slug="not-file",
            label=pgettext_lazy("proposal step", "Do not file"),
            permission="handle_proposal",
            statuses=(S.SUBMITTED,),
            form=forms.NotFileForm,
            serializer=serializers.NotFileSerializer,
            service=services.proposal_not_file,
            summary=_("Do not file (the committee)"),
            description="不予立案: the committee does not file a submitted proposal, giving the reason.",
        ),
        Step(
            move=ProposalMove.MERGE,
            slug="merge",
            label=pgettext_lazy("proposal step", "Merge into another"),
            permission="handle_proposal",
            statuses=(S.SUBMITTED,),
            form=forms.MergeForm,
            serializer=serializers.MergeSerializer,
            service=services.proposal_merge,
            summary=_("Merge (the committee)"),
            description="并案: a submitted proposal is handled with a filed one of the same session.",
        ),
        Step(
            move=ProposalMove.ASSIGN,
            slug="assign",
            label=pgettext_lazy("proposal step", "Assign"),
            permission="handle_proposal",
            statuses=(S.FILED, S.REASSIGN_REQUESTED),
            form=forms.AssignForm,
            serializer=serializers.AssignSerializer,
            service=services.proposal_assign,
            summary=_("Assign (the committee)"),
            description=(
                "交办: to a lead unit with co-handling units, or to units that answer separately; also the answer "
                "to a request for re-assignment."
            ),
        ),
        Step(
            move=ProposalMove.REQUEST_REASSIGN,
            slug="request-reassign",
            label=pgettext_lazy("proposal step", "Ask for re-assignment"),
            permission="reply_proposal",
            statuses=(S.ASSIGNED,),
            form=forms.RequestReassignForm,
            serializer=serializers.ReassignRequestSerializer,
            service=services.proposal_request_reassign,
            summary=_("Ask for re-assignment (the assigned unit)"),
            description=(
                "申请调整: an assigned unit says the proposal is not its business; the committee assigns again."
            ),
            unit_roles=tuple(AssignmentRole.values),
        ),
        Step(
            move=ProposalMove.OPINION,
            slug="opinion",
            label=pgettext_lazy("proposal step", "Send the co-handling opinion"),
            permission="reply_proposal",
            statuses=tuple(S.answering()),
            form=forms.OpinionForm,
            serializer=serializers.OpinionSerializer,
            service=services.proposal_opinion,
            summary=_("Send the co-handling opinion (the co-handling unit)"),
            description="A co-handling unit sends its opinion to the lead unit.",
            unit_roles=(AssignmentRole.CO,),
        ),
        Step(
            move=ProposalMove.EXTEND,
            slug="extend",
            label=pgettext_lazy("proposal step", "Extend a due date"),
            permission="handle_proposal",
            statuses=tuple(S.awaiting_reply()),
            form=forms.ExtendForm,
            serializer=serializers.ExtensionSerializer,
            service=services.proposal_extend,
            summary=_("Extend a unit's due date (the committee)"),
            description="The committee approves a later due date for one assigned unit, with the reason.",
        ),
        Step(
            move=ProposalMove.DRAFT_REPLY,
            slug="reply",
            label=pgettext_lazy("proposal step", "Draft the reply"),
            permission="reply_proposal",
            statuses=tuple(S.answering()),
            form=forms.ReplyForm,
            serializer=serializers.ReplyDraftSerializer,
            service=services.reply_save_draft,
            summary=_("Draft the reply (the lead or separate unit)"),
            description=(
                "起草: the unit's liaison saves its unit's reply for the current round (again: it replaces the draft). "
                "It is not issued: the unit's signer signs it off (``sign-off/``)."
            ),
            unit_roles=REPLYING,
        ),
        Step(
            move=ProposalMove.REPLY,
            slug="sign-off",
            label=pgettext_lazy("proposal step", "Sign off the reply"),
            permission="sign_reply",
            statuses=tuple(S.answering()),
            form=forms.SignOffForm,
            serializer=serializers.SignOffSerializer,
            service=services.reply_sign_off,
            summary=_("Sign off the reply (the unit's signer)"),
            description=(
                "签发: the unit's signer issues its unit's draft; the proposal moves as a reply does. ``warnings`` "
                "tells the lead unit which co-handling opinions had not come in."
            ),
            unit_roles=REPLYING,
            warnings=services.sign_off_warnings,
        ),
        Step(
            move=ProposalMove.RETURN_REPLY,
            slug="return-reply",
            label=pgettext_lazy("proposal step", "Return the draft"),
            permission="sign_reply",
            statuses=tuple(S.answering()),
            form=forms.ReturnReplyForm,
            serializer=serializers.ReturnReplySerializer,
            service=services.reply_return,
            summary=_("Return the draft (the unit's signer)"),
            description="The unit's signer returns the draft to the drafter with a note.",
            unit_roles=REPLYING,
        ),
        Step(
            move=ProposalMove.RECORD_REPLY,
            slug="record-reply",
            label=pgettext_lazy("proposal step", "Record a paper reply"),
            permission="handle_proposal",
            statuses=tuple(S.answering()),
            form=forms.RecordReplyForm,
            serializer=serializers.RecordReplySerializer,
            service=services.reply_record,
            summary=_("Record a paper reply (the committee)"),
            description=(
                "代录: the committee records a reply the unit answered on paper, issued on the sign-off date it enters."
            ),
        ),
        Step(
            move=ProposalMove.FEEDBACK,
            slug="feedback",
            label=pgettext_lazy("proposal step", "Record feedback"),
            permission="handle_proposal",
            statuses=(S.REPLIED,),
            form=forms.FeedbackForm,
            serializer=serializers.FeedbackSerializer,
            service=services.proposal_feedback,
            summary=_("Record a proposer's feedback (the committee)"),
            description=(
                "A proposer's verdict on the round's replies: satisfied ones close the proposal, an unsatisfied one "
                "sends it back to its units."
            ),
        ),
        Step(
            move=ProposalMove.CLOSE,
            slug="close",
            label=pgettext_lazy("proposal step", "Close"),
            permission="handle_proposal",
            statuses=(S.REPLIED,),
            form=forms.NoteForm,
            serializer=serializers.NoteSerializer,
            service=services.proposal_close,
            summary=_("Close (the committee)"),
            description="办结 without (all) feedback, for instance when the feedback form has not come back in time.",
        ),
    )
}
BY_SLUG: dict[str, Step] = {step.slug: step for step in STEPS.values()}
