"""Reminders and digests, run daily by Celery beat. Each runs once per subject and period."""

import contextlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from applications import service_levels
from applications.errors import LifecycleError
from applications.models import Application, ApprovalCondition, ClosureReturn
from applications.services import withdraw_application
from applications.states import State
from leo_access.actors import SYSTEM
from leo_access.models import ResearcherProfile
from leo_access.roles import Role

from . import outbox, recipients
from .models import Message, ReminderRun

QUERY_REMINDER_DAYS = 14
WITHDRAWAL_WARNING_DAYS_BEFORE = 7
ACCREDITATION_WARNINGS = (90, 30)
CONDITION_WARNING_DAYS = 7
# An end date further back than this is history, not news (for example on the first run).
PROJECT_ENDED_LOOKBACK_DAYS = 30


def once(kind: str, subject: str, period: str, build) -> list[Message]:
    """Run `build` (which records messages) only if this reminder has not run for this period.

    The ReminderRun row and the messages commit together, so a second beat finds the row and
    stops, and a failed run leaves no row and is tried again.
    """
    try:
        with transaction.atomic():
            _, created = ReminderRun.objects.get_or_create(kind=kind, subject=subject, period=period)
            if not created:
                return []
            messages = build()
            outbox.queue_after_commit(m.pk for m in messages if m.state == Message.State.PENDING)
    except IntegrityError:
        return []  # a concurrent beat recorded this period first
    return messages


def _messages(template, people, *, key, path, application=None, context=None):
    return [
        outbox.record(
            key=f"{key}:{template}:{person.email.lower()}",
            template=template,
            recipient=person,
            path=path,
            application=application,
            context=context,
        )
        for person in people
    ]


def overdue(now) -> int:
    """The holding team and its lead, when the stage's SLA passes and then every seven days."""
    count = 0
    for application in Application.objects.filter(service_levels.overdue_q(now)):
        days = service_levels.limit_for(application.state)
        late = now - (application.stage_entered_at + timedelta(days=days))
        week = late.days // 7
        subject = str(application.pk)
        period = f"{application.state}:{application.stage_entered_at.isoformat()}:week-{week}"
        teams = recipients.teams_holding(application)
        if application.state == State.ACCREDITED:
            # Declarations are the applicants' work: the RAS chases them.
            teams = [recipients.Team.INTAKE]

        def build(application=application, teams=teams, days=days, period=period):
            people = [r for team in teams for r in recipients.team_recipients(team, with_lead=True)]
            return _messages(
                "overdue",
                people,
                key=f"reminder:overdue:{application.pk}:{period}",
                path=recipients.review_path(application),
                application=application,
                context={"stage": application.get_state_display(), "sla_days": days},
            )

        count += len(once("overdue", subject, period, build))
    return count


def unanswered_queries(now) -> int:
    """Remind the team after 14 days; warn before the limit; withdraw at the limit."""
    count = 0
    limit = settings.NOTIFICATION_QUERY_WITHDRAW_DAYS
    queried = Application.objects.filter(
        state=State.QUERIED, stage_entered_at__lte=now - timedelta(days=QUERY_REMINDER_DAYS)
    )
    for application in queried:
        waited = (now - application.stage_entered_at).days
        since = application.stage_entered_at.isoformat()
        path = recipients.application_path(application)
        members = [recipients.Recipient(m.email, m.user) for m in recipients.accepted_members(application)]
        if waited >= limit:
            count += len(once("query_withdrawal", str(application.pk), since, lambda a=application: _withdraw(a)))
            continue
        steps = ["query_unanswered"]
        if waited >= limit - WITHDRAWAL_WARNING_DAYS_BEFORE:
            steps.append("withdrawal_warning")
        for template in steps:
            withdraw_on = (application.stage_entered_at + timedelta(days=limit)).date()

            def build(
                application=application,
                template=template,
                withdraw_on=withdraw_on,
                members=members,
                since=since,
                path=path,
            ):
                return _messages(
                    template,
                    members,
                    key=f"reminder:{template}:{application.pk}:{since}",
                    path=path,
                    application=application,
                    context={"withdraw_on": withdraw_on.isoformat(), "days": limit},
                )

            count += len(once(template, str(application.pk), since, build))
    return count


def _withdraw(application) -> list[Message]:
    """The lifecycle service withdraws it as the system; its event tells the team."""
    # Answered or withdrawn meanwhile: nothing to do.
    with contextlib.suppress(LifecycleError):
        withdraw_application(
            application_id=application.pk,
            by=SYSTEM,
            reason=f"The questions were not answered within {settings.NOTIFICATION_QUERY_WITHDRAW_DAYS} days.",
            expected_state=State.QUERIED,
        )
    return []


def expiring_accreditations(today) -> int:
    count = 0
    profiles = ResearcherProfile.objects.filter(
        user__is_active=True,
        accreditation_valid_until__gte=today,
        accreditation_valid_until__lte=today + timedelta(days=max(ACCREDITATION_WARNINGS)),
    ).select_related("user")
    for profile in profiles:
        left = (profile.accreditation_valid_until - today).days
        # The tightest warning the date has reached: a late first run sends only the 30-day one.
        warning = min(days for days in ACCREDITATION_WARNINGS if left <= days)
        user = profile.user
        period = f"{profile.accreditation_valid_until.isoformat()}:{warning}"

        def build(user=user, period=period, profile=profile, warning=warning):
            return _messages(
                "accreditation_expiring",
                [recipients.Recipient(user.email, user)],
                key=f"reminder:accreditation:{user.pk}:{period}",
                path=reverse("profile"),
                context={"expires_on": profile.accreditation_valid_until.isoformat(), "days": warning},
            )

        count += len(once("accreditation_expiring", str(user.pk), period, build))
    return count


def ending_projects(today) -> int:
    """The co-ordinator and the RAS, at each of PROJECT_END_WARNING_DAYS (60 and 14) before the end date, once
    each; a later end date (an extension) warns afresh."""
    count = 0
    soon = Application.objects.filter(
        service_levels.ending_within_q(today, max(service_levels.end_warnings())), state=State.ACCESS_GRANTED
    )
    for application in soon:
        ends_on = service_levels.project_ends_on(application)
        warning = service_levels.end_warning_due(ends_on, today)
        period = f"{ends_on.isoformat()}:{warning}"

        def build(application=application, ends_on=ends_on, warning=warning, period=period):
            people = [recipients.Recipient(m.email, m.user) for m in recipients.coordinators(application)]
            people += recipients.team_recipients(recipients.Team.INTAKE)
            return _messages(
                "project_ending",
                people,
                key=f"reminder:project_ending:{application.pk}:{period}",
                path=recipients.application_path(application),
                application=application,
                context={"end_date": ends_on.isoformat(), "days": warning},
            )

        count += len(once("project_ending", str(application.pk), period, build))
    ended = Application.objects.filter(
        state__in=[State.ACCESS_GRANTED, State.CLOSED],
        end_date__lt=today,
        end_date__gte=today - timedelta(days=PROJECT_ENDED_LOOKBACK_DAYS),
    )
    for application in ended:

        def build_ended(application=application):
            return _messages(
                "project_ended",
                recipients.staff_of(Role.ADMIN),
                key=f"reminder:project_ended:{application.pk}:{application.end_date.isoformat()}",
                path=recipients.review_path(application),
                application=application,
                context={"end_date": application.end_date.isoformat()},
            )

        count += len(once("project_ended", str(application.pk), application.end_date.isoformat(), build_ended))
    return count


def overdue_closure_returns(today) -> int:
    """A closure return not sent by its due day: the co-ordinator and the RAS, then weekly until it is sent."""
    count = 0
    overdue = ClosureReturn.objects.filter(
        service_levels.closure_return_overdue_q(today), application__state=State.CLOSED
    ).select_related("application")
    for closure_return in overdue:
        application = closure_return.application
        # Overdue from the day after it was due: that day starts week 0, and each seven days a new week.
        week = ((today - closure_return.due_on).days - 1) // 7
        period = f"{closure_return.due_on.isoformat()}:week-{week}"

        def build(application=application, closure_return=closure_return, period=period):
            people = [recipients.Recipient(m.email, m.user) for m in recipients.coordinators(application)]
            people += recipients.team_recipients(recipients.Team.INTAKE)
            return _messages(
                "closure_return_overdue",
                people,
                key=f"reminder:closure_return_overdue:{application.pk}:{period}",
                path=reverse("applications:closure_return", args=[application.pk]),
                application=application,
                context={"due_on": closure_return.due_on.isoformat()},
            )

        count += len(once("closure_return_overdue", str(application.pk), period, build))
    return count


def condition_owners(condition) -> list:
    """Who must meet a condition: its named member, its staff team, or the co-ordinator."""
    if condition.owner == ApprovalCondition.Owner.MEMBER and condition.owner_member_id:
        member = condition.owner_member
        return [recipients.Recipient(member.email, member.user)]
    if condition.owner == ApprovalCondition.Owner.TEAM and condition.owner_team:
        return recipients.team_recipients(condition.owner_team)
    return [recipients.Recipient(m.email, m.user) for m in recipients.coordinators(condition.application)]


def conditions_due(today) -> int:
    """A condition's owner, CONDITION_WARNING_DAYS before its due date and on the day, while it is not settled."""
    count = 0
    due = (
        ApprovalCondition.objects.filter(
            due_date__gte=today,
            due_date__lte=today + timedelta(days=CONDITION_WARNING_DAYS),
            state__in=[ApprovalCondition.State.OPEN, ApprovalCondition.State.EVIDENCE_SUBMITTED],
        )
        .exclude(application__state__in=[State.CLOSED, State.WITHDRAWN, State.REJECTED])
        .select_related("application", "owner_member__user")
    )
    for condition in due:
        days = (condition.due_date - today).days
        # Two reminders: the warning (any day within the window, once) and the day itself.
        period = f"{condition.due_date.isoformat()}:{'due' if days == 0 else 'warning'}"

        def build(condition=condition, days=days, period=period):
            return _messages(
                "condition_due",
                condition_owners(condition),
                key=f"reminder:condition:{condition.pk}:{period}",
                path=recipients.application_path(condition.application),
                application=condition.application,
                context={"condition": condition.text, "due_date": condition.due_date.isoformat(), "days": days},
            )

        count += len(once("condition_due", str(condition.pk), period, build))
    return count


def send_digests() -> int:
    """One e-mail per person listing the arrivals held for them, once a day."""
    today = timezone.localdate()
    sent = 0
    users = get_user_model().objects.filter(notifications__state=Message.State.HELD).distinct()
    for user in users:

        def build(user=user):
            held = list(Message.objects.select_for_update().filter(user=user, state=Message.State.HELD))
            if not held:
                return []
            items = [
                {
                    "reference": m.context.get("reference", ""),
                    "title": m.context.get("title", ""),
                    "url": outbox.site_url(m.url),
                }
                for m in held
            ]
            Message.objects.filter(pk__in=[m.pk for m in held]).update(state=Message.State.IN_DIGEST)
            return [
                outbox.record(
                    key=f"digest:{user.pk}:{today.isoformat()}",
                    template="digest",
                    recipient=recipients.Recipient(user.email, user),
                    path=reverse("notifications:list"),
                    context={"items": items, "count": len(items)},
                )
            ]

        sent += len(once("digest", str(user.pk), today.isoformat(), build))
    return sent


def run_all() -> dict:
    now = timezone.now()
    today = timezone.localdate()
    return {
        "overdue": overdue(now),
        "unanswered_queries": unanswered_queries(now),
        "expiring_accreditations": expiring_accreditations(today),
        "ending_projects": ending_projects(today),
        "conditions_due": conditions_due(today),
        "overdue_closure_returns": overdue_closure_returns(today),
    }
