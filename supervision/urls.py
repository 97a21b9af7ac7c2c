from django.urls import path

from .views import chasing, commitments, instructions, notices

urlpatterns = [
    path("supervision/notices/", notices.NoticeListView.as_view(), name="notice-list"),
    path("supervision/notices/add/", notices.NoticeCreateView.as_view(), name="notice-create"),
    path("supervision/notices/<int:pk>/", notices.NoticeDetailView.as_view(), name="notice-detail"),
    path("supervision/notices/<int:pk>/<slug:step>/", notices.NoticeStepView.as_view(), name="notice-step"),
    path("supervision/instructions/", instructions.InstructionListView.as_view(), name="instruction-list"),
    path("supervision/instructions/add/", instructions.InstructionCreateView.as_view(), name="instruction-create"),
    path("supervision/instructions/<int:pk>/", instructions.InstructionDetailView.as_view(), name="instruction-detail"),
    path(
        "supervision/instructions/<int:pk>/<slug:step>/",
        instructions.InstructionStepView.as_view(),
        name="instruction-step",
    ),
    path("supervision/promises/", commitments.CommitmentListView.as_view(), name="commitment-list"),
    path("supervision/promises/add/", commitments.CommitmentCreateView.as_view(), name="commitment-create"),
    path("supervision/promises/<int:pk>/", commitments.CommitmentDetailView.as_view(), name="commitment-detail"),
    path(
        "supervision/promises/<int:pk>/contacts/",
        commitments.ProposerContactView.as_view(),
        name="proposer-contacts",
    ),
    path(
        "supervision/promises/<int:pk>/<slug:step>/", commitments.CommitmentStepView.as_view(), name="commitment-step"
    ),
    path("supervision/chasing/", chasing.ChaseListView.as_view(), name="chase-list"),
]
