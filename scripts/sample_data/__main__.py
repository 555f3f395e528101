"""`python -m scripts.sample_data`: write the fictional sample data, or a synthetic nation.

uv run python -m scripts.sample_data                       # data/sample/, as committed
uv run python -m scripts.sample_data --scale 20 --out /tmp/big
uv run python -m scripts.sample_data --nation --out /tmp/nation [--units 3000] [--years 2015 2024]
"""

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from .generate import generate, generate_nation

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="directory (default: data/sample, not --nation)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--scale", type=int, default=1, help="sample: units per kommun, times N")
    parser.add_argument("--nation", action="store_true", help="every kommun in data/kommuner.csv")
    parser.add_argument("--units", type=int, help="nation: units in all (default 30000)")
    parser.add_argument(
        "--years", type=int, nargs=2, metavar=("FIRST", "LAST"), help="nation: default 2015 2024"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.nation:
        if args.out is None:
            parser.error("--nation needs --out (data/sample is the committed sample)")
        years = (args.years[0], args.years[1]) if args.years else None
        generate_nation(args.out, units=args.units, years=years, seed=args.seed)
    elif args.units or args.years:
        parser.error("--units and --years are for --nation")
    else:
        generate(args.out or SAMPLE_DIR, scale=args.scale, seed=args.seed)
    print(f"Wrote {args.out or SAMPLE_DIR} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
