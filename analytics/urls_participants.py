"""Surveys and self-identification pages: participants answering their surveys, everyone sharing (or not)
something about themselves, and HR admins' view of a program's surveys (questions, response rates)."""

from django.urls import path

from .views import about_me, surveys

ORG = "o/<slug:org_slug>"
PROGRAM_SURVEY = f"{ORG}/programs/<int:program_pk>/surveys/<int:survey_pk>"

urlpatterns = [
    path(f"{ORG}/surveys/<int:assignment_pk>/", surveys.survey_answer_page, name="survey-answer"),
    path(f"{ORG}/about-me/", about_me.about_me, name="about-me"),
    path(f"{ORG}/about-me/remove/", about_me.about_me_clear, name="about-me-clear"),
    # HR admins.
    path(f"{ORG}/programs/<int:program_pk>/surveys/", surveys.program_surveys, name="program-surveys"),
    path(f"{PROGRAM_SURVEY}/questions/", surveys.survey_question_create, name="program-survey-question-add"),
    path(
        f"{PROGRAM_SURVEY}/questions/<int:survey_question_pk>/delete/",
        surveys.survey_question_delete,
        name="program-survey-question-delete",
    ),
]
