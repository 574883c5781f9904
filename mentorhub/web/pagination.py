"""The API's pagination. The default is DRF's PageNumberPagination with PAGE_SIZE (settings.REST_FRAMEWORK);
what differs from it is defined here, once, for every app's viewsets."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class PageSizePagination(PageNumberPagination):
    """Pages of 50 by default; the client may ask for up to 200 with ?page_size= (directories that a client
    walks through in full)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
