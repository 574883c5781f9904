"""Pages of the programs app, under /o/<org_slug>/. Object kwargs are named after the model."""

from django.urls import path

from .views import member

urlpatterns = [
    # Members: open programs, enrollment, own enrollments.
    path("o/<slug:org_slug>/programs/open/", member.my_programs, name="my-programs"),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/enroll/<str:role>/",
        member.program_enroll,
        name="program-enroll",
    ),
    path(
        "o/<slug:org_slug>/enrollments/<int:participant_pk>/edit/",
        member.participant_edit,
        name="participant-edit",
    ),
    path(
        "o/<slug:org_slug>/enrollments/<int:participant_pk>/withdraw/",
        member.participant_withdraw,
        name="participant-withdraw",
    ),
]
