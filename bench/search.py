"""`search`: the same searches (a) sent straight to Meilisearch, (b) through our API and
(c) through the list page; and, for the record, the list page on the SQL fallback."""

import json
import statistics
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import httpx

from app.search import SearchParams, search_providers
from app.search_service import PER_PAGE
from app.settings import Settings
from bench import report, wrk
from bench.report import Check, ms, quotient, ratio
from bench.run import (
    KOMMUN_SLUG,
    SERVICE,
    Run,
    cache_text,
    expect_2xx,
    sequential_ms,
    without_page_cache,
)
from bench.server import serve

MAX_RATIO = 1.5
NO_SERVER = "http://127.0.0.1:9"  # nothing listens there: the SQL fallback
WORDS = ["omsorg", "hemtjänst", "trygg", "språk", "natt"]
PLACE = "nasby-park"  # a Täby area: the place filter (`omrade` on the page, `area` in the API)
QUERIES: list[tuple[str, str | None]] = [
    *((w, None) for w in WORDS),
    ("omsorg", PLACE),
    ("", PLACE),
]


class _Recorder:
    """Stands in for the Meilisearch client to catch the exact queries the app would send."""

    queries: list[dict[str, Any]]

    def multi_search(self, queries: list[dict[str, Any]]) -> dict[str, Any]:
        self.queries = list(queries)
        return {"results": [{"hits": []} for _ in queries]}


def meili_body(settings: Settings, q: str, area: str | None) -> str:
    """The list page's multi-search for `q` (and the place), as the app builds it."""
    params = SearchParams(
        q=q, kommun_slug=KOMMUN_SLUG, service_type=SERVICE, area=area, per_page=PER_PAGE
    )
    recorder = _Recorder()
    search_providers(recorder, settings, params)  # type: ignore[arg-type]
    return json.dumps({"queries": recorder.queries}, ensure_ascii=False)


def _query(pairs: list[tuple[str, str]]) -> str:
    return str(httpx.QueryParams(pairs))


def page_path(q: str, area: str | None) -> str:
    pairs = [("q", q)] if q else []
    return f"/{KOMMUN_SLUG}/{SERVICE}?" + _query(pairs + ([("omrade", area)] if area else []))


def api_path(q: str, area: str | None) -> str:
    pairs = [("municipality", KOMMUN_SLUG), ("service_type", SERVICE)]
    pairs += [("q", q)] if q else []
    return "/api/v1/providers?" + _query(pairs + ([("area", area)] if area else []))


def search(run: Run) -> list[str]:
    before = report.load_average()
    served = run.sample()
    # Held to the target with the page cache off: every search then reaches Meilisearch, as
    # a resident's new query does. As served (cache on) it is recorded beside it.
    settings, has_cache = without_page_cache(served)
    meili = settings.meili_url.rstrip("/")
    headers = {"Content-Type": "application/json"}
    if settings.meili_search_key:
        headers["Authorization"] = f"Bearer {settings.meili_search_key}"
    bodies = [meili_body(settings, q, a) for q, a in QUERIES]
    routes = {
        "meili": [wrk.Request("/multi-search", "POST", b) for b in bodies],
        "api": [wrk.Request(api_path(q, a)) for q, a in QUERIES],
        "page": [wrk.Request(page_path(q, a)) for q, a in QUERIES],
    }
    apps = {"": settings, "fallback": settings.model_copy(update={"meili_url": NO_SERVER})}
    if has_cache:
        apps["cached"] = served
    rates: dict[str, wrk.WrkResult] = {}
    with ExitStack() as stack:
        client = stack.enter_context(httpx.Client(timeout=30))
        servers = {
            name: stack.enter_context(serve(s, run.tmp / f"search{name}.log", run.options.workers))
            for name, s in apps.items()
        }
        url = {name: server.url for name, server in servers.items()}
        pids = {name: server.pid for name, server in servers.items()}
        for b in bodies:
            expect_2xx(client, "POST", f"{meili}/multi-search", content=b, headers=headers)
        # The fallback server's first requests also open its breaker, as a longer outage would.
        for name in apps:
            for r in routes["api"] + routes["page"]:
                expect_2xx(client, "GET", url[name] + r.path)

        def post(body: str) -> Callable[[], object]:
            return lambda: client.post(f"{meili}/multi-search", content=body, headers=headers)

        def get(full: str) -> Callable[[], object]:
            return lambda: client.get(full)

        calls: dict[str, Callable[[], object]] = {}
        triples = zip(bodies, routes["api"], routes["page"], strict=True)
        for i, (body, api, page) in enumerate(triples):
            calls[f"meili:{i}"] = post(body)
            calls[f"api:{i}"] = get(url[""] + api.path)
            calls[f"page:{i}"] = get(url[""] + page.path)
            calls[f"fallback:{i}"] = get(url["fallback"] + page.path)
            if has_cache:
                calls[f"api cached:{i}"] = get(url["cached"] + api.path)
                calls[f"page cached:{i}"] = get(url["cached"] + page.path)
        # One request at a time: what one resident's search costs; all interleaved.
        medians = sequential_ms(calls, run.options.rounds)
        for route, requests in routes.items():
            print(f"bench search: {route}", flush=True)
            base = meili if route == "meili" else url[""]
            rates[route] = run.wrk(
                base, requests, headers=headers if route == "meili" else None, pid=pids[""]
            )

    def mean(route: str) -> float:
        return statistics.fmean(medians[f"{route}:{i}"] for i in range(len(QUERIES)))

    direct = mean("meili")
    checks = [
        Check(
            f"{route}: time ÷ Meilisearch (one at a time, page cache off)",
            ratio(mean(route) / direct),
            f"≤ {MAX_RATIO}×",
            mean(route) / direct <= MAX_RATIO,
        )
        for route in ("api", "page")
    ]
    if has_cache:
        checks += [
            Check(
                f"{route}: time ÷ Meilisearch, as served (page cache on)",
                ratio(mean(f"{route} cached") / direct),
                "",
                None,
            )
            for route in ("api", "page")
        ]
    checks += [
        Check(
            f"{route}: Meilisearch's rate ÷ {route}'s (wrk)",
            quotient(rates["meili"].rate, rates[route].rate),
            "",
            None,
        )
        for route in ("api", "page")
    ]
    checks += [
        Check(
            f"{route}: errors, non-2xx (wrk)",
            rates[route].errors_text(),
            "0",
            rates[route].error_count == 0,
        )
        for route in routes
    ]
    checks.append(
        Check(
            "page on the SQL fallback ÷ page on Meilisearch (one at a time)",
            ratio(mean("fallback") / mean("page")),
            "",
            None,
        )
    )
    columns = ["meili", "api", "page", *(["api cached", "page cached"] if has_cache else [])]
    columns.append("fallback")
    titles = {
        "meili": "(a) Meilisearch",
        "api": "(b) API",
        "page": "(c) page",
        "api cached": "API, cache on",
        "page cached": "page, cache on",
        "fallback": "page, SQL fallback",
    }
    query_rows = [
        [f"`{q or '(none)'}`", a or "", *(ms(medians[f"{c}:{i}"]) for c in columns)]
        for i, (q, a) in enumerate(QUERIES)
    ]
    query_rows.append(["mean", "", *(ms(mean(c)) for c in columns)])
    wrk_rows = [
        [
            titles[route],
            f"{r.rate:.1f}",
            ms(r.p50_ms),
            ms(r.p95_ms),
            ms(r.p99_ms),
            ms(r.max_ms),
            str(r.requests),
            r.errors_text(),
        ]
        for route, r in rates.items()
    ]
    return [
        *report.section_head("search", run.command, before),
        f"- result: **{report.verdict(checks)}**",
        f"- queries: the words {', '.join(WORDS)}, then `omsorg` and no words, each filtered "
        f"to the place `{PLACE}`, in {KOMMUN_SLUG}/{SERVICE} (sample data, SQLite)",
        "- (a) `POST /multi-search` to Meilisearch with the search-only key and exactly the "
        "body the app builds for the list page (app.search.query); (b) "
        "`/api/v1/providers?municipality=…&service_type=…&q=…&area=…`; (c) "
        "`/taby/hemtjanst?q=…&omrade=…`",
        f"- held to the target: time per search one request at a time (median of "
        f"{run.options.rounds} per query, all routes interleaved, keep-alive client), the mean "
        "over the queries, with the app's page cache off so every search reaches "
        f"Meilisearch (as served: {cache_text(served)}). Under wrk the rates "
        "compare a Rust server on every core with one Python process, so that ratio is "
        "recorded, not held to 1.5×",
        f"- wrk: {run.options.load_text()}; the queries in turn; page cache off",
        "",
        *report.checks_table(checks),
        "",
        "Median ms per search, one at a time:",
        "",
        *report.table(["q", "place", *(titles[c] for c in columns)], query_rows),
        "",
        "Under wrk:",
        "",
        *report.table(
            ["route", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "requests", "errors"],
            wrk_rows,
        ),
    ]
