"""docker compose is production-shaped: production settings, secrets from an uncommitted
.env generated from .env.example, development only through a separate override."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.make_env import main as make_env

ROOT = Path(__file__).resolve().parent.parent.parent
APP_SERVICES = ("web", "worker", "beat")


def compose(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())
    return data


def test_compose_runs_the_production_settings_with_secrets_from_env() -> None:
    services = compose("docker-compose.yml")["services"]

    for name in APP_SERVICES:
        service = services[name]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production", name
        assert "SECRET_KEY" not in service["environment"], name
        assert service["env_file"] == [{"path": ".env", "required": True}], name
    assert services["db"]["env_file"] == [{"path": ".env", "required": True}]
    assert "POSTGRES_PASSWORD" not in services["db"]["environment"]
    # Published for a proxy on the host only; the database and the broker not at all.
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert "ports" not in services["db"] and "ports" not in services["redis"]
    text = (ROOT / "docker-compose.yml").read_text()
    assert "change-me" not in text and "POSTGRES_PASSWORD: postgres" not in text


def test_development_is_a_separate_override() -> None:
    services = compose("docker-compose.dev.yml")["services"]

    assert services["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.base"
    assert "runserver" in services["web"]["command"]
    assert not (ROOT / "docker-compose.override.yml").exists(), "would turn plain `docker compose up` into dev"


def test_the_env_file_is_never_committed() -> None:
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


def test_make_env_writes_fresh_secrets_and_keeps_an_existing_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.env", tmp_path / "b.env"

    assert make_env(["--output", str(first)]) == 0
    assert make_env(["--output", str(second)]) == 0
    assert make_env(["--output", str(first)]) == 1  # never overwrites secrets by accident

    values = dict(line.split("=", 1) for line in first.read_text().splitlines() if "=" in line and line[0] != "#")
    assert "__generate__" not in values.values()
    assert len(values["SECRET_KEY"]) >= 50 and len(values["POSTGRES_PASSWORD"]) >= 50
    assert values["SECRET_KEY"] not in second.read_text()
    assert first.stat().st_mode & 0o077 == 0


def test_the_generated_env_passes_the_deployment_checks(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    make_env(["--output", str(env_file)])
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line and line[0] != "#")
    # Only what a deployment has: not the test process's environment (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE, which the deployment checks rightly refuse).
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        **values,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.dev.yml"])
def test_no_secret_is_written_in_a_compose_file(name: str) -> None:
    text = (ROOT / name).read_text()
    assert "SECRET_KEY:" not in text and "PASSWORD: " not in text
