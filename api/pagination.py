"""Cursor pagination: stable pages however many rows arrive while a program reads them."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-updated_at", "-pk")
