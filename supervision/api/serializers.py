"""The supervision API's shapes: what a notice, an instruction and a promise read as, and each step's input."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Organization, User
from projects.models import Project
from proposals.api.serializers import ScopedChoicesMixin
from proposals.models import Proposal, Reply

from ..models import TEXT_MAX, Commitment, Event, Instruction, Notice


class SupervisionEventSerializer(serializers.ModelSerializer):
    step_label = serializers.CharField(source="get_step_display", read_only=True)
    actor_name = serializers.SerializerMethodField()
    on_behalf_of_name = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "at", "step", "step_label", "actor", "actor_name", "on_behalf_of", "on_behalf_of_name", "note"]
        read_only_fields = fields

    def get_actor_name(self, event) -> str | None:
        return event.actor.display_name if event.actor else None

    def get_on_behalf_of_name(self, event) -> str | None:
        return event.on_behalf_of.display_name if event.on_behalf_of else None


class NoticeSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    level = serializers.ChoiceField(
        choices=["blue", "yellow", "red"],
        read_only=True,
        help_text=_(
            "blue 提示 when issued; yellow 督办 once overdue by the working days set; red 挂牌督办 by a leader."
        ),
    )
    events = SupervisionEventSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "number",
            "project",
            "proposal",
            "unit",
            "unit_name",
            "text",
            "deadline",
            "status",
            "level",
            "issued_by",
            "issued_at",
            "answer",
            "first_answered_at",
            "answered_at",
            "closed_at",
            "escalated_on",
            "red_leader",
            "events",
        ]
        read_only_fields = fields


class NoticeCreateSerializer(ScopedChoicesMixin, serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all(), required=False, allow_null=True)
    unit = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    text = serializers.CharField(max_length=TEXT_MAX)
    deadline = serializers.DateField()

    def validate(self, attrs):
        if bool(attrs.get("project")) == bool(attrs.get("proposal")):
            raise serializers.ValidationError(_("Name either a project or a proposal."))
        return attrs


class SupervisionTextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX)


class SupervisionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class SupervisionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


class HangRedSerializer(ScopedChoicesMixin, SupervisionNoteSerializer):
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("The leader who decided it, when staff record it on the leader's behalf."),
    )


class InstructionSerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.display_name", read_only=True)
    on_behalf = serializers.BooleanField(
        read_only=True, help_text=_("Recorded by staff on the leader's behalf (代录).")
    )
    events = SupervisionEventSerializer(many=True, read_only=True)

    class Meta:
        model = Instruction
        fields = [
            "id",
            "project",
            "proposal",
            "notice",
            "leader",
            "leader_name",
            "recorded_by",
            "on_behalf",
            "text",
            "given_on",
            "due_date",
            "units",
            "status",
            "carried_out_at",
            "events",
        ]
        read_only_fields = fields


class InstructionCreateSerializer(ScopedChoicesMixin, serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all(), required=False, allow_null=True)
    notice = serializers.PrimaryKeyRelatedField(queryset=Notice.objects.all(), required=False, allow_null=True)
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("The leader, when staff record the instruction on the leader's behalf; a leader leaves it out."),
    )
    units = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True)
    text = serializers.CharField(max_length=TEXT_MAX)
    given_on = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField()

    def validate(self, attrs):
        subjects = [attrs.get(name) for name in ("project", "proposal", "notice") if attrs.get(name)]
        if len(subjects) != 1:
            raise serializers.ValidationError(_("Name one project, proposal or notice."))
        attrs["subject"] = subjects[0]
        for name in ("project", "proposal", "notice"):
            attrs.pop(name, None)
        return attrs


class CommitmentSerializer(serializers.ModelSerializer):
    proposal = serializers.IntegerField(source="reply.proposal_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    events = SupervisionEventSerializer(many=True, read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "reply",
            "proposal",
            "unit",
            "unit_name",
            "text",
            "due_date",
            "projects",
            "status",
            "recorded_by",
            "created_at",
            "fulfilled_at",
            "events",
        ]
        read_only_fields = fields


class CommitmentCreateSerializer(ScopedChoicesMixin, serializers.Serializer):
    reply = serializers.PrimaryKeyRelatedField(queryset=Reply.objects.all())
    text = serializers.CharField(max_length=TEXT_MAX)
    due_date = serializers.DateField()
    projects = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), many=True, required=False)

    def validate_reply(self, reply):
        user = self.context["request"].user
        if not Reply.objects.visible_to(user).filter(pk=reply.pk).exists():
            raise serializers.ValidationError(_("No such reply."))
        return reply
