"""A synthetic demo cohort: organisations, advisors and 1,000+ firms with shared assessments.

Everything made here is flagged ``is_synthetic``, named "(synthetic)" or "(demo)", and labelled on
every page that shows it. Written with bulk inserts so that `make run` stays quick.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from advisors.models import Coverage, Membership, Organisation, Referral, Share
from programmes.models import Programme
from readiness.models import Answer, Assessment, Firm
from readiness.reference import GB_REGIONS, default_currency
from readiness.scoring import score
from readiness.services import framework_current

SEED = 4_2020
COHORT_SIZE = 1200
REASSESSED_SHARE = 0.15

# Rough relative weights of where the demo firms are (not real statistics).
COUNTRIES = {"GB": 0.35, "US": 0.25, "DE": 0.15, "SG": 0.08, "KR": 0.09, "TW": 0.08}
COUNTRY_LEVEL = {"GB": 1.8, "US": 2.0, "DE": 2.5, "SG": 2.6, "KR": 2.4, "TW": 2.4}
REGIONS = {
    "GB": list(GB_REGIONS),
    "US": ["OH", "MI", "IN", "PA", "NC", "TX", "CA", "WI"],
    "DE": ["DE-BW", "DE-BY", "DE-NW", "DE-NI", "DE-SN"],
    "SG": [""],
    "KR": ["KR-48", "KR-47", "KR-41", "KR-26"],
    "TW": ["TW-TXG", "TW-TAO", "TW-KHH", "TW-TPE"],
}
SECTORS = ["10", "22", "24", "25", "26", "27", "28", "29", "31", "32", "33", "20"]
NAME_PARTS = (
    ["Northern", "Precision", "Summit", "Riverside", "Allied", "Crown", "Apex", "Harbour",
     "Vale", "Pioneer", "Granite", "Silverline", "Meridian", "Oak", "Beacon", "Kestrel"],
    ["Engineering", "Components", "Castings", "Plastics", "Foods", "Fabrication", "Electronics",
     "Machining", "Textiles", "Assemblies", "Tooling", "Controls"],
)


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    coverage: tuple[tuple[str, str], ...]
    description: str


ORGANISATIONS = (
    DemoOrganisation("demo-made-smarter-nw", "Made Smarter North West hub (demo)",
                     (("GB", "North West"),),
                     "Synthetic demo of a growth hub delivering adoption support in the North West."),
    DemoOrganisation("demo-midlands-growth-hub", "Midlands growth hub (demo)",
                     (("GB", "West Midlands"), ("GB", "East Midlands")),
                     "Synthetic demo of a regional growth hub."),
    DemoOrganisation("demo-uk-manufacturing-advice", "UK manufacturing advice network (demo)",
                     (("GB", ""),), "Synthetic demo of a national advice network."),
    DemoOrganisation("demo-ohio-mep", "Ohio MEP centre (demo)", (("US", "OH"),),
                     "Synthetic demo of a Manufacturing Extension Partnership centre."),
    DemoOrganisation("demo-great-lakes-mep", "Great Lakes MEP centre (demo)",
                     (("US", "MI"), ("US", "IN"), ("US", "WI"), ("US", "PA")),
                     "Synthetic demo of an MEP centre serving several states."),
    DemoOrganisation("demo-us-mep-national", "US MEP national network (demo)", (("US", ""),),
                     "Synthetic demo of the national MEP network."),
    DemoOrganisation("demo-mittelstand-digital", "Mittelstand-Digital Zentrum (demo)",
                     (("DE", ""),), "Synthetic demo of a Mittelstand-Digital centre."),
    DemoOrganisation("demo-sg-advisory", "Singapore smart industry advisory (demo)",
                     (("SG", ""),), "Synthetic demo of a SIRI advisory body."),
    DemoOrganisation("demo-kr-smart-factory", "Korea smart factory support centre (demo)",
                     (("KR", ""),), "Synthetic demo of a smart factory support centre."),
    DemoOrganisation("demo-tw-smart-machinery", "Taiwan smart machinery advisory (demo)",
                     (("TW", ""),), "Synthetic demo of a smart machinery promotion office."),
)
DEMO_ADVISOR = "advisor.nw"
DEMO_MANAGER = "manager.demo"


@transaction.atomic
def load_demo_cohort(size: int = COHORT_SIZE) -> dict[str, str]:
    """(Re)create the synthetic cohort; returns the demo logins with fresh random passwords."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible synthetic data, not security
    Assessment.objects.filter(is_synthetic=True, shares__organisation__is_synthetic=True).delete()
    Firm.objects.filter(assessments__isnull=True).delete()
    organisations = _organisations()
    framework = framework_current()
    spec = framework.spec
    keys = spec.dimension_keys
    now = timezone.now()

    firms = Firm.objects.bulk_create(
        Firm(name=f"{rng.choice(NAME_PARTS[0])} {rng.choice(NAME_PARTS[1])} {i:04d} (synthetic)")
        for i in range(size))
    assessments: list[Assessment] = []
    bands_of: list[dict[str, int | None]] = []
    for firm in firms:
        country = rng.choices(list(COUNTRIES), weights=list(COUNTRIES.values()))[0]
        level = max(0.3, rng.gauss(COUNTRY_LEVEL[country], 0.7))
        # Half the British firms sit in the North West, where the demo advisor works.
        region = ("North West" if country == "GB" and rng.random() < 0.5
                  else rng.choice(REGIONS[country]))
        profile = {
            "country": country, "region": region,
            "employees": int(min(600, max(2, rng.lognormvariate(3.8, 0.9)))),
            "sector": rng.choice(SECTORS),
        }
        rounds = 2 if rng.random() < REASSESSED_SHARE else 1
        # A re-assessed firm's first round is old enough for the second (150 to 400 days later)
        # to fall at least a week before today, so the newest rows are spread out, not all today.
        days_ago = rng.randint(30, 700) if rounds == 1 else rng.randint(157, 700)
        gap = rng.randint(150, min(400, days_ago - 7)) if rounds == 2 else 0
        submitted = now - datetime.timedelta(days=days_ago)
        for round_no in range(rounds):
            bands = {k: (None if rng.random() < 0.03 else
                         max(0, min(5, round(rng.gauss(level + 0.6 * round_no, 0.8)))))
                     for k in keys}
            scores = score(spec, bands)
            assessments.append(Assessment(
                framework=framework, firm=firm, company_name=firm.name, status="submitted",
                token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                contact_email="", is_synthetic=True, scores=scores.as_dict(),
                overall_score=scores.overall, submitted_at=submitted,
                objectives=rng.sample(spec.objective_keys, 3),
                cost_profile={"labour": 40, "materials": 40, "energy": 10, "overheads": 10},
                **profile))
            bands_of.append(bands)
            submitted += datetime.timedelta(days=gap)
    Assessment.objects.bulk_create(assessments, batch_size=500)
    Answer.objects.bulk_create(
        (Answer(assessment=a, dimension_key=k, band=b)
         for a, bands in zip(assessments, bands_of, strict=True) for k, b in bands.items()),
        batch_size=2000)
    statuses = [s for s, _ in Share.Status.choices]
    shares = []
    for assessment in assessments:
        for organisation in organisations:
            if rng.random() < 0.9 and organisation.covers(assessment.country, assessment.region):
                shares.append(Share(assessment=assessment, organisation=organisation,
                                    shared_at=assessment.submitted_at or assessment.created_at,
                                    status=rng.choice(statuses)))
    Share.objects.bulk_create(shares, batch_size=1000)
    _referrals(rng, shares)
    return _logins(organisations)


# How far demo referrals got, and how often (synthetic: they only give the pages something to
# show; the amounts are the programmes' own caps, labelled synthetic like everything else here).
REFERRAL_OUTCOMES = [("referred", 4), ("applied", 3), ("awarded", 3), ("declined", 1),
                     ("project_done", 2), ("adopted", 1)]


def _referrals(rng: random.Random, shares: list[Share]) -> None:
    by_country: dict[str, list[Programme]] = {}
    for programme in Programme.objects.exclude(kinds__key="self_assessment").distinct():
        by_country.setdefault(programme.country, []).append(programme)
    statuses, weights = zip(*REFERRAL_OUTCOMES, strict=True)
    referrals = []
    for share in shares:
        candidates = by_country.get(share.assessment.country)
        if not candidates or share.status == Share.Status.NEW or rng.random() > 0.6:
            continue
        programme = rng.choice(candidates)
        status = rng.choices(statuses, weights=weights)[0]
        funded = status in {"awarded", "project_done", "adopted"}
        when = share.shared_at.date() + datetime.timedelta(days=rng.randint(20, 120))
        referrals.append(Referral(
            share=share, programme=programme, programme_name=programme.name, status=status,
            status_date=min(when, timezone.localdate()),
            # Support that is not money (advice, a place on a course) is awarded at 0.
            grant_amount=(programme.amount_max or 0) if funded else None,
            own_investment=programme.amount_max if funded and programme.amount_max else None,
            currency=(programme.amount_currency or default_currency(programme.country)) if funded
            else "",
            note="Synthetic demo referral."))
    bulk_create_with_history(referrals, Referral, batch_size=1000)


def _organisations() -> list[Organisation]:
    result = []
    for demo in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=demo.slug, defaults={"name": demo.name, "description": demo.description,
                                      "is_synthetic": True})
        organisation.coverage.all().delete()
        for country, region in demo.coverage:
            Coverage.objects.create(organisation=organisation, country=country, region=region)
        result.append(Organisation.objects.prefetch_related("coverage").get(pk=organisation.pk))
    return result


def _logins(organisations: list[Organisation]) -> dict[str, str]:
    user_model = get_user_model()
    by_slug = {o.slug: o for o in organisations}
    logins = {}
    for username, slug, role, staff in (
        (DEMO_ADVISOR, "demo-made-smarter-nw", Membership.Role.ADVISOR, False),
        (DEMO_MANAGER, "demo-uk-manufacturing-advice", Membership.Role.MANAGER, True),
    ):
        password = secrets.token_urlsafe(9)
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name, user.last_name = ("Demo", "Advisor" if not staff else "Manager")
        user.email = f"{username}@example.invalid"
        user.is_staff = staff
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(user=user, defaults={
            "organisation": by_slug[slug], "role": role})
        logins[username] = password
    return logins
