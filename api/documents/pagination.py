"""Pages of the document lists, registers and search.

Lists and registers are counted by queries.count_documents: exactly up to 10,000 rows, the
planner's estimate beyond (count_exact: false, shown as 约 N). A view that knows the count
already sets its `document_count` to (count, exact): a reader's unfiltered list (the ids it
read), a search (it pages its newest 500 matches, ranked, and count_exact is false when more
documents match than that)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.response import Response

from api.pagination import Pagination
from oa.documents import queries


class _CountingPaginator(Paginator):
    def __init__(self, object_list, per_page, *, counted=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._counted = counted
        self.count_exact = True

    @cached_property
    def count(self) -> int:
        count, self.count_exact = self._counted or queries.count_documents(self.object_list)
        return count


class DocumentPagination(Pagination):
    def paginate_queryset(self, queryset, request, view=None):
        self._counted = getattr(view, "document_count", None)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page, **kwargs):
        return _CountingPaginator(object_list, per_page, counted=self._counted, **kwargs)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_exact": self.page.paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_exact": {
                "type": "boolean",
                "description": "false: a list's count is an estimate (more than 10,000 rows); a search"
                " shows its newest 500 matches and more documents match",
            },
            **{k: v for k, v in response["properties"].items() if k != "count"},
        }
        response["required"] = [
            "count",
            "count_exact",
            *(r for r in response.get("required", []) if r != "count"),
        ]
        return response
