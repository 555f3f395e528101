"""The kommuner of a run, with their areas, postal codes and units per service type: the
sample's five (spec/sample.toml) or the synthetic nation's 290 (spec/nation.toml)."""

from __future__ import annotations

import math
import random
from collections import defaultdict

from .common import clip, jitter, slugify
from .spec import Area, Kommun, Spec, typed

VOWELS = "aeiouyåäö"


def sample_kommuner(spec: Spec, scale: int) -> list[Kommun]:
    """The sample's kommuner with their real areas; `scale` times the units of each."""
    names = {r["code"]: r for r in spec.kommuner}
    areas: dict[str, list[Area]] = defaultdict(list)
    for a in spec.sample_areas:
        areas[a["kommun_code"]].append(typed(Area, a, slug=slugify(a["name"])))
    deciders = {d["kommun"] for d in spec.levels["decision"]}
    return [
        Kommun(
            index=i,
            code=k["code"],
            name=names[k["code"]]["name"],
            slug=names[k["code"]]["slug"],
            org_name=k["org_name"],
            areas=tuple(areas[k["code"]]),
            plan={st: tuple(n * scale for n in plan) for st, plan in k["plan"].items()},
            capacity_factor=k.get("capacity_factor", 1.0),
            like=k["code"],
            levels_from=k["code"] if k["code"] in deciders else "",
        )
        for i, k in enumerate(spec.sample["kommun"])
    ]


def nation_kommuner(rng: random.Random, spec: Spec, units: int) -> list[Kommun]:
    """Every kommun of data/kommuner.csv with areas, postal codes and units in proportion to
    its size; each takes after one of the sample's kommuner (choice guides, awkward cases)
    and every fourth has the levels one of them decided."""
    n, a = spec.nation, spec.nation["areas"]
    sizes = [
        n["size"].get(r["code"])
        or clip(math.exp(rng.gauss(math.log(n["median"]), n["sigma"])), n["low"], n["high"])
        for r in spec.kommuner
    ]
    total = sum(sizes)
    places = [s + e for s in spec.names["nation"]["stems"] for e in spec.names["nation"]["endings"]]
    sample = [k["code"] for k in spec.sample["kommun"]]
    levels_from = list(dict.fromkeys(d["kommun"] for d in spec.levels["decision"]))
    kommuner = []
    for i, (row, size) in enumerate(zip(spec.kommuner, sizes, strict=True)):
        plan = {}
        for st, svc in spec.services.items():  # at least one unit, the kommun's own
            count = max(1, round(units * svc.nation["share"] * size / total))
            kommunal = max(1, round(count * svc.nation["kommunal"]))
            plan[st] = (
                count,
                kommunal,
                min(count - kommunal, round(count * svc.nation["ideburen"])),
            )
        lat0, lon0, radius = spec.nation["county"][row["code"][:2]]
        lat, lon = jitter(rng, lat0, lon0, radius)
        lat, lon = clip(lat, 55.4, 68.8), clip(lon, 11.6, 23.4)  # room for the jitter below
        count = int(
            clip(round(sum(p[0] for p in plan.values()) / a["units_per_area"]), a["min"], a["max"])
        )
        names = [f"{row['name']} centrum", *rng.sample(places, count - 1)]
        areas = []
        for j, name in enumerate(names):
            outer = j >= count - count // 3  # the last third are sparsely populated
            alat, alon = jitter(rng, lat, lon, a["spread_km"]) if j else (lat, lon)
            codes = tuple(str(10000 + 300 * i + 20 * j + c) for c in range(rng.randint(3, 6)))
            locality = name if outer else row["name"]
            areas.append(
                Area(slugify(name), name, round(alat, 4), round(alon, 4), locality, codes, outer)
            )
        kommuner.append(
            Kommun(
                index=i,
                code=row["code"],
                name=row["name"],
                slug=row["slug"],
                org_name=f"{row['name']} kommun"
                if row["name"][-1] in VOWELS + "s"
                else f"{row['name']}s kommun",
                areas=tuple(areas),
                plan=plan,
                capacity_factor=0.55 if size < n["small"] else 1.0,
                like=sample[i % len(sample)],
                levels_from=levels_from[i // 4 % len(levels_from)] if i % 4 == 0 else "",
            )
        )
    return kommuner
