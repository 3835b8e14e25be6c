"""Conversions pages, mounted at ``/conversions/`` (names in the ``conversions`` namespace)."""

from django.urls import path, re_path

from conversions import views

app_name = "conversions"

urlpatterns = [
    path("", views.EventListView.as_view(), name="events"),
    re_path(r"^events/export\.(?P<export_format>csv|xlsx)$", views.EventExportView.as_view(), name="events-export"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("events/<int:pk>/deliveries/", views.EventDeliveriesView.as_view(), name="event-deliveries"),
    path("destinations/", views.HealthView.as_view(), name="health"),
    path("destinations/<int:pk>/resume/", views.DestinationResumeView.as_view(), name="destination-resume"),
    path("destinations/<int:pk>/pause/", views.DestinationPauseView.as_view(), name="destination-pause"),
    path("destinations/<int:pk>/replay/", views.DestinationReplayView.as_view(), name="destination-replay"),
    path("deliveries/<int:pk>/replay/", views.DeliveryReplayView.as_view(), name="delivery-replay"),
    path("settings/", views.DestinationListView.as_view(), name="destination-list"),
    path("settings/new/", views.DestinationCreateView.as_view(), name="destination-new"),
    path("settings/<int:pk>/", views.DestinationEditView.as_view(), name="destination-edit"),
    path("settings/<int:pk>/delete/", views.DestinationDeleteView.as_view(), name="destination-delete"),
    path("settings/<int:pk>/test/", views.DestinationTestView.as_view(), name="destination-test"),
]
