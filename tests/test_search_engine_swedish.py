"""What Meilisearch itself does with å, ä and ö: the reason the index keeps folded copies.

If an upgrade changes this, these tests say so before residents notice.
"""

import meilisearch
import pytest

from app.search.index_settings import LOCALES
from tests.support.search import wait_for

pytestmark = pytest.mark.search

DOCUMENTS = [
    {"id": 1, "name": "Täby hemtjänst"},
    {"id": 2, "name": "Österåker omsorg"},
    {"id": 3, "name": "Ängen förskola"},
    {"id": 4, "name": "Café Éclair"},
]


def make_index(client: meilisearch.Client, uid: str, settings: dict) -> meilisearch.index.Index:
    wait_for(client, client.create_index(uid, {"primaryKey": "id"}))
    index = client.index(uid)
    wait_for(client, index.update_settings(settings))
    wait_for(client, index.add_documents(DOCUMENTS))
    return index


def names(index: meilisearch.index.Index, q: str) -> list[str]:
    return [hit["name"] for hit in index.search(q)["hits"]]


def test_without_a_locale_meilisearch_strips_swedish_letters_to_a_and_o(
    meili_client: meilisearch.Client, index_prefix: str
) -> None:
    index = make_index(meili_client, f"{index_prefix}_plain", {})
    assert names(index, "taby") == ["Täby hemtjänst"]
    assert names(index, "Osteraker") == ["Österåker omsorg"]
    assert names(index, "Angen") == ["Ängen förskola"]
    assert names(index, "eclair") == ["Café Éclair"]


def test_with_the_swedish_locale_a_ring_a_umlaut_o_umlaut_are_letters_of_their_own(
    meili_client: meilisearch.Client, index_prefix: str
) -> None:
    localized = {"localizedAttributes": [{"attributePatterns": ["*"], "locales": LOCALES}]}
    index = make_index(meili_client, f"{index_prefix}_swe", localized)
    assert names(index, "täby") == ["Täby hemtjänst"]
    assert names(index, "taby") == []  # hence name_folded and friends
    assert names(index, "Osteraker") == []
    assert names(index, "Angen") == []
    # Other accents are still folded.
    assert names(index, "eclair") == ["Café Éclair"]
