"""The bulk import for machines: the same service as the pages, answering counts and errors as JSON."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import ErrorResponsesSchema
from common.db import lift_statement_timeout
from common.spreadsheets import files

from .. import assessment, imports
from ..assessment_forms import AssessmentChoiceForm
from ..models import AssessmentRule
from .serializers import AssessmentQuerySerializer, AssessmentSerializer, assessment_data


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An .xlsx workbook or a .csv file (UTF-8, UTF-8 with BOM, or GBK).")
    dry_run = serializers.BooleanField(
        default=True, help_text="true (the default): check and count only, write nothing; false: import."
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="The row number in the file; null for the whole file.")
    field = serializers.CharField(help_text="The column's header as in the file (blank for the whole row or file).")
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Rows that match what is already recorded.")
    errors = ImportErrorSerializer(many=True)
    flags = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="What looks wrong but is not refused, for the sender to check (phases adding up to more than "
        "their project).",
    )


def _failure(errors) -> Response:
    return Response({"created": 0, "updated": 0, "skipped": 0, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


class ImportView(APIView):
    """Import a spreadsheet into one table (the resources of the import pages). All or nothing: when any row has an
    error, nothing is written and the answer is 400 with every error by row number and column header."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_create",
        summary="Import a spreadsheet",
        parameters=[
            OpenApiParameter(
                "resource", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(imports.RESOURCES), description="Table."
            )
        ],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportResultSerializer,
            400: OpenApiResponse(
                ImportResultSerializer, description="The file or some rows have errors: nothing was written."
            ),
            403: OpenApiResponse(description="The user may not import this table."),
            404: OpenApiResponse(description="No such table."),
        },
    )
    def post(self, request, resource):
        resource_class = imports.get_resource_class(resource)
        if resource_class is None:
            raise NotFound()
        if not resource_class.may_import(request.user):
            raise PermissionDenied()
        lift_statement_timeout()  # as the import pages
        form = ImportUploadSerializer(data=request.data)
        if not form.is_valid():
            return _failure(
                [
                    {"row": None, "field": name, "message": str(message)}
                    for name, messages in form.errors.items()
                    for message in messages
                ]
            )
        try:
            data = files.read_upload(form.validated_data["file"])
            outcome = imports.run_import(
                key=resource, user=request.user, data=data, dry_run=form.validated_data["dry_run"]
            )
        except files.ImportFileError as error:
            return _failure([{"row": None, "field": "", "message": error.message}])
        return Response(outcome.as_dict(), status=status.HTTP_400_BAD_REQUEST if outcome.errors else status.HTTP_200_OK)


class ChosenRegionSchema(ErrorResponsesSchema):
    """An operation that takes a region and a year from the query: either may be invalid (400), and a region outside
    the caller's answers as one that does not exist (404)."""

    def error_codes(self):
        return [
            ("400", _("The region or the year is invalid.")),
            ("404", _("No such region among the caller's.")),
            *super().error_codes(),
        ]


class AssessmentView(APIView):
    """区县考核: the year's score of each region directly below the chosen region (the page's figures)."""

    queryset = AssessmentRule.objects.all()
    schema = ChosenRegionSchema()

    @extend_schema(
        operation_id="assessment_retrieve",
        summary="The district assessment of a region and year",
        parameters=[AssessmentQuerySerializer],
        responses={200: AssessmentSerializer},
    )
    def get(self, request):
        form = AssessmentChoiceForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(form.errors)
        region, year = form.chosen()
        result = assessment.district_assessment(region=region, year=year)
        return Response(AssessmentSerializer(assessment_data(result)).data)
