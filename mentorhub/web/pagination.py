"""The API's pagination: DRF's PageNumberPagination (PAGE_SIZE in settings.REST_FRAMEWORK), answering the same
pages with one query fewer where it can. What differs from it is defined here, once, for every app's viewsets."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from rest_framework.pagination import PageNumberPagination


class ShortFirstPagePaginator(Paginator):
    """Django's paginator, which counts the rows before it reads a page. On the first page, the usual request,
    it reads the page first: a page shorter than a full one holds every row, so its length is the count and
    the COUNT query (as costly to build as the list's own, with the same filters) is not sent."""

    def page(self, number: Any) -> Page:
        if self.orphans or "count" in self.__dict__ or str(number) != "1":
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # Paginator.count is a cached_property: this is its value
        return self._get_page(rows, self.validate_number(1), self)  # type: ignore[attr-defined]


class DefaultPagination(PageNumberPagination):
    """The default pagination class (settings.REST_FRAMEWORK): DRF's, with the paginator above."""

    django_paginator_class = ShortFirstPagePaginator


class PageSizePagination(DefaultPagination):
    """Pages of 50 by default; the client may ask for up to 200 with ?page_size= (directories that a client
    walks through in full)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
