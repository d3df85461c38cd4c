"""Where a shipping address roughly is, from built-in tables and without any network: enough to pick a warehouse.

US addresses resolve to their state's centroid (from `region`, else from the ZIP code's first three digits);
other addresses, and US ones that name no state, resolve to their country's centroid. The figures are the
geographic centroids published with Google's DSPL sample data sets (states.csv, countries.csv), rounded to
0.01° (about 1 km), which is far finer than a decision between warehouses needs.
"""

from __future__ import annotations

from bisect import bisect_right

from commerce.catalog import Location
from commerce.orders import Address

_STATES: dict[str, tuple[float, float]] = {
    "AL": (32.32, -86.90),
    "AK": (63.59, -154.49),
    "AZ": (34.05, -111.09),
    "AR": (35.20, -91.83),
    "CA": (36.78, -119.42),
    "CO": (39.55, -105.78),
    "CT": (41.60, -73.09),
    "DE": (38.91, -75.53),
    "DC": (38.91, -77.03),
    "FL": (27.66, -81.52),
    "GA": (32.16, -82.91),
    "HI": (19.90, -155.67),
    "ID": (44.07, -114.74),
    "IL": (40.63, -89.40),
    "IN": (40.55, -85.60),
    "IA": (41.88, -93.10),
    "KS": (39.01, -98.48),
    "KY": (37.84, -84.27),
    "LA": (31.24, -92.15),
    "ME": (45.25, -69.45),
    "MD": (39.05, -76.64),
    "MA": (42.41, -71.38),
    "MI": (44.31, -85.60),
    "MN": (46.73, -94.69),
    "MS": (32.35, -89.40),
    "MO": (37.96, -91.83),
    "MT": (46.88, -110.36),
    "NE": (41.49, -99.90),
    "NV": (38.80, -116.42),
    "NH": (43.19, -71.57),
    "NJ": (40.06, -74.41),
    "NM": (34.97, -105.03),
    "NY": (43.30, -74.22),
    "NC": (35.76, -79.02),
    "ND": (47.55, -101.00),
    "OH": (40.42, -82.91),
    "OK": (35.01, -97.09),
    "OR": (43.80, -120.55),
    "PA": (41.20, -77.19),
    "RI": (41.58, -71.48),
    "SC": (33.84, -81.16),
    "SD": (43.97, -99.90),
    "TN": (35.52, -86.58),
    "TX": (31.97, -99.90),
    "UT": (39.32, -111.09),
    "VT": (44.56, -72.58),
    "VA": (37.43, -78.66),
    "WA": (47.75, -120.74),
    "WV": (38.60, -80.45),
    "WI": (43.78, -88.79),
    "WY": (43.08, -107.29),
    "PR": (18.22, -66.59),
    "GU": (13.44, 144.79),
    "VI": (18.34, -64.90),
    "AS": (-14.27, -170.13),
    "MP": (17.33, 145.38),
}

# The first three digits of a ZIP code name the state (USPS sectional centre facilities); each entry is the
# lowest prefix of a run that belongs to one state. Military mail (AA/AE/AP) has no place and maps to None.
_ZIP3_RUNS: tuple[tuple[int, str | None], ...] = (
    (5, "NY"), (6, "PR"), (8, "VI"), (9, "PR"), (10, "MA"), (28, "RI"), (30, "NH"), (39, "ME"), (50, "VT"),
    (55, "MA"), (56, "VT"), (60, "CT"), (70, "NJ"), (90, None), (100, "NY"), (150, "PA"), (197, "DE"),
    (200, "DC"), (201, "VA"), (202, "DC"), (206, "MD"), (220, "VA"), (247, "WV"), (270, "NC"), (290, "SC"),
    (300, "GA"), (320, "FL"), (340, None), (341, "FL"), (350, "AL"), (370, "TN"), (386, "MS"), (398, "GA"),
    (400, "KY"), (430, "OH"), (460, "IN"), (480, "MI"), (500, "IA"), (530, "WI"), (550, "MN"), (569, "DC"),
    (570, "SD"), (580, "ND"), (590, "MT"), (600, "IL"), (630, "MO"), (660, "KS"), (680, "NE"), (700, "LA"),
    (716, "AR"), (730, "OK"), (733, "TX"), (734, "OK"), (750, "TX"), (800, "CO"), (820, "WY"), (832, "ID"),
    (840, "UT"), (850, "AZ"), (870, "NM"), (885, "TX"), (889, "NV"), (900, "CA"), (962, None), (967, "HI"),
    (969, "GU"), (970, "OR"), (980, "WA"), (995, "AK"),
)  # fmt: skip
_ZIP3_STARTS = [start for start, _ in _ZIP3_RUNS]

_COUNTRIES: dict[str, tuple[float, float]] = {
    "US": (37.09, -95.71),
    "CA": (56.13, -106.35),
    "MX": (23.63, -102.55),
    "GT": (15.78, -90.23),
    "CR": (9.75, -83.75),
    "PA": (8.54, -80.78),
    "DO": (18.74, -70.16),
    "JM": (18.11, -77.30),
    "BS": (25.03, -77.40),
    "BR": (-14.24, -51.93),
    "AR": (-38.42, -63.62),
    "CL": (-35.68, -71.54),
    "CO": (4.57, -74.30),
    "PE": (-9.19, -75.02),
    "EC": (-1.83, -78.18),
    "UY": (-32.52, -55.77),
    "VE": (6.42, -66.59),
    "GB": (55.38, -3.44),
    "IE": (53.41, -8.24),
    "FR": (46.23, 2.21),
    "DE": (51.17, 10.45),
    "NL": (52.13, 5.29),
    "BE": (50.50, 4.47),
    "LU": (49.82, 6.13),
    "CH": (46.82, 8.23),
    "AT": (47.52, 14.55),
    "ES": (40.46, -3.75),
    "PT": (39.40, -8.22),
    "IT": (41.87, 12.57),
    "DK": (56.26, 9.50),
    "NO": (60.47, 8.47),
    "SE": (60.13, 18.64),
    "FI": (61.92, 25.75),
    "IS": (64.96, -19.02),
    "EE": (58.60, 25.01),
    "LV": (56.88, 24.60),
    "LT": (55.17, 23.88),
    "PL": (51.92, 19.15),
    "CZ": (49.82, 15.47),
    "SK": (48.67, 19.70),
    "HU": (47.16, 19.50),
    "SI": (46.15, 14.99),
    "HR": (45.10, 15.20),
    "RS": (44.02, 21.01),
    "RO": (45.94, 24.97),
    "BG": (42.73, 25.49),
    "GR": (39.07, 21.82),
    "CY": (35.13, 33.43),
    "MT": (35.94, 14.38),
    "UA": (48.38, 31.17),
    "TR": (38.96, 35.24),
    "RU": (61.52, 105.32),
    "IL": (31.05, 34.85),
    "AE": (23.42, 53.85),
    "SA": (23.89, 45.08),
    "QA": (25.35, 51.18),
    "EG": (26.82, 30.80),
    "MA": (31.79, -7.09),
    "NG": (9.08, 8.68),
    "GH": (7.95, -1.02),
    "KE": (-0.02, 37.91),
    "ZA": (-30.56, 22.94),
    "IN": (20.59, 78.96),
    "PK": (30.38, 69.35),
    "BD": (23.68, 90.36),
    "CN": (35.86, 104.20),
    "HK": (22.40, 114.11),
    "TW": (23.70, 120.96),
    "JP": (36.20, 138.25),
    "KR": (35.91, 127.77),
    "SG": (1.35, 103.82),
    "MY": (4.21, 101.98),
    "TH": (15.87, 100.99),
    "VN": (14.06, 108.28),
    "PH": (12.88, 121.77),
    "ID": (-0.79, 113.92),
    "AU": (-25.27, 133.78),
    "NZ": (-40.90, 174.89),
    # US territories with their own ISO codes, so either spelling of such an address resolves.
    "PR": (18.22, -66.59),
    "GU": (13.44, 144.79),
    "VI": (18.34, -64.90),
    "AS": (-14.27, -170.13),
    "MP": (17.33, 145.38),
}


def locate(address: Address) -> Location | None:
    """The approximate location of a shipping address; None when neither its state nor its country is known."""
    country = address.country.strip().upper()
    if country == "US":
        state = _us_state(address)
        if state is not None:
            return Location(*_STATES[state])
    centroid = _COUNTRIES.get(country)
    return Location(*centroid) if centroid else None


def _us_state(address: Address) -> str | None:
    region = address.region.strip().upper()
    if region in _STATES:
        return region
    digits = address.postal_code.strip()[:3]
    if len(digits) == 3 and digits.isdigit():
        run = bisect_right(_ZIP3_STARTS, int(digits)) - 1
        return _ZIP3_RUNS[run][1] if run >= 0 else None
    return None
