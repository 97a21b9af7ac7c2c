"""The proposal API's representations, and one input serializer per workflow move.

A move's input serializer only checks the shape of the request (400 with field errors); the rules of the move are
in ``proposals.services``, which the view calls with the validated data as keyword arguments.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Organization, Region
from common.api.serializers import SlugRelatedField, ValidatedModelSerializer
from common.bounds import DOCUMENT_MAX, TEXT_MAX, date_validators
from projects.models import Project

from ..choices import AssignmentRole, Satisfaction
from ..models import Assignment, Category, Event, Proposal, Proposer, Reply, ResultClass, Session

TIMESTAMPS = ["created", "last_updated"]


class ScopedChoicesMixin:
    """Related fields choose among the rows the caller reads (``User.scope``): another region's row is "not found"
    (400), never a hint that it exists."""

    def get_fields(self):
        fields = super().get_fields()
        scope = getattr(getattr(self.context.get("request"), "user", None), "scope", None)
        if scope is None:  # the schema's anonymous reading
            return fields
        for field in fields.values():
            related = getattr(field, "child_relation", field)
            if not field.read_only and getattr(related, "queryset", None) is not None:
                related.queryset = scope(related.queryset)
        return fields


class CppccReferenceSerializer(ValidatedModelSerializer):
    """A CPPCC's own row (a session, category, result class or proposer): a new one is the caller's region's CPPCC's;
    only the superuser names another region, and a row never moves to another CPPCC."""

    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The region whose CPPCC this is: the caller's own (only the superuser names another)."),
    )

    def get_validators(self):
        # DRF's unique-together check would ask for the region before ``validate`` sets it; the model's constraints
        # (unique within the region) are checked by ``full_clean`` once it is set.
        return []

    def validate(self, attrs):
        user = self.context["request"].user
        own = self.instance.region if self.instance is not None else user.region
        if "region" in attrs and attrs["region"] != own and (self.instance is not None or not user.is_superuser):
            raise serializers.ValidationError({"region": _("Each CPPCC keeps its own: the region cannot be another.")})
        attrs.setdefault("region", own)
        return super().validate(attrs)


class SessionSerializer(CppccReferenceSerializer):
    """A plenary session of a CPPCC; proposals are numbered within it."""

    class Meta:
        model = Session
        fields = ["id", "region", "name", "year", "opening_date", *TIMESTAMPS]


class CategorySerializer(CppccReferenceSerializer):
    """A subject heading of a CPPCC's proposals."""

    class Meta:
        model = Category
        fields = ["id", "region", "name", "order", *TIMESTAMPS]


class ResultClassSerializer(CppccReferenceSerializer):
    """A class printed on a CPPCC's reply letters (A, B, C…)."""

    class Meta:
        model = ResultClass
        fields = ["id", "region", "code", "name", "description", "order", *TIMESTAMPS]


class ProposerSerializer(CppccReferenceSerializer):
    """A CPPCC member or member organisation that signs the CPPCC's proposals."""

    class Meta:
        model = Proposer
        fields = ["id", "region", "name", "kind", "sector", "party", "organization", *TIMESTAMPS]


class ProposerNamesField(serializers.ListField):
    """The proposers' names, lead proposer first; on write, names not yet known become new proposers."""

    child = serializers.CharField(max_length=100)

    def get_attribute(self, instance):
        return [signature.proposer.name for signature in instance.ordered_signatures]


class AssignmentSerializer(serializers.ModelSerializer):
    """A unit that must handle the proposal, in its role, with its due date and any co-handling opinion."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    is_extended = serializers.BooleanField(read_only=True)
    deadline = serializers.DateField(
        read_only=True,
        help_text=_("What the unit must meet: the opinion's due date for a co-handling unit, else the reply's."),
    )

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
            "opinion_due_date",
            "deadline",
            "opinion",
            "opinion_on",
        ]
        read_only_fields = fields


class ProposalSerializer(ScopedChoicesMixin, ValidatedModelSerializer):
    """A proposal of a CPPCC (its session's); its status, round, due date and units change only through the moves."""

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
    region = serializers.IntegerField(
        source="session.region_id",
        read_only=True,
        allow_null=True,
        help_text=_("The region whose CPPCC the proposal is: its session's."),
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "url",
            "region",
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

    def get_fields(self):
        fields = super().get_fields()
        scope = getattr(getattr(self.context.get("request"), "user", None), "scope", None)
        if scope is not None:
            # Registered and kept with the caller's own CPPCC's session and category.
            for name in ("session", "category"):
                fields[name].queryset = scope(fields[name].queryset.model.objects.all(), "change")
            # Any project, as the proposal lists them (a district's proposal may concern the city's projects).
            fields["related_projects"].child_relation.queryset = Project.objects.all()
        return fields

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


class ReplySerializer(serializers.ModelSerializer):
    """A reply letter. It is drafted, signed off and recorded through the proposal's moves; here only the committee
    changes ``is_public`` (publish or withdraw, the same steps as ``publish/`` and ``withdraw/``). A draft is seen only
    by its own unit's people."""

    url = serializers.HyperlinkedIdentityField(view_name="api:reply-detail")
    unit = serializers.SlugRelatedField(slug_field="name", read_only=True, help_text=_("Name of the replying unit."))
    result_class = serializers.SlugRelatedField(slug_field="code", read_only=True)
    signed_off_by_name = serializers.SerializerMethodField(
        help_text=_("Who signed the reply off in the system, or recorded it on the unit's behalf.")
    )
    is_late = serializers.BooleanField(
        read_only=True, allow_null=True, help_text=_("Signed off after the unit's due date; null until issued.")
    )
    is_superseded = serializers.BooleanField(
        read_only=True, help_text=_("The proposer was unsatisfied and the proposal went back for rehandling after it.")
    )
    is_public = serializers.BooleanField(
        required=False, help_text=_("Published on the public pages: the committee's decision only.")
    )

    class Meta:
        model = Reply
        fields = [
            "id",
            "url",
            "proposal",
            "unit",
            "round",
            "status",
            "text",
            "result_class",
            "doc_number",
            "issued_on",
            "signed_off_on",
            "signed_off_at",
            "signed_off_by",
            "signed_off_by_name",
            "on_behalf",
            "due_date",
            "is_late",
            "is_superseded",
            "return_note",
            "signer",
            "contact_person",
            "contact_phone",
            "cc",
            "is_public",
            "support_count",
            "oppose_count",
            *TIMESTAMPS,
        ]
        read_only_fields = [name for name in fields if name != "is_public"]

    def get_signed_off_by_name(self, reply) -> str | None:
        return reply.signed_off_by.display_name if reply.signed_off_by else None


class SignedOffProposalSerializer(ProposalSerializer):
    """The proposal after its reply is signed off, with what the lead unit should know."""

    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("For instance the co-handling opinions that had not come in when the lead unit signed off."),
    )

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "warnings"]


# The moves' input. Optional fields left out are left to the service's default.


def _unit_field(help_text):
    return serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, help_text=help_text
    )


def _note_field():
    return serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX, help_text=_("A note on the timeline.")
    )


class InputSerializer(ScopedChoicesMixin, serializers.Serializer):
    """An input (a move's, the list of handling units'): its units, proposals and assignments are among those the
    caller reads."""


class LetterFileMixin(serializers.Serializer):
    """A move that takes a letter as a file (multipart ``letter``, a PDF or OFD): it is the service's ``files``."""

    letter = serializers.FileField(
        required=False,
        allow_null=True,
        allow_empty_file=True,  # refused by the service with the attachments' message
        help_text=_("Optional: the letter as signed and stamped, a PDF or OFD file (multipart)."),
    )
    # Where the service's errors about ``files`` are answered (``api.views.ProposalViewSet.make``).
    service_fields = {"files": "letter"}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        letter = attrs.pop("letter", None)
        attrs["files"] = [letter] if letter else []
        return attrs


class NoteSerializer(InputSerializer):
    """File or close a proposal, with an optional note."""

    note = _note_field()


class NotFileSerializer(InputSerializer):
    reason = serializers.CharField(
        max_length=TEXT_MAX, help_text=_("Why the proposal is not filed; the proposer is told.")
    )


class MergeSerializer(InputSerializer):
    into = serializers.PrimaryKeyRelatedField(
        queryset=Proposal.objects.all(), help_text=_("The filed proposal of the same session it is handled with.")
    )
    note = _note_field()


def _handling_units_field(**kwargs):
    # Any organisation parses; the service refuses one that is not on the list, saying which (400).
    return serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), **kwargs)


class AssignSerializer(InputSerializer):
    """Units are organisation ids from the committee's list of handling units (``handling-units/``)."""

    lead_unit = _handling_units_field(required=False, allow_null=True, help_text=_("The lead unit (organisation id)."))
    co_units = _handling_units_field(
        many=True,
        required=False,
        help_text=_("Co-handling units (organisation ids); they send their opinion to the lead unit."),
    )
    separate_units = _handling_units_field(
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


class ReassignRequestSerializer(InputSerializer):
    reason = serializers.CharField(max_length=TEXT_MAX, help_text=_("Why the proposal is not the unit's business."))
    unit = _unit_field(_("The unit asking (organisation id); a liaison always asks for their own unit."))


class OpinionSerializer(LetterFileMixin, InputSerializer):
    opinion = serializers.CharField(
        max_length=DOCUMENT_MAX, help_text=_("The co-handling unit's opinion, sent to the lead unit.")
    )
    unit = _unit_field(_("The co-handling unit (organisation id); a liaison always acts for their own unit."))


class LetterSerializer(InputSerializer):
    """The reply letter's own fields; the result class is one of the proposal's CPPCC's (its code is unique there)."""

    text = serializers.CharField(max_length=DOCUMENT_MAX, help_text=_("The text of the reply letter."))
    result_class = SlugRelatedField(
        slug_field="code", queryset=ResultClass.objects.all(), help_text=_("The result class's code, such as A.")
    )
    doc_number = serializers.CharField(required=False, allow_blank=True, max_length=50)
    issued_on = serializers.DateField(
        required=False,
        allow_null=True,
        validators=date_validators,
        help_text=_("The date printed on the letter; by default the sign-off date."),
    )
    signer = serializers.CharField(required=False, allow_blank=True, max_length=50, help_text=_("签发人, as printed."))
    contact_person = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    cc = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text=_("Copy to, as printed."))

    def get_fields(self):
        fields = super().get_fields()
        if "proposal" in self.context:
            region = self.context["proposal"].session.region_id
            fields["result_class"].queryset = ResultClass.objects.filter(region=region)
        return fields


class ReplyDraftSerializer(LetterSerializer):
    """The unit's draft (saved again, it replaces the draft); its signer signs it off with ``sign-off/``."""

    unit = _unit_field(_("Your own unit (organisation id), if given; everyone drafts for their own unit only."))

    def validate(self, attrs):
        if "is_public" in self.initial_data:
            raise serializers.ValidationError(
                {"is_public": _("Publishing a reply is the proposal committee's decision, made once it is issued.")}
            )
        return attrs


class SignOffSerializer(LetterFileMixin, InputSerializer):
    unit = _unit_field(_("Your own unit (organisation id), if given."))


class ReturnReplySerializer(InputSerializer):
    note = serializers.CharField(help_text=_("What the drafter should change."))
    unit = _unit_field(_("Your own unit (organisation id), if given."))


class RecordReplySerializer(LetterFileMixin, LetterSerializer):
    """代录: the committee records a reply the unit answered on paper."""

    unit = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), help_text=_("The replying unit (organisation id).")
    )
    signed_off_on = serializers.DateField(
        help_text=_("The date the unit signed the paper reply off: it decides whether the reply came on time.")
    )


class WithdrawSerializer(InputSerializer):
    note = _note_field()


class HandlingUnitSerializer(serializers.ModelSerializer):
    """An organisation on the committee's list of handling units (承办单位名录)."""

    organization = serializers.IntegerField(
        source="pk", read_only=True, help_text=_("The organisation's id, as the moves name units.")
    )
    listed_by_default = serializers.SerializerMethodField(
        help_text=_("On the list as a government department or district government (not added by the committee).")
    )
    note = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["organization", "name", "short_name", "kind", "listed_by_default", "note"]
        read_only_fields = fields

    def _entry(self, org):
        return org.handling_unit if hasattr(org, "handling_unit") else None

    def get_listed_by_default(self, org) -> bool:
        entry = self._entry(org)
        return entry is None

    def get_note(self, org) -> str:
        entry = self._entry(org)
        return entry.note if entry else ""


class HandlingUnitAddSerializer(InputSerializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), help_text=_("The organisation to put on the list (its id).")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ExtensionSerializer(InputSerializer):
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


class FeedbackSerializer(InputSerializer):
    """The proposer is named among the proposal's CPPCC's (a name is unique there)."""

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

    def get_fields(self):
        fields = super().get_fields()
        if "proposal" in self.context:
            fields["proposer"].queryset = Proposer.objects.filter(region=self.context["proposal"].session.region_id)
        return fields
