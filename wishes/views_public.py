"""Public wish pages, no log-in, phone first: the communities' walls, posting a wish
(captcha and a per-address rate limit), and the query code page where the resident
follows the wish, sees the photos and confirms and rates the fulfilment.

A query code shows its one wish and nothing else; a wrong code says so without hinting
at others. Personal data is masked on every public page; text is escaped by the
templates (never marked safe).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.citizens import public_submission, query_code_clean, rate_limit_exceeded
from core.errors import DomainError
from wishes import selectors, services
from wishes.choices import WishStatus
from wishes.forms import ConfirmForm, QueryCodeForm, WishPostForm, local_orgs
from wishes.models import QueryCodeHolder, Wish

WALLS_LISTED = 200


def wall_index(request: HttpRequest) -> HttpResponse:
    """The communities, each with how many wishes wait on its wall."""
    waiting = dict(
        Wish.objects.filter(status=WishStatus.POSTED).order_by().values_list("org_id").annotate(n=Count("pk"))
    )
    orgs = local_orgs().only("pk", "name", "code")
    search = request.GET.get("q", "").strip()[:30]
    if search:
        orgs = orgs.filter(name__contains=search)
    # A province has thousands of communities: the first ones, and a search for the rest.
    rows = [(org, waiting.get(org.pk, 0)) for org in orgs[:WALLS_LISTED]]
    context = {"rows": rows, "query_form": QueryCodeForm(), "search": search, "more": len(rows) == WALLS_LISTED}
    return render(request, "wishes/public/wall_index.html", context)


def wall(request: HttpRequest, code: str) -> HttpResponse:
    """One community's wall: waiting wishes first, then those under way and done."""
    community = get_object_or_404(local_orgs(), code=code)
    wishes = list(selectors.public_wall(community=community))
    return render(request, "wishes/public/wall.html", {"community": community, "wishes": wishes})


@never_cache
def post(request: HttpRequest) -> HttpResponse:
    """Post a wish: the form keeps what was typed when something is wrong."""
    initial = {}
    if request.GET.get("community"):
        initial["community"] = local_orgs().filter(code=request.GET["community"]).first()
    return public_submission(
        request,
        WishPostForm(request.POST or None, initial=initial),
        template="wishes/public/post.html",
        submit=services.wish_post,
        session_key="wishes_new_code",
        done_url="wishes_public:posted",
    )


@never_cache
def posted(request: HttpRequest) -> HttpResponse:
    """The page after posting: the query code, large, to note down."""
    code = request.session.get("wishes_new_code")
    if not code:
        return redirect("wishes_public:post")
    return render(request, "wishes/public/posted.html", {"code": code})


@never_cache
def query(request: HttpRequest) -> HttpResponse:
    """Look a wish up by its query code (the form posts here; a GET with ?code= works too)."""
    form = QueryCodeForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        if rate_limit_exceeded(request, bucket="public-query"):
            form.add_error(
                None, _("Too many look-ups from your network in the last minute. Please wait a minute and try again.")
            )
        else:
            wish = services.wish_by_code(form.cleaned_data["code"])
            if wish is not None:
                return redirect("wishes_public:detail", code=wish.query_code)
            form.add_error("code", _("No wish has this query code. Check the 10 characters and try again."))
    return render(request, "wishes/public/query.html", {"form": form})


def _by_code(code: str) -> Wish:
    wish = services.wish_by_code(code)
    if wish is None or wish.query_code != query_code_clean(code):
        raise Http404
    return wish


@never_cache
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """One wish as its resident follows it: status, each move, photos, confirmation."""
    wish = _by_code(code)
    context = {
        "wish": wish,
        "events": selectors.item_timeline(wish),
        "photos": selectors.item_photos(wish) if wish.status in (WishStatus.FULFILLED, WishStatus.CONFIRMED) else [],
        "confirm_form": ConfirmForm(),
        "can_confirm": wish.status == WishStatus.FULFILLED,
    }
    return render(request, "wishes/public/detail.html", context)


@require_POST
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    """The resident confirms the fulfilment and rates it, holding the query code."""
    wish = _by_code(code)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.item_confirm(
                item=wish,
                acting_user=QueryCodeHolder(wish),
                rating=form.cleaned_data["rating"],
                thanks=form.cleaned_data["thanks"],
                expected_status=WishStatus.FULFILLED,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: your confirmation and rating are recorded."))
    else:
        messages.error(request, _("Please rate the fulfilment."))
    return redirect(reverse("wishes_public:detail", args=[wish.query_code]))


def photo(request: HttpRequest, code: str, attachment_id: int) -> FileResponse:
    """A photo of the fulfilment, for the holder of the wish's code only."""
    wish = _by_code(code)
    attachment = get_object_or_404(selectors.item_photos(wish), pk=attachment_id, media_type__startswith="image/")
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.media_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
