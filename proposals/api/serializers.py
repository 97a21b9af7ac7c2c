"""The proposal API's representations, and one input serializer per workflow move.

A move's input serializer only checks the shape of the request (400 with field errors); the rules of the move are
in ``proposals.services``, which the view calls with the validated data as keyword arguments.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api.serializers import SlugRelatedField, ValidatedModelSerializer
from common.bounds import DOCUMENT_MAX, TEXT_MAX, date_validators
from projects.models import Organization, Project

from ..choices import AssignmentRole, Satisfaction
from ..models import Assignment, Category, Event, Proposal, Proposer, Reply, ResultClass, Session

TIMESTAMPS = ["created", "last_updated"]


class SessionSerializer(ValidatedModelSerializer):
    """A plenary session of the CPPCC; proposals are numbered within it."""

    class Meta:
        model = Session
        fields = ["id", "name", "year", "opening_date", *TIMESTAMPS]


class CategorySerializer(ValidatedModelSerializer):
    """A subject heading of the proposals."""

    class Meta:
        model = Category
        fields = ["id", "name", "order", *TIMESTAMPS]


class ResultClassSerializer(ValidatedModelSerializer):
    """A class printed on reply letters (A, B, C…)."""

    class Meta:
        model = ResultClass
        fields = ["id", "code", "name", "description", "order", *TIMESTAMPS]


class ProposerSerializer(ValidatedModelSerializer):
    """A CPPCC member or member organisation that signs proposals."""

    class Meta:
        model = Proposer
        fields = ["id", "name", "kind", "sector", "party", "organization", *TIMESTAMPS]


class ProposerNamesField(serializers.ListField):
    """The proposers' names, lead proposer first; on write, names not yet known become new proposers."""

    child = serializers.CharField(max_length=100)

    def get_attribute(self, instance):
        return [signature.proposer.name for signature in instance.ordered_signatures]


class AssignmentSerializer(serializers.ModelSerializer):
    """A unit that must handle the proposal, in its role, with its due date and any co-handling opinion."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    is_extended = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "unit",
            "unit_name",
            "role",
            "assigned_on",
            "due_date",
            "original_due_date",
            "is_extended",
            "extension_reason",
            "opinion",
            "opinion_on",
        ]
        read_only_fields = fields


class ProposalSerializer(ValidatedModelSerializer):
    """A proposal; its status, round, due date and units change only through the moves."""

    url = serializers.HyperlinkedIdentityField(view_name="api:proposal-detail")
    proposers = ProposerNamesField(
        min_length=1, help_text=_("Names of the proposers, lead proposer first; unknown names are added.")
    )
    related_projects = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Project.objects.all(), help_text=_("Projects the proposal concerns.")
    )
    overdue = serializers.BooleanField(read_only=True, help_text=_("A reply is owed and the due date has passed."))
    days_left = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Days until the due date (negative when overdue); null when no reply is owed."),
    )
    lead_unit = serializers.SerializerMethodField(help_text=_("Name of the lead unit."))
    co_units = serializers.SerializerMethodField(help_text=_("Names of the co-handling units."))
    separate_units = serializers.SerializerMethodField(help_text=_("Names of the units that answer separately."))
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "url",
            "session",
            "number",
            "title",
            "proposers",
            "category",
            "content",
            "suggestions",
            "submitted_on",
            "status",
            "is_key",
            "supervising_leader",
            "due_date",
            "overdue",
            "days_left",
            "round",
            "lead_unit",
            "co_units",
            "separate_units",
            "assignments",
            "merged_into",
            "related_projects",
            "not_filed_reason",
            "archived_at",
            *TIMESTAMPS,
        ]
        # status, round, due_date, merged_into and not_filed_reason are not editable: only the moves change them.

    def _unit_names(self, proposal, role) -> list[str]:
        return [assignment.unit.name for assignment in proposal.assignments.all() if assignment.role == role]

    def get_lead_unit(self, proposal) -> str | None:
        names = self._unit_names(proposal, AssignmentRole.LEAD)
        return names[0] if names else None

    def get_co_units(self, proposal) -> list[str]:
        return self._unit_names(proposal, AssignmentRole.CO)

    def get_separate_units(self, proposal) -> list[str]:
        return self._unit_names(proposal, AssignmentRole.SEPARATE)


class EventSerializer(serializers.ModelSerializer):
    """One step on the proposal's timeline."""

    actor_name = serializers.SerializerMethodField(help_text=_("Who made the step."))
    move_label = serializers.CharField(source="get_move_display", read_only=True)
    # Plain strings: the status codes are the proposal's (``ProposalStatusEnum``); one enum, one name in the schema.
    from_status = serializers.CharField(
        read_only=True, help_text=_("The proposal's status before the step; empty for the submission.")
    )
    to_status = serializers.CharField(read_only=True, help_text=_("The proposal's status after the step."))

    class Meta:
        model = Event
        fields = ["id", "at", "move", "move_label", "from_status", "to_status", "actor", "actor_name", "note"]
        read_only_fields = fields

    def get_actor_name(self, event) -> str | None:
        return event.actor.display_name if event.actor else None


class ReplySerializer(ValidatedModelSerializer):
    """A reply letter; only ``is_public`` may be changed here (by the committee), replies are issued by the move."""

    url = serializers.HyperlinkedIdentityField(view_name="api:reply-detail")
    unit = serializers.SlugRelatedField(slug_field="name", read_only=True, help_text=_("Name of the replying unit."))
    result_class = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Reply
        fields = [
            "id",
            "url",
            "proposal",
            "unit",
            "round",
            "text",
            "result_class",
            "doc_number",
            "issued_on",
            "signer",
            "contact_person",
            "contact_phone",
            "cc",
            "is_public",
            "support_count",
            "oppose_count",
            *TIMESTAMPS,
        ]
        read_only_fields = [
            "proposal",
            "round",
            "text",
            "doc_number",
            "issued_on",
            "signer",
            "contact_person",
            "contact_phone",
            "cc",
        ]


# The moves' input. Optional fields left out are left to the service's default.


def _unit_field(help_text):
    return serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, help_text=help_text
    )


def _note_field():
    return serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX, help_text=_("A note on the timeline.")
    )


class NoteSerializer(serializers.Serializer):
    """File or close a proposal, with an optional note."""

    note = _note_field()


class NotFileSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=TEXT_MAX, help_text=_("Why the proposal is not filed; the proposer is told.")
    )


class MergeSerializer(serializers.Serializer):
    into = serializers.PrimaryKeyRelatedField(
        queryset=Proposal.objects.all(), help_text=_("The filed proposal of the same session it is handled with.")
    )
    note = _note_field()


class AssignSerializer(serializers.Serializer):
    lead_unit = _unit_field(_("The lead unit (organisation id)."))
    co_units = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        many=True,
        required=False,
        help_text=_("Co-handling units (organisation ids); they send their opinion to the lead unit."),
    )
    separate_units = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        many=True,
        required=False,
        help_text=_("Units that each answer separately (organisation ids)."),
    )
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        validators=date_validators,
        help_text=_("When the replies are due; by default three months from today."),
    )
    note = _note_field()


class ReassignRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, help_text=_("Why the proposal is not the unit's business."))
    unit = _unit_field(_("The unit asking (organisation id); a liaison always asks for their own unit."))


class OpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField(
        max_length=DOCUMENT_MAX, help_text=_("The co-handling unit's opinion, sent to the lead unit.")
    )
    unit = _unit_field(_("The co-handling unit (organisation id); a liaison always acts for their own unit."))


class ReplyIssueSerializer(serializers.Serializer):
    unit = _unit_field(_("The replying unit (organisation id); a liaison always replies for their own unit."))
    text = serializers.CharField(max_length=DOCUMENT_MAX, help_text=_("The text of the reply letter."))
    result_class = SlugRelatedField(
        slug_field="code", queryset=ResultClass.objects.all(), help_text=_("The result class's code, such as A.")
    )
    doc_number = serializers.CharField(required=False, allow_blank=True, max_length=50)
    issued_on = serializers.DateField(
        required=False, allow_null=True, validators=date_validators, help_text=_("Today when left out.")
    )
    signer = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact_person = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    cc = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text=_("Copy to, as printed."))
    is_public = serializers.BooleanField(required=False, help_text=_("Publish the reply (without the contact)."))


class ExtensionSerializer(serializers.Serializer):
    """Name the unit's assignment by its id or by the unit's id."""

    assignment = serializers.PrimaryKeyRelatedField(
        queryset=Assignment.objects.all(), required=False, help_text=_("The assignment whose due date moves.")
    )
    unit = _unit_field(_("Or the assigned unit (organisation id)."))
    due_date = serializers.DateField(validators=date_validators, help_text=_("The new, later due date."))
    reason = serializers.CharField(
        max_length=Assignment._meta.get_field("extension_reason").max_length,
        help_text=_("Why the unit needs more time."),
    )

    def validate(self, attrs):
        """Resolve ``assignment`` among the proposal's own (``context["proposal"]``)."""
        proposal = self.context["proposal"]
        unit = attrs.pop("unit", None)
        if "assignment" in attrs:
            if attrs["assignment"].proposal_id != proposal.pk:
                raise serializers.ValidationError({"assignment": _("This assignment belongs to another proposal.")})
            if unit is not None and attrs["assignment"].unit_id != unit.pk:
                raise serializers.ValidationError({"unit": _("This is not the unit of that assignment.")})
            return attrs
        if unit is None:
            raise serializers.ValidationError(
                {"assignment": _("Name the assignment, or the unit whose due date is extended.")}
            )
        assignment = proposal.assignments.filter(unit=unit).first()
        if assignment is None:
            raise serializers.ValidationError({"unit": _("This unit is not assigned this proposal.")})
        return {**attrs, "assignment": assignment}


class FeedbackSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
    proposer = SlugRelatedField(
        slug_field="name",
        queryset=Proposer.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The proposer's name; by default the lead proposer still to answer."),
    )
    given_on = serializers.DateField(
        required=False, allow_null=True, validators=date_validators, help_text=_("Today when left out.")
    )
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        validators=date_validators,
        help_text=_("Only when unsatisfied: when the second replies are due (two months from today by default)."),
    )
