"""The one registry of figures: every app contributes its statistics here.

Dashboards, the statistics API (``/api/statistics/``) and ``manage.py stats --json`` all
read :func:`collect`, so a figure is defined once and every place shows the same number.
An app registers its provider at start-up, from its ``AppConfig.ready()``::

    from core.statistics import register

    def ledger_figures(*, scope: StatsScope) -> dict: ...

    register("rectification", ledger_figures)

A provider answers for one :class:`StatsScope` with a JSON-serialisable dict, in a few
aggregate queries (``Count(..., filter=...)``) that do not grow with the rows, every one
narrowed by :meth:`StatsScope.within`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.scoping import minimal_prefixes, subtree_q

if TYPE_CHECKING:
    from campaigns.models import Campaign
    from orgs.models import Org, User


class Provider(Protocol):
    def __call__(self, *, scope: StatsScope) -> dict[str, Any]: ...


_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add ``provider``'s figures under ``name``; registering the same one twice is harmless."""
    existing = _providers.get(name)
    if existing is not None and existing is not provider:
        raise ImproperlyConfigured(f"Statistics '{name}' are already provided by {existing!r}.")
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    """The registered providers by name, in the order they were registered."""
    return dict(_providers)


def collect(scope: StatsScope, *, names: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every provider's figures for ``scope`` (or only those in ``names``)."""
    wanted = None if names is None else set(names)
    return {name: provider(scope=scope) for name, provider in _providers.items() if wanted is None or name in wanted}


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the installation's time zone, as an aware time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class StatsScope:
    """What the figures are about: whose view, which subtree, which campaign, as of when.

    ``user`` is the person asking; ``None`` is the installer at the command line, who
    sees everything. ``org`` narrows to a subtree (``None``: all the user sees).
    ``as_of`` is "today" for the figures: items created later are left out and items
    closed later count as open, so a past date gives the figures as they stood then,
    as far as the data keeps history. The period (``period_start`` to ``period_end``,
    both days included) is what "added / closed in the period" counts.
    """

    user: User | None
    org: Org | None
    campaign: Campaign | None
    as_of: datetime.date
    period_start: datetime.date
    period_end: datetime.date

    @property
    def as_of_end(self) -> datetime.datetime:
        """First instant after ``as_of``: a time is "by then" when it is before this."""
        return _start_of(self.as_of + datetime.timedelta(days=1))

    @property
    def period_start_at(self) -> datetime.datetime:
        return _start_of(self.period_start)

    @property
    def period_end_at(self) -> datetime.datetime:
        """First instant after the period (its last day is included)."""
        return _start_of(self.period_end + datetime.timedelta(days=1))

    def within(self, field: str = "org__path", *, any_role: bool = False, broad_depth: int = 0) -> Q:
        """A ``Q`` keeping rows whose ``field`` (an org path) is in the scope.

        The user's reach is where they hold a reading role (any role with ``any_role``,
        as for the org tree itself, which members see too). Reach and picked org are
        both subtree ranges over the path, so the test stays one indexed match however
        deep the tree. ``broad_depth`` is passed on to :func:`subtree_q` (for path
        columns that register its broad lookups).
        """
        if self.covers_all(any_role=any_role):
            # The whole tree: no path to test (a join of every row to the 50,000 orgs just
            # to keep them all), only that the row has an org at all.
            return Q(**{f"{field.removesuffix('__path')}__isnull": False}) if field.endswith("__path") else Q()
        query = Q()
        if self.user is not None:
            from orgs.choices import READING_ROLES
            from orgs.models import grant_paths

            reach = grant_paths(self.user, None if any_role else READING_ROLES)
            query &= subtree_q(reach, field=field, broad_depth=broad_depth)
        if self.org is not None:
            query &= subtree_q([self.org.path], field=field, broad_depth=broad_depth)
        return query

    def covers_all(self, *, any_role: bool = False) -> bool:
        """Whether the scope is the whole tree (every top org), so that a count may leave
        out the test on the path: a province's 200,000 people joined to its 50,000 orgs
        to keep them all (70 ms, bench). Asked once per scope object."""
        key = f"_covers_all_{any_role}"
        if key not in self.__dict__:
            object.__setattr__(self, key, self._covers_all(any_role=any_role))
        return self.__dict__[key]

    def _covers_all(self, *, any_role: bool) -> bool:
        from orgs.models import Org

        if self.org is not None and self.org.depth != 1:
            return False
        tops = set(Org.objects.filter(depth=1).values_list("path", flat=True))
        if self.org is not None and tops != {self.org.path}:
            return False
        if self.user is None:
            return True
        from orgs.choices import READING_ROLES
        from orgs.models import grant_paths

        reach = set(minimal_prefixes(grant_paths(self.user, None if any_role else READING_ROLES)))
        return "" in reach or tops <= reach

    def as_dict(self) -> dict[str, Any]:
        """The scope itself, JSON-ready, so an answer says what it counts."""
        return {
            "org": self.org.code if self.org is not None else None,
            "campaign": self.campaign.pk if self.campaign is not None else None,
            "as_of": self.as_of.isoformat(),
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
        }


class ScopeNotFound(DomainError):
    """An org or campaign named in the request does not exist or is not visible."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field, code="not_found")


def _parse_date(value: str | datetime.date | None, *, field: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise DomainError(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value},
                field=field,
            ) from None
    # Periods and weeks are computed around the date: keep clear of the calendar's ends.
    if not 1900 <= value.year <= 2999:
        raise DomainError(
            _("%(value)s is outside the years Taizhang keeps figures for.") % {"value": value.isoformat()},
            field=field,
        )
    return value


def build_scope(
    *,
    user: User | None,
    org: str | None = None,
    campaign: str | int | None = None,
    date: str | datetime.date | None = None,
    period_start: str | datetime.date | None = None,
    period_end: str | datetime.date | None = None,
) -> StatsScope:
    """The scope named by request or command-line arguments, checked against ``user``.

    ``org`` is an org code and ``campaign`` an id; either must be visible to ``user``
    (everything is visible to ``None``, the installer), else :class:`ScopeNotFound`
    naming the argument. Dates are ``YYYY-MM-DD``; a bad one is a :class:`DomainError`
    naming the argument. ``date`` defaults to today, the period to the week of ``date``
    from Monday up to ``date`` (weekly dispatch, 每周一调度), and may not end after it.
    """
    from campaigns.models import Campaign
    from orgs.models import Org

    picked_org = None
    if org:
        orgs = Org.objects.all() if user is None else Org.objects.visible_to(user)
        picked_org = orgs.filter(code=org).first()
        if picked_org is None:
            raise ScopeNotFound(_("No org with code “%(code)s” is visible to you.") % {"code": org}, field="org")
    picked_campaign = None
    if campaign not in (None, ""):
        try:
            campaign_id = int(campaign)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise DomainError(
                _("“%(value)s” is not a campaign id (a whole number).") % {"value": campaign},
                field="campaign",
            ) from None
        campaigns = Campaign.objects.all() if user is None else Campaign.objects.visible_to(user)
        picked_campaign = campaigns.filter(pk=campaign_id).first()
        if picked_campaign is None:
            raise ScopeNotFound(
                _("No campaign with id %(id)s is visible to you.") % {"id": campaign_id}, field="campaign"
            )
    as_of = _parse_date(date, field="date") or timezone.localdate()
    end = _parse_date(period_end, field="period_end") or as_of
    start = _parse_date(period_start, field="period_start") or end - datetime.timedelta(days=end.weekday())
    if end > as_of:
        raise DomainError(
            _("The period cannot end after the date of the figures (%(date)s).") % {"date": as_of.isoformat()},
            field="period_end",
        )
    if start > end:
        raise DomainError(_("The period cannot start after it ends."), field="period_start")
    return StatsScope(
        user=user, org=picked_org, campaign=picked_campaign, as_of=as_of, period_start=start, period_end=end
    )


def share(part: int, whole: int) -> float | None:
    """``part / whole`` to four places, or ``None`` where there is nothing to divide by."""
    return round(part / whole, 4) if whole else None
