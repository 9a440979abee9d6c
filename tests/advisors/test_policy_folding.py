"""Each programme's rule blockers that ``firm_classes`` gives a class (checked once per coarser
class of that programme's own limits) are matching's for every firm of the class."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from advisors.policy import ABROAD, PolicyFirm, firm_classes
from programmes.matching import DATE_CODES, FirmProfile, check_eligibility
from tests.advisors.test_policy import DAY, RECORDS

profiles = st.builds(
    lambda employees, turnover, currency, country, region, sector: FirmProfile(
        country=country, region=region, employees=employees, sector=sector, turnover=turnover,
        turnover_currency=currency if turnover is not None else ""),
    employees=st.integers(1, 2000),
    turnover=st.one_of(st.none(), st.decimals(0, Decimal("2E11"), places=2)),
    currency=st.sampled_from(["GBP", "EUR", "KRW", "USD", "gbp", ""]),
    country=st.sampled_from(["GB", "KR", "DE"]),
    region=st.sampled_from(["North West", "London", ""]),
    sector=st.sampled_from(["10", "25", "47"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(profiles, min_size=1, max_size=40))
def test_every_firm_of_a_class_has_the_blockers_matching_gives_it(found):
    classes = firm_classes([PolicyFirm(i, p) for i, p in enumerate(found)], RECORDS, day=DAY)
    assert sum(c.size for c in classes) == len(found)
    for firm_class in classes:
        for firm in firm_class.firms:
            for record in RECORDS:
                stored = firm_class.rule_codes[record.slug]
                if stored == ABROAD:
                    assert firm.profile.country.upper() not in record.eligible_countries
                    continue
                codes = {b.code for b in check_eligibility(firm.profile, record, DAY)[0]}
                assert stored == codes - DATE_CODES, (record.slug, firm.profile)
