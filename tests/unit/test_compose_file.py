"""The compose stack and its deploy/ files hold together, checked by parsing alone.

No Docker engine runs on the development machines or in CI, so these tests read docker-compose.yml,
deploy/Dockerfile and the configuration files they mount, and check every reference between them:
what a service builds, mounts, waits for and reads from the environment must exist.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from config.settings import Settings, get_settings
from dashboard.auth import load_role_config

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY_DIR = REPO_ROOT / "deploy"
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
REALM_FILE = DEPLOY_DIR / "keycloak" / "co2calc-realm.json"

EXPECTED_SERVICES = {
    "postgres",
    "redis",
    "migrate",
    "dagster-code",
    "dagster-webserver",
    "dagster-daemon",
    "dashboard",
    "keycloak",
    "traefik",
}
# Host paths outside the repository that a service may mount: traefik's docker provider reads the socket.
ALLOWED_HOST_MOUNTS = {"/var/run/docker.sock"}
# `${NAME}`, `${NAME:-default}`, `${NAME:?message}` or `$NAME`; `$$` is compose's escaped dollar.
COMPOSE_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")
DOCKERFILE_STAGE = re.compile(r"^FROM\s+\S+\s+AS\s+(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict) -> dict[str, dict]:
    return compose["services"]


@pytest.fixture(scope="module")
def realm() -> dict:
    return json.loads(REALM_FILE.read_text())


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _compose_variables(node: object) -> set[str]:
    names = set()
    for text in _strings(node):
        for braced, bare in COMPOSE_VARIABLE.findall(text.replace("$$", "")):
            names.add(braced or bare)
    return names


def _environment(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return environment


def _env_example_names() -> set[str]:
    lines = (DEPLOY_DIR / ".env.example").read_text().splitlines()
    return {
        line.split("=", 1)[0].strip() for line in lines if line.strip() and not line.lstrip().startswith("#")
    }


def _bind_mount_sources(service: dict) -> list[str]:
    sources = []
    for volume in service.get("volumes", []):
        source = volume["source"] if isinstance(volume, dict) else volume.split(":", 1)[0]
        if source.startswith((".", "/")):
            sources.append(source)
    return sources


def _named_volumes(service: dict) -> list[str]:
    names = []
    for volume in service.get("volumes", []):
        source = volume.get("source", "") if isinstance(volume, dict) else volume.split(":", 1)[0]
        if source and not source.startswith((".", "/", "~")):
            names.append(source)
    return names


def _depends_on(service: dict) -> dict[str, dict]:
    depends_on = service.get("depends_on", {})
    if isinstance(depends_on, list):
        return {name: {} for name in depends_on}
    return depends_on


def _dockerfile_copy_sources(dockerfile: Path) -> list[str]:
    sources = []
    for line in dockerfile.read_text().splitlines():
        words = line.split()
        if not words or words[0].upper() != "COPY" or any(word.startswith("--from") for word in words):
            continue
        sources.extend(word for word in words[1:-1] if not word.startswith("--"))
    return sources


def test_compose_file_defines_the_whole_stack(services: dict[str, dict]) -> None:
    assert set(services) == EXPECTED_SERVICES


def test_every_service_has_an_image_or_a_build_with_an_existing_dockerfile_and_target(
    services: dict[str, dict],
) -> None:
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        build = service.get("build")
        if build is None:
            continue
        context = REPO_ROOT / build.get("context", ".")
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile.is_file(), f"{name}: {dockerfile} does not exist"
        if "target" in build:
            assert build["target"] in DOCKERFILE_STAGE.findall(dockerfile.read_text()), name


def test_every_long_running_service_has_a_healthcheck(services: dict[str, dict]) -> None:
    long_running = {name: service for name, service in services.items() if service.get("restart") != "no"}
    assert long_running, "no long-running service at all"
    for name, service in long_running.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_every_dependency_names_a_service_that_reports_its_health(services: dict[str, dict]) -> None:
    for name, service in services.items():
        for dependency, condition in _depends_on(service).items():
            assert dependency in services, f"{name} depends on unknown service {dependency}"
            if condition.get("condition") == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits for {dependency}'s health"


def test_the_schema_is_migrated_once_before_the_code_server_starts(services: dict[str, dict]) -> None:
    migrate = services["migrate"]
    assert migrate["command"] == ["co2calc", "migrate"]
    assert migrate["restart"] == "no"
    assert (
        migrate["environment"]["CO2CALC_DATABASE_URL"]
        == services["dagster-code"]["environment"]["CO2CALC_DATABASE_URL"]
    )
    assert _depends_on(services["dagster-code"])["migrate"] == {"condition": "service_completed_successfully"}


def test_every_named_volume_used_is_declared(compose: dict, services: dict[str, dict]) -> None:
    declared = set(compose.get("volumes") or {})
    used = {volume for service in services.values() for volume in _named_volumes(service)}
    assert used, "no service keeps data on a named volume"
    assert used <= declared, f"undeclared volumes: {used - declared}"


def test_every_path_mounted_from_the_repository_exists(services: dict[str, dict]) -> None:
    for name, service in services.items():
        for source in _bind_mount_sources(service):
            if source.startswith("/"):
                assert source in ALLOWED_HOST_MOUNTS, f"{name} mounts host path {source}"
            else:
                assert (REPO_ROOT / source).exists(), f"{name} mounts missing {source}"


def test_every_variable_the_compose_file_reads_is_listed_in_the_env_example(compose: dict) -> None:
    used = _compose_variables(compose)
    assert "POSTGRES_PASSWORD" in used
    assert used <= _env_example_names(), f"missing from deploy/.env.example: {used - _env_example_names()}"


def test_every_co2calc_variable_given_to_a_service_is_a_setting(services: dict[str, dict]) -> None:
    settings_variables = {f"CO2CALC_{field.upper()}" for field in Settings.model_fields}
    for name, service in services.items():
        co2calc_variables = {key for key in _environment(service) if key.startswith("CO2CALC_")}
        # Keycloak reads the client secret for its realm file's placeholder, not through Settings.
        if name != "keycloak":
            assert co2calc_variables <= settings_variables, (
                f"{name}: {co2calc_variables - settings_variables}"
            )


def test_every_database_url_names_the_psycopg2_driver(services: dict[str, dict]) -> None:
    urls = [
        value for service in services.values() for key, value in _environment(service).items() if "URL" in key
    ]
    database_urls = [url for url in urls if url.startswith("postgres")]
    assert database_urls
    for url in database_urls:
        assert url.startswith("postgresql+psycopg2://"), url


def test_dashboard_connects_as_the_read_only_role_and_reads_keycloak_metadata(
    services: dict[str, dict],
) -> None:
    environment = _environment(services["dashboard"])
    assert environment["CO2CALC_DATABASE_URL"].startswith("postgresql+psycopg2://co2calc_dashboard:")
    assert environment["CO2CALC_OIDC_METADATA_URL"].endswith(
        "/realms/co2calc/.well-known/openid-configuration"
    )
    assert environment["CO2CALC_OIDC_CLIENT_ID"] == "co2calc-dashboard"
    assert environment["CO2CALC_REDIS_URL"].startswith("redis://redis:")


def test_init_sql_creates_the_dashboard_role_from_a_variable_the_postgres_service_has(
    services: dict[str, dict],
) -> None:
    init_dir = DEPLOY_DIR / "postgres" / "init"
    sql = "\n".join(path.read_text() for path in sorted(init_dir.glob("*.sql")))
    assert "create role co2calc_dashboard" in sql
    assert "alter default privileges in schema reporting grant select on tables to co2calc_dashboard" in sql
    read_variables = set(re.findall(r"^\\getenv\s+\S+\s+(\S+)", sql, re.MULTILINE))
    assert read_variables
    assert read_variables <= set(_environment(services["postgres"]))


def test_traefik_routes_the_three_hostnames_on_the_network_it_watches(
    compose: dict, services: dict[str, dict]
) -> None:
    rules = {
        value
        for service in services.values()
        for key, value in (service.get("labels") or {}).items()
        if key.endswith(".rule")
    }
    assert rules == {"Host(`dashboard.localhost`)", "Host(`dagster.localhost`)", "Host(`auth.localhost`)"}
    traefik = yaml.safe_load((DEPLOY_DIR / "traefik" / "traefik.yml").read_text())
    assert traefik["entryPoints"]["web"]["address"] == ":80"
    assert traefik["providers"]["docker"]["exposedByDefault"] is False
    network_names = {spec.get("name", key) for key, spec in compose["networks"].items()}
    assert traefik["providers"]["docker"]["network"] in network_names


def test_dagster_instance_keeps_its_storage_in_postgres_with_telemetry_off() -> None:
    instance = yaml.safe_load((DEPLOY_DIR / "dagster" / "dagster.yaml").read_text())
    postgres_db = instance["storage"]["postgres"]["postgres_db"]
    assert postgres_db["password"] == {"env": "DAGSTER_POSTGRES_PASSWORD"}
    assert instance["telemetry"]["enabled"] is False


def test_dagster_services_read_the_instance_variables_that_dagster_yaml_names(
    services: dict[str, dict],
) -> None:
    instance_text = (DEPLOY_DIR / "dagster" / "dagster.yaml").read_text()
    named = set(re.findall(r"env:\s*(\w+)", instance_text))
    assert named
    for name in ("dagster-code", "dagster-webserver", "dagster-daemon"):
        assert named <= set(_environment(services[name])), name


def test_workspace_points_at_the_code_server_service_and_port(services: dict[str, dict]) -> None:
    workspace = yaml.safe_load((DEPLOY_DIR / "dagster" / "workspace.yaml").read_text())
    (location,) = workspace["load_from"]
    server = location["grpc_server"]
    assert server["host"] in services
    command = services[server["host"]]["command"]
    assert command[command.index("-p") + 1] == str(server["port"])


def test_realm_has_the_confidential_dashboard_client_with_the_claim_mappers(realm: dict) -> None:
    (client,) = [client for client in realm["clients"] if client["clientId"] == "co2calc-dashboard"]
    assert client["publicClient"] is False
    assert "http://dashboard.localhost/oauth2callback" in client["redirectUris"]
    assert "http://localhost:8501/oauth2callback" in client["redirectUris"]
    mappers = {mapper["config"]["claim.name"]: mapper for mapper in client["protocolMappers"]}
    assert mappers["groups"]["protocolMapper"] == "oidc-group-membership-mapper"
    for claim in ("co2calc_unit_ids", "co2calc_school_unit_ids"):
        units = mappers[claim]
        assert units["config"]["user.attribute"] == claim
        assert units["config"]["multivalued"] == "true"
        assert units["config"]["id.token.claim"] == "true"


def test_every_placeholder_in_the_realm_file_is_a_variable_keycloak_is_given(
    realm: dict, services: dict[str, dict]
) -> None:
    # Keycloak resolves every ${NAME} of an imported realm file from its environment, including
    # message-key placeholders such as ${username} that an exported realm carries.
    placeholders = set(re.findall(r"\$\{([^}]+)\}", REALM_FILE.read_text()))
    (client,) = realm["clients"]
    assert re.fullmatch(r"\$\{\w+\}", client["secret"])
    assert placeholders <= set(_environment(services["keycloak"])), placeholders


def test_realm_has_the_groups_and_the_demo_users(realm: dict) -> None:
    assert realm["realm"] == "co2calc"
    roles = load_role_config(get_settings().roles_file)
    role_groups = {group for rule in roles.roles for group in rule.groups}
    assert {group["name"] for group in realm["groups"]} == role_groups
    users = {user["username"]: user for user in realm["users"]}
    assert users["director"]["groups"] == ["/co2calc-institution"]
    assert users["labhead"]["groups"] == ["/co2calc-unit-manager"]
    assert users["labhead"]["attributes"]["co2calc_unit_ids"] == ["56674"]
    assert users["school"]["attributes"][roles.school_claim] == ["16553"]
    # One demo user per role, as with the local provider (config/demo_users.yaml).
    user_groups = {group.removeprefix("/") for user in users.values() for group in user["groups"]}
    assert user_groups == role_groups
    profile = json.loads(
        realm["components"]["org.keycloak.userprofile.UserProfileProvider"][0]["config"][
            "kc.user.profile.config"
        ][0]
    )
    attributes = {attribute["name"] for attribute in profile["attributes"]}
    assert {roles.unit_claim, roles.school_claim} <= attributes


def test_dockerfile_copies_only_existing_paths_and_runs_as_the_unprivileged_user() -> None:
    dockerfile = DEPLOY_DIR / "Dockerfile"
    for source in _dockerfile_copy_sources(dockerfile):
        assert (REPO_ROOT / source).exists(), f"deploy/Dockerfile copies missing {source}"
    text = dockerfile.read_text()
    stages = re.split(r"^FROM\s", text, flags=re.MULTILINE)
    final_stages = {
        stage.split()[2]: stage for stage in stages[1:] if stage.split()[2] in {"pipelines", "dashboard"}
    }
    assert set(final_stages) == {"pipelines", "dashboard"}
    for name, stage in final_stages.items():
        assert "USER co2calc" in stage, name
    assert "--uid 10001" in text
    for variable in ("DBT_SEND_ANONYMOUS_USAGE_STATS=false", "DO_NOT_TRACK=1", "GX_ANALYTICS_ENABLED=false"):
        assert variable in text


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_build_context() -> None:
    ignored = set((REPO_ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".co2calc", ".env"} <= ignored
