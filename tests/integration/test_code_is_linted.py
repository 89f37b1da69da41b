"""ruff and sqlfluff are part of the suite: a change that breaks the house style fails `make test`."""

import os
import subprocess
import sys
from pathlib import Path

from config.settings import REPO_ROOT
from pipelines.warehouse import dbt_connection_env

BIN = Path(sys.executable).parent


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, env=env)


def test_python_passes_ruff_lint_and_format():
    lint = run([str(BIN / "ruff"), "check", "."])
    assert lint.returncode == 0, lint.stdout
    formatting = run([str(BIN / "ruff"), "format", "--check", "."])
    assert formatting.returncode == 0, formatting.stdout


def test_dbt_sql_passes_sqlfluff(fresh_database_url):
    # The dbt templater compiles the models, which needs a database to connect to (an empty one will do).
    env = {**os.environ, **dbt_connection_env(fresh_database_url)}
    result = run([str(BIN / "sqlfluff"), "lint", "dbt/models", "dbt/tests", "dbt/macros"], env=env)
    assert result.returncode == 0, result.stdout[-5000:]
