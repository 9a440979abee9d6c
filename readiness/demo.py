"""Synthetic demo firms, so that a new user sees a populated app after `make run`.

Every record made here is flagged ``is_synthetic`` and named "(synthetic)"; pages label it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from readiness import services
from readiness.models import Assessment, Firm

DEMO_SEED = 20201130


@dataclass(frozen=True)
class DemoFirm:
    name: str
    country: str
    region: str
    employees: int
    sector: str
    level: float  # the firm's typical band; answers scatter around it


DEMO_FIRMS: tuple[DemoFirm, ...] = (
    DemoFirm("Pennine Precision Components", "GB", "North West", 45, "25", 1.6),
    DemoFirm("Mersey Food Ingredients", "GB", "North West", 120, "10", 2.2),
    DemoFirm("Black Country Castings", "GB", "West Midlands", 80, "24", 1.3),
    DemoFirm("Buckeye Plastics Molding", "US", "OH", 60, "22", 2.0),
    DemoFirm("Lakeshore Machine Works", "US", "MI", 210, "28", 2.6),
    DemoFirm("Schwarzwald Feinmechanik", "DE", "DE-BW", 140, "28", 3.0),
    DemoFirm("Jurong Electronics Assembly", "SG", "", 90, "26", 2.8),
    DemoFirm("Changwon Auto Parts", "KR", "KR-48", 230, "29", 2.4),
    DemoFirm("Taichung Machine Tools", "TW", "TW-TXG", 170, "28", 2.9),
    DemoFirm("Tyneside Marine Fabrication", "GB", "North East", 35, "33", 1.1),
    DemoFirm("Sheffield Tooling", "GB", "Yorkshire and The Humber", 25, "25", 1.8),
    DemoFirm("Carolina Furniture Makers", "US", "NC", 75, "31", 1.5),
)

SHOWCASE = DEMO_FIRMS[0].name + " (synthetic)"


@transaction.atomic
def load_demo() -> str:
    """(Re)create the demo firms; returns a fresh private token for the showcase firm."""
    demo = Assessment.objects.filter(is_synthetic=True)
    firm_ids = set(demo.values_list("firm_id", flat=True))
    demo.delete()
    # Their firms go too (unless someone has since re-assessed one), so a re-run adds no rows.
    Firm.objects.filter(pk__in=firm_ids, assessments__isnull=True).delete()
    rng = random.Random(DEMO_SEED)  # noqa: S311 (reproducible demo data, not secrets)
    showcase_token = ""
    for firm in DEMO_FIRMS:
        profile = {
            "company_name": f"{firm.name} (synthetic)", "country": firm.country,
            "region": firm.region, "employees": firm.employees, "sector": firm.sector,
            "contact_email": "",
        }
        assessment, token = services.assessment_start(profile=profile)
        spec = assessment.framework.spec
        answers = {
            key: (max(0, min(5, round(rng.gauss(firm.level, 0.9)))), "")
            for key in spec.dimension_keys
        }
        services.answers_save(assessment=assessment, answers=answers)
        objectives = rng.sample(spec.objective_keys, 3)
        labour = rng.choice([30, 35, 40, 45])
        materials = rng.choice([30, 35, 40])
        energy = rng.choice([5, 10, 15])
        services.assessment_update_objectives(
            assessment=assessment, objectives=objectives,
            cost_profile={"labour": labour, "materials": materials, "energy": energy,
                          "overheads": 100 - labour - materials - energy})
        services.assessment_submit(assessment=assessment)
        Assessment.objects.filter(pk=assessment.pk).update(is_synthetic=True)
        if assessment.company_name == SHOWCASE:
            showcase_token = token
    return showcase_token
