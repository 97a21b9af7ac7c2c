"""Each step of the proposal workflow is declared once (``proposals.steps``): the API's actions, the schema, the
page's addresses and the arguments the forms and serializers hand to the services all follow from the declarations."""

import inspect

import pytest
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.serializers import Serializer

from proposals.api.views import ProposalViewSet
from proposals.choices import ProposalMove
from proposals.steps import BY_SLUG, STEPS
from proposals.views import ProposalMoveView

# Registering a proposal is not a step on it; publishing and withdrawing are steps on a reply (``ReplyViewSet``).
NOT_STEPS = {ProposalMove.SUBMIT, ProposalMove.PUBLISH_REPLY, ProposalMove.WITHDRAW_REPLY}


def test_every_move_of_the_workflow_is_declared_once():
    assert set(STEPS) == set(ProposalMove.values) - NOT_STEPS
    assert all(step.move == move for move, step in STEPS.items())
    assert len(BY_SLUG) == len(STEPS)


def test_each_step_is_one_api_action_at_its_address():
    actions = {handler.__name__: handler for handler in ProposalViewSet.get_extra_actions()}
    assert set(actions) == {step.action for step in STEPS.values()} | {"events", "restore", "attachments"}
    for step in STEPS.values():
        handler = actions[step.action]
        assert (handler.detail, handler.mapping, handler.url_path) == (True, {"post": step.action}, step.slug)
        assert reverse(f"api:proposal-{step.slug}", args=[7]) == f"/api/v1/proposals/7/{step.slug}/"


def test_each_step_is_one_page_at_its_address():
    for step in STEPS.values():
        match = resolve(reverse("proposal-move", args=[7, step.slug]))
        assert (match.func.view_class, match.kwargs) == (ProposalMoveView, {"pk": 7, "move": step.slug})


def test_the_schema_documents_each_step_with_its_input_and_answer():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for step in STEPS.values():
        operation = paths[f"/api/v1/proposals/{{id}}/{step.slug}/"]["post"]
        assert (operation["summary"], operation["description"]) == (str(step.summary), step.description)
        request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert request == f"#/components/schemas/{step.serializer.__name__.removesuffix('Serializer')}Request"
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert answer.endswith("/SignedOffProposal" if step.warnings else "/Proposal")
        assert {"400", "403", "404", "409"} <= set(operation["responses"])


@pytest.mark.parametrize("step", STEPS.values(), ids=lambda step: step.slug)
def test_form_and_serializer_give_the_service_what_it_takes(step):
    """The page calls the service with the form's cleaned data, the API with the serializer's validated data."""
    parameters = inspect.signature(step.service).parameters
    assert {"actor", "proposal"} <= set(parameters)
    assert all(parameter.kind == parameter.KEYWORD_ONLY for parameter in parameters.values())
    taken = set(parameters) - {"actor", "proposal"}
    required = {name for name in taken if parameters[name].default is inspect.Parameter.empty}
    # A form may give an argument another name (``letter`` for ``files``): its ``service_fields`` says which.
    renamed = {form_name: name for name, form_name in getattr(step.form, "service_fields", {}).items()}
    assert required <= {renamed.get(name, name) for name in step.form.base_fields} <= taken
    assert issubclass(step.serializer, Serializer)
    assert required <= set(step.serializer().fields)
