from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class IdCursorPagination(CursorPagination):
    """Newest first by primary key: unique, indexed and never changing, so a cursor is a
    plain ``id < last`` range and no page counts the rows before it."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
