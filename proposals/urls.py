from django.urls import path

from . import views

urlpatterns = [
    path("proposals/", views.ProposalListView.as_view(), name="proposal-list"),
    path("proposals/add/", views.ProposalEditView.as_view(), name="proposal-add"),
    path("proposals/inbox/", views.InboxView.as_view(), name="proposal-inbox"),
    path("proposals/reference/", views.ReferenceDataView.as_view(), name="proposal-reference"),
    path("proposals/sessions/add/", views.SessionEditView.as_view(), name="session-add"),
    path("proposals/sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session-edit"),
    path("proposals/categories/add/", views.CategoryEditView.as_view(), name="category-add"),
    path("proposals/categories/<int:pk>/edit/", views.CategoryEditView.as_view(), name="category-edit"),
    path("proposals/result-classes/add/", views.ResultClassEditView.as_view(), name="resultclass-add"),
    path("proposals/result-classes/<int:pk>/edit/", views.ResultClassEditView.as_view(), name="resultclass-edit"),
    path("proposals/handling-units/", views.HandlingUnitsView.as_view(), name="handling-units"),
    path("proposals/replies/<int:pk>/", views.ReplyLetterView.as_view(), name="reply-letter"),
    path("proposals/replies/<int:pk>/<slug:action>/", views.ReplyPublicationView.as_view(), name="reply-publication"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal-detail"),
    path("proposals/<int:pk>/edit/", views.ProposalEditView.as_view(), name="proposal-edit"),
    path("proposals/<int:pk>/archive/", views.ProposalArchiveView.as_view(), name="proposal-archive"),
    path("proposals/<int:pk>/<slug:move>/", views.ProposalMoveView.as_view(), name="proposal-move"),
    path("public/proposals/", views.PublicReplyListView.as_view(), name="public-reply-list"),
    path("public/proposals/cppcc/<int:region>/", views.PublicReplyListView.as_view(), name="public-cppcc-replies"),
    path("public/proposals/<int:pk>/", views.PublicReplyDetailView.as_view(), name="public-reply-detail"),
    path("public/proposals/<int:pk>/vote/", views.PublicVoteView.as_view(), name="public-reply-vote"),
]
