"""Write .env for docker compose from .env.example, with fresh random secrets.

    python3 scripts/make_env.py            # writes .env; refuses to overwrite one
    python3 scripts/make_env.py --force    # replaces it (new secrets: the database
                                           # password must then be changed to match)

Every value written `__generate__` in the example becomes a new random secret; every
other line is copied as it is.
"""

import argparse
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "__generate__"


def render(example: str) -> str:
    lines = []
    for line in example.splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#") and value.strip() == PLACEHOLDER:
            line = f"{name}={secrets.token_urlsafe(48)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--example", type=Path, default=ROOT / ".env.example")
    parser.add_argument("--output", type=Path, default=ROOT / ".env")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    if args.output.exists() and not args.force:
        print(f"{args.output} exists; keeping it (use --force to replace it and its secrets).", file=sys.stderr)
        return 1
    args.output.write_text(render(args.example.read_text()))
    args.output.chmod(0o600)  # secrets: readable by the deploying user only
    print(f"Wrote {args.output}; set ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS in it before deploying.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
