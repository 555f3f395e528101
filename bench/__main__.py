"""`python -m bench`: performance as ratios measured within one run.

The machines are noisy, so absolute times mean little; what is reported is how
costs relate inside one run: does ingest grow linearly with the data, is a re-run
cheap, what does a page cost next to the cheapest request, what does search cost
next to its SQL fallback. Results are printed and written to bench/results/.

`python -m bench load` is the other benchmark: a bounded loopback load test (bench/load.py).
"""

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import make_engine
from app.main import create_app
from app.models import Provider
from app.settings import Settings
from bench.data import drop_indexes, load, settings_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from generate_sample_data import generate  # noqa: E402


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_ms(fn: Callable[[], object], repeat: int = 15) -> float:
    fn()  # warm up caches and connections
    return statistics.median(timed(fn) for _ in range(repeat)) * 1000


def bench_ingest(tmp: Path) -> dict:
    out: dict = {}
    for scale in (1, 4):
        data_dir = tmp / f"data{scale}"
        generate(data_dir, scale=scale)
        settings = settings_for(tmp, f"ingest{scale}")
        out[f"load_s_scale{scale}"] = timed(lambda s=settings, d=data_dir: load(s, d))
        out[f"rerun_s_scale{scale}"] = timed(lambda s=settings, d=data_dir: load(s, d))
        drop_indexes(settings)
    out["ratio_load_scale4_to_scale1"] = out["load_s_scale4"] / out["load_s_scale1"]
    out["ratio_rerun_to_load_scale4"] = out["rerun_s_scale4"] / out["load_s_scale4"]
    return out


def bench_pages(tmp: Path) -> dict:
    settings = settings_for(tmp, "pages")
    load(settings, settings.data_dir)
    engine = make_engine(settings.database_url)
    with Session(engine) as s:
        providers = s.exec(
            select(Provider).where(
                Provider.kommun_code == "0160", Provider.service_type_id == "hemtjanst"
            )
        ).all()
    app = create_app(settings)
    down = create_app(Settings(**{**settings.model_dump(), "meili_url": "http://127.0.0.1:9"}))
    ids = "&".join(f"id={p.slug}" for p in providers[:3])
    out: dict = {}
    with TestClient(app) as c, TestClient(down) as c_down:
        base = median_ms(lambda: c.get("/static/site.css"))
        pages = {
            "home": "/",
            "search": "/taby/hemtjanst",
            "search_text": "/taby/hemtjanst?q=omsorg",
            "provider": f"/utforare/{providers[0].slug}",
            "compare3": f"/jamfor?{ids}",
            "compare3_csv": f"/jamfor.csv?{ids}",
        }
        for name, path in pages.items():
            assert c.get(path).status_code == 200, path
            out[f"ms_{name}"] = median_ms(lambda p=path: c.get(p))
            out[f"ratio_{name}_to_static"] = out[f"ms_{name}"] / base
        out["ms_search_sql_fallback"] = median_ms(lambda: c_down.get("/taby/hemtjanst"), 5)
        out["ratio_search_fallback_to_meili"] = out["ms_search_sql_fallback"] / out["ms_search"]
        out["ms_static_baseline"] = base
    app.state.engine.dispose()
    drop_indexes(settings)
    return out


def main() -> None:
    results: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        results["ingest"] = bench_ingest(tmp)
        results["pages"] = bench_pages(tmp)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    for section in ("ingest", "pages"):
        print(f"[{section}]")
        for key, value in results[section].items():
            print(f"  {key:40s} {value:10.3f}")
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["load"]:
        from bench.load import main as load_test

        sys.exit(load_test())
    main()
