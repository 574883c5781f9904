"""The URLconf of tests/ops/test_sentry.py's subprocess: the product's routes plus one view that fails while
holding personal data, in its local variables and in the request it answers."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from mentorhub.urls import urlpatterns as product


@csrf_exempt  # a form post from outside a page: the CSRF wall is not what this test is about
def fail_with_personal_data(request: HttpRequest) -> HttpResponse:
    email = request.POST["note"]  # personal data in a local variable (in the source, none: its lines are sent)
    raise RuntimeError(f"the report failed ({len(email)})")


urlpatterns = [path("ops-test/fail/", fail_with_personal_data), *product]
