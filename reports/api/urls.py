from django.urls import path

from reports.api import views

urlpatterns = [
    path("reports/distributor/", views.DistributorReportView.as_view(), name="report-distributor"),
]
