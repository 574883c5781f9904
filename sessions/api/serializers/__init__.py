"""Serializers of the mentoring API. They render and parse only: every write goes through the services.

Privacy lives here as much as in the selectors: a session's shared notes appear only in the detail (which
only the match's people can reach), a reflection only in the caller's own feedback, and the admin overview
carries counts and dates, never notes, feedback, ratings, topics or goal titles.
"""
