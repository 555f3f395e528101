"""Every page that shows a figure names where it comes from; Kolada's terms require
"Källa: Kolada" wherever its figures are shown."""

from sqlmodel import Session, select

from app.db import make_engine
from app.models import IndicatorValue, Kommun, Provider


def kolada_case(sample_settings) -> tuple[Provider, list[Provider], Kommun, str]:
    engine = make_engine(sample_settings.database_url)
    with Session(engine) as s:
        value = s.exec(
            select(IndicatorValue)
            .where(IndicatorValue.source.contains("Kolada"), IndicatorValue.status == "ok")
            .order_by(IndicatorValue.year.desc())
        ).first()
        assert value is not None, "the sample has figures from Kolada"
        provider = s.get(Provider, value.provider_id)
        peers = s.exec(
            select(Provider).where(
                Provider.kommun_code == provider.kommun_code,
                Provider.service_type_id == provider.service_type_id,
                Provider.id != provider.id,
            )
        ).all()
        kommun = s.get(Kommun, provider.kommun_code)
    engine.dispose()
    return provider, list(peers), kommun, value.source


def test_provider_page_credits_kolada(client, sample_settings) -> None:
    provider, _, _, source = kolada_case(sample_settings)
    html = client.get(f"/utforare/{provider.slug}").text
    assert f"Källa: {source}" in html


def test_comparison_credits_kolada_on_the_page_and_in_the_csv(client, sample_settings) -> None:
    provider, peers, _, source = kolada_case(sample_settings)
    ids = f"id={provider.slug}&id={peers[0].slug}"
    assert f"Källa: {source}" in client.get(f"/jamfor?{ids}").text
    assert f"Källa: {source}" in client.get(f"/jamfor.csv?{ids}").content.decode("utf-8-sig")


def test_result_list_credits_the_sources_of_its_key_figures(client, sample_settings) -> None:
    provider, _, kommun, _ = kolada_case(sample_settings)
    html = client.get(f"/{kommun.slug}/{provider.service_type_id}").text
    assert "Källa för siffrorna:" in html and "Kolada" in html.split("Källa för siffrorna:")[1]
