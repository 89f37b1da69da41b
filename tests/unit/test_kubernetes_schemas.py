"""Every manifest `kubectl apply -k deploy/kubernetes` would send is valid against the Kubernetes API's JSON schemas.

kubernetes-validate (a dev dependency) ships the schemas of each Kubernetes release inside the package, so this
needs no cluster and no network: the socket is closed for the test to prove it. Its strict schemas refuse a
field the API does not know, which is what a misspelled or misplaced key (`resource:` for `resources:`, a probe one
level too high) would be, and which `kubectl apply` would only reject at deploy time. The Secrets are those the
kustomization's secretGenerator makes from the committed `secrets/*.env.example` files, as kustomize would.
"""

import base64
import socket

import kubernetes_validate
import pytest

from tests.unit.test_kubernetes_manifests import KUBERNETES_DIR, documents, env_file_values, kustomization

# The release the manifests are written for: the oldest Kubernetes still maintained when this was written (1.33;
# 1.34 and 1.35 accept the same fields for these kinds). Raise it when the institution's cluster moves on.
KUBERNETES_VERSION = "1.33.0"


def generated_secrets() -> list[dict]:
    """The Secrets of the kustomization's secretGenerator, with the keys and values of the committed examples."""
    secrets = []
    for generator in kustomization()["secretGenerator"]:
        values: dict[str, str] = {}
        for env in generator["envs"]:
            values |= env_file_values(KUBERNETES_DIR / f"{env}.example")
        secrets.append(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": "Opaque",
                "metadata": {"name": generator["name"]},
                "data": {key: base64.b64encode(value.encode()).decode() for key, value in values.items()},
            }
        )
    return secrets


def applied_manifests() -> list[dict]:
    """What `kubectl apply -k` sends: the resources and generated Secrets in the kustomization's namespace."""
    namespace = kustomization()["namespace"]
    manifests = [*documents(), *generated_secrets()]
    for manifest in manifests:
        if manifest["kind"] != "Namespace":
            manifest["metadata"]["namespace"] = namespace
    return manifests


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the schema validation tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize(
    "manifest", applied_manifests(), ids=lambda manifest: f"{manifest['kind']}/{manifest['metadata']['name']}"
)
def test_every_manifest_is_valid_against_the_kubernetes_schemas_offline(manifest, no_network):
    validated = kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)

    assert validated == "1.33"


def test_the_generated_secrets_carry_every_example_key():
    secrets = {secret["metadata"]["name"]: secret for secret in generated_secrets()}

    assert set(secrets) == {"co2calc-dashboard", "co2calc-pipelines"}
    assert "CO2CALC_SCOPE_SIGNING_SECRET" in secrets["co2calc-dashboard"]["data"]
    assert "CO2CALC_SCOPE_SIGNING_SECRET" in secrets["co2calc-pipelines"]["data"]
    assert "CO2CALC_STEWARD_DATABASE_URL" in secrets["co2calc-dashboard"]["data"]


def test_a_misspelled_field_is_refused(no_network):
    deployment = next(manifest for manifest in applied_manifests() if manifest["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["resource"] = container.pop("resources")

    with pytest.raises(kubernetes_validate.ValidationError, match="resource"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
