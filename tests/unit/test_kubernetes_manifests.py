"""The Kubernetes manifests of deploy/kubernetes/ hold together, checked by parsing alone.

No cluster runs on the development machines or in CI: these tests read the kustomization, the manifests
and the Dagster Helm values, and check what `kubectl apply -k` and `helm upgrade` would only discover at
deploy time: every referenced file, ConfigMap, Secret, Service port and Deployment exists; every container
has probes, resource requests and limits and runs as a non-root user; every CO2CALC_* variable is a setting.
Their validity against the Kubernetes API's schemas is test_kubernetes_schemas.py's.
"""

import re
from pathlib import Path

import pytest
import yaml

from config.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
KUBERNETES_DIR = REPO_ROOT / "deploy" / "kubernetes"
DOCKERFILE = REPO_ROOT / "deploy" / "Dockerfile"


def kustomization() -> dict:
    return yaml.safe_load((KUBERNETES_DIR / "kustomization.yaml").read_text())


def documents() -> list[dict]:
    return [
        document
        for resource in kustomization()["resources"]
        for document in yaml.safe_load_all((KUBERNETES_DIR / resource).read_text())
        if document
    ]


def of_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in documents() if d["kind"] == kind}


def env_file_values(path: Path) -> dict[str, str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def env_file_keys(path: Path) -> set[str]:
    return set(env_file_values(path))


def generated_secrets() -> dict[str, set[str]]:
    """Secret name -> keys, from the secretGenerator's env files (their committed .example twins)."""
    return {
        generator["name"]: set().union(
            *(env_file_keys(KUBERNETES_DIR / f"{env}.example") for env in generator["envs"])
        )
        for generator in kustomization()["secretGenerator"]
    }


def settings_variables() -> set[str]:
    return {f"CO2CALC_{name.upper()}" for name in Settings.model_fields}


def dockerfile_targets() -> set[str]:
    return set(
        re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)\s*$", DOCKERFILE.read_text(), re.MULTILINE | re.IGNORECASE)
    )


def test_every_resource_file_exists_and_every_document_has_a_kind_and_name():
    for resource in kustomization()["resources"]:
        assert (KUBERNETES_DIR / resource).is_file(), resource
    assert all(d.get("kind") and d.get("metadata", {}).get("name") for d in documents())


def test_the_secrets_themselves_are_never_committed():
    ignored = (REPO_ROOT / ".gitignore").read_text().splitlines()
    assert "deploy/kubernetes/secrets/*.env" in ignored
    assert not list((KUBERNETES_DIR / "secrets").glob("*.env"))


@pytest.mark.parametrize("name", sorted(of_kind("Deployment")))
def test_every_container_is_probed_bounded_and_unprivileged(name):
    pod = of_kind("Deployment")[name]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    for container in pod["containers"]:
        assert "readinessProbe" in container and "livenessProbe" in container, container["name"]
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][bound]), (container["name"], bound)
        assert container["securityContext"]["allowPrivilegeEscalation"] is False


@pytest.mark.parametrize("name", sorted(of_kind("Service")))
def test_every_service_selects_a_deployment_and_targets_a_named_container_port(name):
    service = of_kind("Service")[name]
    deployments = [
        d
        for d in of_kind("Deployment").values()
        if service["spec"]["selector"].items() <= d["spec"]["template"]["metadata"]["labels"].items()
    ]
    assert len(deployments) == 1, name
    port_names = {
        p["name"] for c in deployments[0]["spec"]["template"]["spec"]["containers"] for p in c["ports"]
    }
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names


def test_configuration_references_exist_and_name_only_settings():
    config_maps = of_kind("ConfigMap")
    secrets = generated_secrets()
    for deployment in of_kind("Deployment").values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            variables = {e["name"] for e in container.get("env", [])}
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    variables |= set(config_maps[source["configMapRef"]["name"]]["data"])
                else:
                    variables |= secrets[source["secretRef"]["name"]]
            co2calc_variables = {v for v in variables if v.startswith("CO2CALC_")}
            assert co2calc_variables <= settings_variables(), co2calc_variables - settings_variables()
    for keys in secrets.values():
        assert keys <= settings_variables()


def test_the_dashboard_scales_on_cpu_behind_nginx_with_sticky_sessions_and_tls():
    deployments, services = of_kind("Deployment"), of_kind("Service")
    (autoscaler,) = of_kind("HorizontalPodAutoscaler").values()
    assert autoscaler["spec"]["scaleTargetRef"]["name"] in deployments
    assert autoscaler["spec"]["minReplicas"] >= 2
    (ingress,) = of_kind("Ingress").values()
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert ingress["spec"]["tls"]
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            ports = {p["name"] for p in services[backend["name"]]["spec"]["ports"]}
            assert backend["port"]["name"] in ports


def test_the_migrate_job_runs_co2calc_migrate_as_the_code_location_bounded_and_unprivileged():
    job = of_kind("Job")["co2calc-migrate"]["spec"]
    pod = job["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["co2calc", "migrate"]
    assert container["image"] in {image["name"] for image in kustomization()["images"]}
    assert [source["secretRef"]["name"] for source in container["envFrom"]] == ["co2calc-pipelines"]
    assert "CO2CALC_DATABASE_URL" in generated_secrets()["co2calc-pipelines"]
    assert pod["restartPolicy"] == "Never" and job["backoffLimit"] >= 1
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][bound])


def test_images_are_the_dockerfile_targets():
    dashboard = of_kind("Deployment")["co2calc-dashboard"]["spec"]["template"]["spec"]["containers"][0]
    image_names = {image["name"] for image in kustomization()["images"]}
    assert dashboard["image"] in image_names
    assert {name.removeprefix("co2calc-") for name in image_names} <= dockerfile_targets()


def test_dagster_runs_the_code_location_with_the_pipelines_secret_and_external_postgres():
    values = yaml.safe_load((KUBERNETES_DIR / "dagster-values.yaml").read_text())
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert deployment["image"]["repository"].endswith("/co2calc-pipelines")
    assert "pipelines" in dockerfile_targets()
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "pipelines.definitions"]
    assert {s["name"] for s in deployment["envSecrets"]} <= set(generated_secrets())
    assert {"requests", "limits"} <= set(deployment["resources"])
    assert values["postgresql"]["enabled"] is False
    assert values["generatePostgresqlPasswordSecret"] is False
    assert values["ingress"]["enabled"] is False
