"""Reference lists for the firm profile (DESIGN §5): regions and ISIC Rev. 4 divisions.

Countries, ISO 3166-2 subdivisions and ISO 4217 currencies come from pycountry.
"""

from __future__ import annotations

from functools import cache

import pycountry

# The 12 ITL1 regions of the United Kingdom, by their official names.
GB_REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Scotland",
    "Wales",
    "Northern Ireland",
)

# US states, the District of Columbia and Puerto Rico (all served by MEP centres).
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming",
}  # fmt: skip

# ISIC Rev. 4 divisions (two digits). 10-33 are manufacturing (section C).
ISIC_DIVISIONS: dict[str, str] = {
    "01": "Crop and animal production, hunting", "02": "Forestry and logging",
    "03": "Fishing and aquaculture", "05": "Mining of coal and lignite",
    "06": "Extraction of crude petroleum and natural gas", "07": "Mining of metal ores",
    "08": "Other mining and quarrying", "09": "Mining support service activities",
    "10": "Food products", "11": "Beverages", "12": "Tobacco products", "13": "Textiles",
    "14": "Wearing apparel", "15": "Leather and related products",
    "16": "Wood and products of wood and cork (except furniture)",
    "17": "Paper and paper products", "18": "Printing and reproduction of recorded media",
    "19": "Coke and refined petroleum products", "20": "Chemicals and chemical products",
    "21": "Basic pharmaceutical products and preparations", "22": "Rubber and plastics products",
    "23": "Other non-metallic mineral products", "24": "Basic metals",
    "25": "Fabricated metal products (except machinery and equipment)",
    "26": "Computer, electronic and optical products", "27": "Electrical equipment",
    "28": "Machinery and equipment n.e.c.", "29": "Motor vehicles, trailers and semi-trailers",
    "30": "Other transport equipment", "31": "Furniture", "32": "Other manufacturing",
    "33": "Repair and installation of machinery and equipment",
    "35": "Electricity, gas, steam and air conditioning supply", "36": "Water collection, treatment and supply",
    "37": "Sewerage", "38": "Waste collection, treatment and disposal; materials recovery",
    "39": "Remediation and other waste management", "41": "Construction of buildings",
    "42": "Civil engineering", "43": "Specialised construction activities",
    "45": "Wholesale and retail trade and repair of motor vehicles",
    "46": "Wholesale trade (except motor vehicles)", "47": "Retail trade (except motor vehicles)",
    "49": "Land transport and transport via pipelines", "50": "Water transport",
    "51": "Air transport", "52": "Warehousing and support activities for transportation",
    "53": "Postal and courier activities", "55": "Accommodation",
    "56": "Food and beverage service activities", "58": "Publishing activities",
    "59": "Motion picture, video and television production, sound recording",
    "60": "Programming and broadcasting", "61": "Telecommunications",
    "62": "Computer programming, consultancy and related activities",
    "63": "Information service activities", "64": "Financial services (except insurance and pensions)",
    "65": "Insurance, reinsurance and pension funding", "66": "Activities auxiliary to financial services",
    "68": "Real estate activities", "69": "Legal and accounting activities",
    "70": "Head offices; management consultancy", "71": "Architecture and engineering; technical testing",
    "72": "Scientific research and development", "73": "Advertising and market research",
    "74": "Other professional, scientific and technical activities", "75": "Veterinary activities",
    "77": "Rental and leasing activities", "78": "Employment activities",
    "79": "Travel agency and tour operator activities", "80": "Security and investigation activities",
    "81": "Services to buildings and landscape activities",
    "82": "Office administrative and business support activities",
    "84": "Public administration and defence; social security", "85": "Education",
    "86": "Human health activities", "87": "Residential care activities",
    "88": "Social work activities without accommodation",
    "90": "Creative, arts and entertainment activities",
    "91": "Libraries, archives, museums and other cultural activities",
    "92": "Gambling and betting activities", "93": "Sports, amusement and recreation activities",
    "94": "Activities of membership organisations", "95": "Repair of computers and household goods",
    "96": "Other personal service activities", "97": "Households as employers of domestic personnel",
    "98": "Households producing goods and services for own use",
    "99": "Extraterritorial organisations and bodies",
}  # fmt: skip

MANUFACTURING_DIVISIONS = frozenset(f"{n:02d}" for n in range(10, 34))


def is_manufacturing(sector: str) -> bool:
    return sector in MANUFACTURING_DIVISIONS


def sector_label(sector: str) -> str:
    name = ISIC_DIVISIONS.get(sector)
    return f"{sector} {name}" if name else sector


@cache
def country_choices() -> list[tuple[str, str]]:
    """Countries by name, with the six countries of the programme database first."""
    first = ["GB", "US", "DE", "SG", "KR", "TW"]
    by_code = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    head = [(code, by_code[code]) for code in first]
    tail = sorted(((code, name) for code, name in by_code.items() if code not in first),
                  key=lambda item: item[1])
    return head + tail


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return getattr(country, "common_name", None) or getattr(country, "name", code)


def is_country(code: str) -> bool:
    return bool(code) and len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


@cache
def currency_choices() -> list[tuple[str, str]]:
    first = ["GBP", "USD", "EUR", "SGD", "KRW", "TWD"]
    by_code = {c.alpha_3: c.name for c in pycountry.currencies}
    head = [(code, f"{code} {by_code[code]}") for code in first]
    tail = sorted((code, f"{code} {name}") for code, name in by_code.items() if code not in first)
    return head + tail


# The currency a firm most likely reports in, by country: the six countries of the programme
# database and the euro area. Elsewhere there is no default and the firm chooses.
COUNTRY_CURRENCY: dict[str, str] = {
    "GB": "GBP", "US": "USD", "SG": "SGD", "KR": "KRW", "TW": "TWD",
    **dict.fromkeys(("AT", "BE", "HR", "CY", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV",
                     "LT", "LU", "MT", "NL", "PT", "SK", "SI", "ES"), "EUR"),
}


def default_currency(country: str) -> str:
    """The usual currency of a country ("" where we do not presume one)."""
    return COUNTRY_CURRENCY.get((country or "").upper(), "")


def is_currency(code: str) -> bool:
    return bool(code) and pycountry.currencies.get(alpha_3=code.upper()) is not None


def normalise_region(country: str, region: str) -> str | None:
    """The canonical spelling of ``region`` for ``country``, or None if it is not valid there.

    GB: an ITL1 region name; US: a state's two-letter code; elsewhere an ISO 3166-2 code
    (``DE-BY``). Matching is case-insensitive; an empty region normalises to "".
    """
    region = (region or "").strip()
    if not region:
        return ""
    country = country.upper()
    folded = region.casefold()
    if country == "GB":
        return next((r for r in GB_REGIONS if r.casefold() == folded), None)
    if country == "US":
        code = folded.upper().removeprefix("US-")
        if code in US_STATES:
            return code
        return next((c for c, name in US_STATES.items() if name.casefold() == folded), None)
    code = region.upper()
    if not code.startswith(f"{country}-"):
        code = f"{country}-{code}"
    subdivision = pycountry.subdivisions.get(code=code)
    return subdivision.code if subdivision else None


def region_label(country: str, region: str) -> str:
    if not region:
        return ""
    if country == "US":
        return US_STATES.get(region, region)
    if country == "GB":
        return region
    subdivision = pycountry.subdivisions.get(code=region)
    return subdivision.name if subdivision else region


def region_choices(country: str) -> list[tuple[str, str]]:
    if country == "GB":
        return [(r, r) for r in GB_REGIONS]
    if country == "US":
        return sorted(US_STATES.items(), key=lambda item: item[1])
    return sorted(
        ((s.code, s.name) for s in pycountry.subdivisions.get(country_code=country) or []),
        key=lambda item: item[1],
    )
