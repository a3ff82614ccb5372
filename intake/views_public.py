"""Public suggestion pages, no log-in, phone first: submit a suggestion, complaint or
request (captcha, per-address rate limit), note the query code, and read the reply and
say whether it satisfied you. A code shows its one item; personal data stays hidden."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.citizens import QueryCodeHolder, public_submission, query_code_clean, rate_limit_exceeded
from core.errors import DomainError
from core.services import item_events
from intake import services
from intake.choices import SuggestionStatus
from intake.forms import QueryCodeForm, RateForm, SuggestionPublicForm
from intake.models import Suggestion


@never_cache
def submit(request: HttpRequest) -> HttpResponse:
    return public_submission(
        request,
        SuggestionPublicForm(request.POST or None),
        template="intake/public/submit.html",
        submit=services.suggestion_submit,
        session_key="intake_new_code",
        done_url="intake_public:submitted",
    )


@never_cache
def submitted(request: HttpRequest) -> HttpResponse:
    code = request.session.get("intake_new_code")
    if not code:
        return redirect("intake_public:submit")
    return render(request, "intake/public/submitted.html", {"code": code})


@never_cache
def query(request: HttpRequest) -> HttpResponse:
    form = QueryCodeForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        if rate_limit_exceeded(request, bucket="public-query"):
            form.add_error(
                None, _("Too many look-ups from your network in the last minute. Please wait a minute and try again.")
            )
        else:
            suggestion = services.suggestion_by_code(form.cleaned_data["code"])
            if suggestion is not None:
                return redirect("intake_public:detail", code=suggestion.query_code)
            form.add_error("code", _("Nothing has this query code. Check the 10 characters and try again."))
    return render(request, "intake/public/query.html", {"form": form})


def _by_code(code: str) -> Suggestion:
    suggestion = services.suggestion_by_code(code)
    if suggestion is None or suggestion.query_code != query_code_clean(code):
        raise Http404
    return suggestion


@never_cache
def detail(request: HttpRequest, code: str) -> HttpResponse:
    suggestion = _by_code(code)
    context = {
        "item": suggestion,
        "events": item_events(suggestion),
        "rate_form": RateForm(),
        "can_rate": suggestion.status == SuggestionStatus.ANSWERED and suggestion.satisfied is None,
    }
    return render(request, "intake/public/detail.html", context)


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    suggestion = _by_code(code)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.suggestion_rate(
                suggestion=suggestion,
                holder=QueryCodeHolder(suggestion),
                satisfied=form.cleaned_data["satisfied"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for telling us."))
    else:
        messages.error(request, _("Say whether you are satisfied."))
    return redirect("intake_public:detail", code=suggestion.query_code)
