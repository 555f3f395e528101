"""Organisations and units (providers), invented from spec/units.toml, names.toml and brands.csv.

Every draw comes from the one `random.Random` in a fixed order, so a seed always gives the
same units; changing the order of draws here changes every committed file after it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .common import NamePool, jitter, join_sv, org_nr, random_date, slugify
from .spec import Area, Brand, Kommun, Service, Spec


@dataclass
class Organisation:
    key: str
    name: str
    org_nr: str
    driftsform: str


@dataclass
class Provider:
    """A unit. The fields after `area` are filled in the order they are drawn."""

    slug: str
    name: str
    service_type: str
    kommun: Kommun
    organisation: Organisation
    area: Area
    grades: str = ""  # grundskola: "F–6", "F–9" or "7–9"
    capacity: int = 0
    lat: float = 0.0
    lon: float = 0.0
    opening_hours: str = ""
    weekly_hours: float = 0.0
    areas: list[str] = field(default_factory=list)
    started_year: int = 0
    street: str = ""
    postal_code: str = ""
    languages: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    website: str = ""
    quality: float = 0.0  # hidden: shifts every quality indicator a little
    accepting_new: bool = True
    presentation: str = ""
    presentation_updated: str = ""
    capacity_by_year: dict[int, int] = field(default_factory=dict)

    def row(self) -> list[str]:
        """The row of providers.csv."""
        return [
            self.slug, self.name, self.service_type, self.kommun.code, self.organisation.key,
            self.street, self.postal_code, self.area.locality, f"{self.lat:.5f}",
            f"{self.lon:.5f}", str(self.capacity), "|".join(self.languages),
            "|".join(self.profiles), "|".join(self.areas), self.grades.replace("–", "-"),
            "ja" if self.accepting_new else "nej", str(self.started_year), self.opening_hours,
            self.phone, self.email, self.website, self.presentation, self.presentation_updated,
        ]  # fmt: skip


PROVIDER_COLUMNS = (
    "slug", "name", "service_type", "kommun_code", "organisation_key", "street", "postal_code",
    "city", "lat", "lon", "capacity", "languages", "profiles", "areas", "school_years",
    "accepting_new", "started_year", "opening_hours", "phone", "email", "website",
    "presentation", "presentation_updated",
)  # fmt: skip


def _clock(hours: float) -> str:
    return f"{int(hours):02d}.{round((hours % 1) * 60):02d}"


class World:
    """Organisations and units, added a batch of kommuner at a time (the nation: one each)."""

    def __init__(
        self,
        rng: random.Random,
        spec: Spec,
        years: list[int],
        postal_coords: dict[str, tuple[float, float]],
        nation: bool,
    ) -> None:
        self.rng, self.spec, self.years, self.postal_coords = rng, spec, years, postal_coords
        self.nation = nation
        self.u = spec.units
        self.organisations: dict[str, Organisation] = {}
        self.brands: dict[tuple[str, str], list[Brand]] = defaultdict(list)
        for b in spec.brands:
            if nation or not b.nation_only:
                self.brands[(b.service_type, b.driftsform)].append(b)
        self.pool_names: dict[str, list[str]] = {k: list(v) for k, v in spec.names["pools"].items()}
        if nation:  # more names, from the places made of stems and endings
            n = spec.names["nation"]
            places = [s + e for s in n["stems"] for e in n["endings"]]
            for st, templates in n["pools"].items():
                self.pool_names[st] += [
                    t.format(place=p, genitive=p if p.endswith("s") else p + "s")
                    for t in templates
                    for p in places
                ]
        self.made = 0  # units so far, in every batch
        self.pools: dict[str, NamePool] = {}  # unit names, drawn anew for each batch
        self._slugs: set[str] = set()
        self._names: set[str] = set()
        self._local: set[tuple[str, str]] = set()  # (kommun code, brand key) of small firms
        self._cursor: dict[tuple[str, str], int] = defaultdict(int)

    def add(self, kommuner: list[Kommun]) -> list[Provider]:
        """The units of `kommuner`, finished: kommunal first per kommun and service type."""
        self.pools = {  # the nation draws only as many names as its kommun has units
            st: NamePool(
                self.rng, names, sum(k.plan[st][0] for k in kommuner) if self.nation else None
            )
            for st, names in self.pool_names.items()
        }
        for k in kommuner:  # the kommuner are the first organisations, in code order
            self.organisation(slugify(k.org_name), k.org_name, "kommunal")
        batch: list[Provider] = []
        for k in kommuner:
            for st, svc in self.spec.services.items():
                total, n_kommunal, n_ideburen = k.plan[st]
                forms = ["kommunal"] * n_kommunal + ["ideburen"] * n_ideburen
                forms += ["privat"] * (total - len(forms))
                places = self.place_units(k, total)
                for index, (driftsform, area) in enumerate(zip(forms, places, strict=True)):
                    batch.append(self.unit(k, svc, driftsform, area, index))
                    self.made += 1
        for rule in self.spec.sample["awkward"]:  # the cases the pages must show, by rule
            case = (rule["kommun"], rule["service_type"], rule["driftsform"])
            for p in batch:
                if (p.kommun.like, p.service_type, p.organisation.driftsform) == case:
                    for name, value in rule["set"].items():
                        setattr(p, name, value)
                    break
        first = self.made - len(batch)
        for i, p in enumerate(batch, start=first):
            p.capacity_by_year = self.capacity_history(p)
            if i % 29 == 11:
                continue  # a few providers have written no presentation
            p.presentation = self.presentation(p)
            start = max(date(2022, 1, 10), date(p.started_year, 3, 1))
            p.presentation_updated = random_date(self.rng, start, date(2026, 10, 30))
        return batch

    def organisation(self, key: str, name: str, driftsform: str) -> Organisation:
        if key not in self.organisations:
            prefixes = self.u["org_nr"]
            prefix = prefixes[driftsform]
            if driftsform == "ideburen" and name.startswith(tuple(self.u["foundations"])):
                prefix = prefixes["foundation"]
            self.organisations[key] = Organisation(key, name, org_nr(self.rng, prefix), driftsform)
        return self.organisations[key]

    def place_units(self, k: Kommun, count: int) -> list[Area]:
        """Areas for `count` units: every area gets one when there are enough, the rest go
        mostly to the central areas."""
        areas = list(k.areas)
        placed = list(areas) if count >= len(areas) else []
        weights = [0.35 if a.outer else 1.0 for a in areas]
        while len(placed) < count:
            placed.append(self.rng.choices(areas, weights)[0])
        self.rng.shuffle(placed)
        return placed

    def next_brand(self, k: Kommun, st: str, driftsform: str) -> Brand:
        """Brands take turns so that chains appear in several kommuner."""
        brands = self.brands[(st, driftsform)]
        if k.capacity_factor < 1:  # a small kommun is served by a small local firm if any
            local = [b for b in brands if b.small and (k.code, b.key) not in self._local]
            if local:
                self._local.add((k.code, local[0].key))
                return local[0]
        # Each kommun starts at a different brand so they do not all get the same mix.
        brand = brands[(self._cursor[(st, driftsform)] + k.index * 2) % len(brands)]
        self._cursor[(st, driftsform)] += 1
        return brand

    def unit_name(
        self, k: Kommun, svc: Service, area: Area, index: int, brand: Brand | None
    ) -> tuple[str, str]:
        """The unit's name and the pool name in it ("" if none)."""
        template = brand.unit_name if brand else svc.own_name
        base = self.pools[svc.id].next() if "{base}" in template else ""
        owner = k.org_name.replace(" kommun", " kommuns").replace(" stad", " stads")
        name = template.format(base=base, place=k.name, owner=owner)
        if brand is None and svc.own_name_parts and k.plan[svc.id][1] > 1:
            parts = svc.own_name_parts
            name += parts[index] if index < len(parts) else f", team {index + 1}"
        elif "{place}" in template and name in self._names:
            name = template.format(base=base, place=area.name, owner=owner)
        return name, base

    def unit(self, k: Kommun, svc: Service, driftsform: str, area: Area, index: int) -> Provider:
        rng = self.rng
        brand = None if driftsform == "kommunal" else self.next_brand(k, svc.id, driftsform)
        name, base = self.unit_name(k, svc, area, index, brand)
        self._names.add(name)
        key, org_name = (brand.key, brand.name) if brand else (slugify(k.org_name), k.org_name)
        if brand and "{base}" in brand.name:  # each parent co-operative is its own body
            key, org_name = slugify(f"{name}-{k.slug}"), brand.name.format(base=base)
        slug = slugify(name)
        if slug in self._slugs:
            slug = f"{slug}-{k.slug}"
        candidate, n = slug, 2
        while candidate in self._slugs:
            candidate, n = f"{slug}-{n}", n + 1
        self._slugs.add(candidate)
        p = Provider(candidate, name, svc.id, k, self.organisation(key, org_name, driftsform), area)

        by_area = svc.choice_basis == "area"
        if by_area and area.outer:
            p.area = next(a for a in k.areas if not a.outer)  # offices sit centrally
        if svc.grades:  # every kommun has at least one school with year 9
            p.grades = svc.first_grades if index == 0 else rng.choice(svc.grades)
        size = self.base_capacity(svc, driftsform, p.grades) * k.capacity_factor
        capacity = round(size * (0.45 if p.area.outer else 1.0))
        if brand and brand.small:
            capacity = round(capacity * 0.4)
        p.capacity = max(capacity, svc.min_capacity)
        p.lat, p.lon = jitter(rng, p.area.lat, p.area.lon, 1.0)
        p.opening_hours, p.weekly_hours = self.opening_hours(svc, p.grades)
        p.areas = self.served_areas(k, driftsform, index) if by_area else [p.area.slug]
        p.started_year = rng.randint(*svc.started.get(driftsform, svc.started["other"]))
        p.street = f"{rng.choice(self.spec.names['people']['streets'])} {rng.randint(1, 48)}"
        xy = self.postal_coords
        p.postal_code = min(
            p.area.postal_codes,
            key=lambda c: (xy[c][0] - p.lat) ** 2 + ((xy[c][1] - p.lon) * 0.5) ** 2,
        )
        p.languages = self.languages(svc, brand)
        p.profiles = self.profiles(svc, brand)
        domain = self.u["email_domain"]
        p.phone = f"{self.u['phone_prefix']}{self.made % 100:02d}"
        p.email = f"{p.slug[:40].rstrip('-')}@{domain}"
        p.website = f"https://{domain}/{p.slug}" if rng.random() < 0.8 else ""
        p.quality = rng.gauss(0, 1)
        return p

    def base_capacity(self, svc: Service, driftsform: str, grades: str) -> int:
        if svc.sizes:
            return self.rng.choice(svc.sizes)
        if grades:  # one draw per kind of school, the unit's kept (so the sample was made)
            drawn = {key: self.rng.randint(lo, hi) for key, (lo, hi) in svc.capacity.items()}
            return drawn.get(grades, drawn["other"])
        return self.rng.randint(*svc.capacity.get(driftsform, svc.capacity["other"]))

    def opening_hours(self, svc: Service, grades: str) -> tuple[str, float]:
        """The opening-hours text and, where it makes sense, hours per week."""
        hours = svc.hours
        if grades in hours:
            return hours[grades], 0.0
        start = self.rng.choice(hours["open"]) if "open" in hours else 0.0
        end = self.rng.choice(hours["close"]) if "close" in hours else 0.0
        text = hours["text"].format(open=_clock(start), close=_clock(end))
        return text, (end - start) * 5 if "open" in hours else 0.0

    def served_areas(self, k: Kommun, driftsform: str, index: int) -> list[str]:
        """Which areas a home-care unit serves. The kommun's first unit serves every area
        (it is also the default for those who do not choose); private providers mostly
        keep to the central areas, so outer areas have few to choose from."""
        rng = self.rng
        central = [a.slug for a in k.areas if not a.outer]
        if driftsform == "kommunal":
            if index == 0:
                return [a.slug for a in k.areas]
            return central[: max(1, (len(central) + 1) // 2)]
        if rng.random() < 0.35:
            chosen = list(central)
        else:
            chosen = rng.sample(central, k=min(len(central), rng.randint(1, 3)))
        chosen += [a.slug for a in k.areas if a.outer and rng.random() < 0.15]
        order = [a.slug for a in k.areas]
        return sorted(set(chosen), key=order.index)

    def languages(self, svc: Service, brand: Brand | None) -> list[str]:
        langs = ["svenska"] + [
            lang for lang in (brand.languages if brand else ()) if lang != "svenska"
        ]
        for lang, p in self.u["languages"].items():
            if lang not in langs and self.rng.random() < p * svc.language_factor:
                langs.append(lang)
        return langs

    def profiles(self, svc: Service, brand: Brand | None) -> list[str]:
        profiles = list(brand.profiles) if brand else []
        if svc.main_profiles:
            profiles = list(self.rng.choice(svc.main_profiles)) + profiles
        if svc.brand_profile_only and profiles:
            return profiles  # a chain's pedagogy is its profile
        for profile, p in svc.optional_profiles.items():
            if profile not in profiles and self.rng.random() < p and len(profiles) < 3:
                profiles.append(profile)
        return profiles

    def capacity_history(self, p: Provider) -> dict[int, int]:
        """Yearly size, ending at the current capacity in the last year."""
        rng, years = self.rng, self.years
        growth = rng.gauss(0.02, 0.05)
        if not self.spec.services[p.service_type].growth:
            growth = 0.0
        history = {years[-1]: p.capacity}
        value = float(p.capacity)
        for year in reversed(years[:-1]):
            value = value / (1 + growth + rng.gauss(0, 0.03 if growth else 0.0))
            history[year] = max(5, round(value))
        if p.started_year >= years[0]:
            history[p.started_year] = max(5, round(p.capacity * 0.6))  # a new unit grows
        return dict(sorted(history.items()))

    def presentation(self, p: Provider) -> str:
        """The provider's own words: up to four sentences."""
        rng, svc, texts = self.rng, self.spec.services[p.service_type], self.u["presentation"]
        by_slug = {a.slug: a.name for a in p.kommun.areas}
        served = [by_slug[s] for s in p.areas]
        where = f"hela {p.kommun.name}" if len(served) == len(by_slug) else join_sv(served)
        sentences = [
            svc.opening.format(where=where, capacity=p.capacity, area=p.area.name, grades=p.grades)
        ]
        profile_sentences = self.u["profile_sentences"]
        sentences += [profile_sentences[x] for x in p.profiles if x in profile_sentences][:1]
        extra_langs = [lang for lang in p.languages if lang != "svenska"]
        if extra_langs and len(sentences) < 2:
            sentences.append(texts["languages"].format(languages=join_sv(extra_langs[:3])))
        if not p.accepting_new:
            sentences.append(texts["closed"])
        if p.started_year >= self.years[-1] - 1:
            sentences.append(texts["opened"].format(year=p.started_year))
        if len(sentences) < 4 and rng.random() < 0.7:
            sentences.append(rng.choice(svc.general))
        if len(sentences) < 4:
            people = self.spec.names["people"]
            person = f"{rng.choice(people['first'])} {rng.choice(people['last'])}"
            sentences.append(texts["welcome"].format(person=person, head=svc.head))
        return " ".join(sentences[:4])
