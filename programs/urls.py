"""Pages of the programs app, under /o/<org_slug>/. Object kwargs are named after the model."""

from django.urls import path

from .views import (
    admin_participants,
    admin_programs,
    admin_questions,
    admin_skills,
    admin_wizard,
    member,
    skill_ratings,
)

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
        member.participant_withdraw_view,
        name="participant-withdraw",
    ),
    path(
        "o/<slug:org_slug>/enrollments/<int:participant_pk>/skills/",
        skill_ratings.skill_ratings,
        name="skill-ratings",
    ),
    # HR admins: the skills catalogue.
    path("o/<slug:org_slug>/skills/", admin_skills.skill_list, name="skill-list"),
    path("o/<slug:org_slug>/skills/import/", admin_skills.skill_import, name="skill-import"),
    path("o/<slug:org_slug>/skills/export.csv", admin_skills.skill_export, name="skill-export"),
    path("o/<slug:org_slug>/skills/<int:skill_pk>/edit/", admin_skills.skill_edit, name="skill-edit"),
    path("o/<slug:org_slug>/skills/<int:skill_pk>/active/", admin_skills.skill_active, name="skill-active"),
    # HR admins: programs, the wizard, the enrollment form builder, participants.
    path("o/<slug:org_slug>/programs/", admin_programs.program_list, name="program-list"),
    path("o/<slug:org_slug>/programs/new/", admin_wizard.program_create_view, name="program-create"),
    path("o/<slug:org_slug>/programs/<int:program_pk>/", admin_programs.program_detail, name="program-detail"),
    path("o/<slug:org_slug>/programs/<int:program_pk>/edit/", admin_programs.program_edit, name="program-edit"),
    path("o/<slug:org_slug>/programs/<int:program_pk>/move/", admin_programs.program_move_view, name="program-move"),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/questions/",
        admin_questions.program_questions,
        name="program-questions",
    ),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/questions/new/",
        admin_questions.question_create_view,
        name="question-create",
    ),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/questions/<int:question_pk>/edit/",
        admin_questions.question_edit,
        name="question-edit",
    ),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/questions/<int:question_pk>/delete/",
        admin_questions.question_delete_view,
        name="question-delete",
    ),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/questions/<int:question_pk>/move/",
        admin_questions.question_move_view,
        name="question-move",
    ),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/participants/",
        admin_participants.program_participants,
        name="program-participants",
    ),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/participants/decide/",
        admin_participants.participants_decide_view,
        name="program-participants-decide",
    ),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/participants.csv",
        admin_participants.participants_export,
        name="program-participants-export",
    ),
    path(
        "o/<slug:org_slug>/programs/<int:program_pk>/invite/",
        admin_participants.program_invite,
        name="program-invite",
    ),
]
