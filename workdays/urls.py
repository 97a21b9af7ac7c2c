from django.urls import path

from . import views

urlpatterns = [
    path("workdays/", views.YearView.as_view(), name="workday-calendar"),
    path("workdays/<int:year>/", views.YearView.as_view(), name="workday-year"),
    path("workdays/add/", views.SpecialDayEditView.as_view(), name="workday-add"),
    path("workdays/days/<int:pk>/edit/", views.SpecialDayEditView.as_view(), name="workday-edit"),
    path("workdays/days/<int:pk>/delete/", views.SpecialDayDeleteView.as_view(), name="workday-delete"),
]
