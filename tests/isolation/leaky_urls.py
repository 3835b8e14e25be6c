"""A deliberately broken URLconf (404s are returned, not raised: the project's 404 page links
to routes this URLconf lacks): each view leaks across tenants in one way the walker must catch.
Used only by test_walker.py."""

import io
import zipfile

from django.http import HttpResponse, HttpResponseNotFound, StreamingHttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from core.models import ApiCallLog, SyncRun


def run_label(request, pk):
    """Looks the run up across tenants: any tenant's label by id."""
    run = SyncRun.all_tenants.filter(pk=pk).first()
    if run is None:
        return HttpResponseNotFound()
    return HttpResponse(f"<h1>{run.label}</h1>")


def run_label_scoped(request, pk):
    """The correct version: scoped to the request's tenant."""
    run = SyncRun.all_tenants.filter(pk=pk, tenant=request.tenant).first()
    if run is None:
        return HttpResponseNotFound()
    return HttpResponse(f"<h1>{run.label}</h1>")


def export_csv(request):
    """Streams every tenant's calls."""
    rows = (f"{call.endpoint}\n" for call in ApiCallLog.all_tenants.iterator())
    return StreamingHttpResponse(rows, content_type="text/csv")


def export_xlsx(request):
    """Every tenant's run labels inside a zip container, as XLSX files are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "".join(f"<si><t>{run.label}</t></si>" for run in SyncRun.all_tenants.all()))
    return HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@csrf_exempt
def delete_call(request, pk):
    """Deletes any tenant's call and answers 404, as if nothing happened."""
    if request.method == "POST":
        ApiCallLog.all_tenants.filter(pk=pk).delete()
    return HttpResponseNotFound()


urlpatterns = [
    path("runs/<int:pk>/", run_label),
    path("scoped/runs/<int:pk>/", run_label_scoped),
    path("export.csv", export_csv),
    path("export.xlsx", export_xlsx),
    path("calls/<int:pk>/delete/", delete_call),
]
