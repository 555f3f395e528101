"""What the kommuner decide and write: levels (levels.toml) and choice guides (guides.toml)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from .common import fmt
from .spec import Kommun, Spec

LEVEL_COLUMNS = (
    "kommun_code", "indicator_id", "valid_from", "good", "approved", "decided_by", "decided_on",
)  # fmt: skip
GUIDE_COLUMNS = (
    "kommun_code", "service_type", "who_can_choose", "who_can_choose_en", "apply_steps",
    "apply_steps_en", "apply_url", "contact_name", "contact_name_en", "contact_phone",
    "contact_email", "contact_hours", "contact_hours_en", "if_no_choice", "if_no_choice_en",
    "default_provider_slug", "change_steps", "change_steps_en", "change_takes",
    "change_takes_en", "updated",
)  # fmt: skip


def level_rows(spec: Spec, kommuner: list[Kommun]) -> Iterator[list[str]]:
    """Each kommun with `levels_from` gets that kommun's decisions, in levels.toml's order."""
    indicators = {ind.id: ind for ind in spec.indicators}
    takers: dict[str, list[str]] = defaultdict(list)
    for k in kommuner:
        if k.levels_from:
            takers[k.levels_from].append(k.code)
    decisions = spec.levels["decision"]
    for source in dict.fromkeys(d["kommun"] for d in decisions):
        for code in takers[source]:
            for d in (d for d in decisions if d["kommun"] == source):
                for ind_id in d["indicators"]:
                    ind = indicators[ind_id]
                    assert ind.level_good is not None and ind.level_approved is not None, ind_id
                    step = (
                        d["shift"] * spec.levels["step"][ind.unit] / (5 if ind.decimals == 2 else 1)
                    )
                    good, approved = (
                        ind.level_good + ind.sign * step,
                        ind.level_approved + ind.sign * step,
                    )
                    row = [code, ind_id, "", fmt(good, ind.decimals), fmt(approved, ind.decimals)]
                    yield [*row, d["decided_by"], d["decided_on"]]
                    for c in spec.levels["change"]:  # a level the kommun later raised
                        if (c["kommun"], c["indicator"]) == (source, ind_id):
                            yield [
                                code, ind_id, str(c["valid_from"]), fmt(c["good"], ind.decimals),
                                fmt(c["approved"], ind.decimals), d["decided_by"], c["decided_on"],
                            ]  # fmt: skip


def guide_rows(
    spec: Spec, kommuner: list[Kommun], own: dict[tuple[str, str], tuple[str, str]]
) -> Iterator[list[str]]:
    """One guide per kommun and service type, in the words of the kommun in guides.toml that
    the kommun borrows them from. `own`: the (slug, name) of each kommun's first own unit of
    each service type. No randomness: the other files stay as they are."""
    g, units = spec.guides, spec.units
    for k in kommuner:
        facts = g["kommun"][k.like]
        for s_index, st in enumerate(spec.services):
            contact = facts[g["contact_for"][st]]
            english = st in facts["english"]
            filled = {
                lang: _texts(g["text"][st][lang], facts.get(st, {}), i, own[(k.code, st)][1])
                for i, lang in enumerate(("sv", "en"))
            }
            domain = units["email_domain"]
            row = {
                "kommun_code": k.code,
                "service_type": st,
                "apply_url": f"https://{domain}/{k.slug}/e-tjanster/{st}",
                "contact_name": contact["name"][0],
                "contact_name_en": contact["name"][1] if english else "",
                "contact_phone": f"{units['phone_prefix']}{contact['phone']}",
                "contact_email": f"{contact['email']}@{k.slug}.{domain}",
                "contact_hours": contact["hours"][0],
                "contact_hours_en": contact["hours"][1] if english else "",
                "default_provider_slug": own[(k.code, st)][0] if filled["sv"][1] else "",
                "updated": date(2026, facts["updated_month"], 2 + 5 * s_index + k.index % 5),
            }
            for name, text in filled["sv"][0].items():
                row[name] = text
                row[f"{name}_en"] = filled["en"][0][name] if english else ""
            yield [str(row[c]) for c in GUIDE_COLUMNS]


def _texts(texts: dict, facts: dict, lang: int, default: str) -> tuple[dict[str, str], bool]:
    """The texts with the kommun's facts filled in ([sv, en] pairs by `lang`), and whether
    they name the default unit."""
    values = {k: v[lang] if isinstance(v, list) else v for k, v in facts.items()}
    out, names_default = {}, False
    for name, text in texts.items():
        if isinstance(text, dict):  # variants: the kommun's picks one
            text = text[facts["variant"]]
        steps = text if isinstance(text, list) else [text]
        names_default |= any("{default}" in step for step in steps)
        out[name] = "|".join(step.format(default=default, **values) for step in steps)
    return out, names_default
