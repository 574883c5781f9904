"""Participants' analytics pages: answering surveys, sharing attributes about oneself."""

urlpatterns: list = []
