"""A page that deliberately forgets to scope its query, to prove the database's wall holds on its own."""

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path

from mentorhub.accounts.models import Employee
from mentorhub.tenancy import org_view


@org_view()
def unscoped_employees(request):
    # No organization filter on purpose: the ORM scoping is missing, row-level security must answer alone.
    emails = sorted(Employee.objects.all().values_list("email", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_employee")
        raw_count = cursor.fetchone()[0]
    return JsonResponse({"emails": emails, "raw_count": raw_count})


urlpatterns = [
    path("o/<slug:org_slug>/unscoped-employees/", unscoped_employees, name="unscoped-employees"),
    path("", include("mentorhub.urls")),
]
