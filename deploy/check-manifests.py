#!/usr/bin/env python3
"""Offline consistency and policy checks for the Crossroads deployment files.

    check-manifests.py RENDERED_K8S_YAML COMPOSE_YAML DOCKERFILE [COMPOSE_SCALE_YAML]
    check-manifests.py --self-test RENDERED_K8S_YAML COMPOSE_YAML DOCKERFILE [COMPOSE_SCALE_YAML]

No cluster and no schemas are needed (and none are used): this is NOT Kubernetes schema validation.
It checks what a schema cannot: that the pieces agree with each other (ports, probe paths, selectors,
references, grace period vs. shutdown settings, the server's PostgreSQL/RabbitMQ settings vs. those services,
NetworkPolicies vs. the traffic they must allow, the Dockerfile's restore block vs. the project references)
and that the security baseline is in place.
--self-test additionally breaks copies of the inputs and asserts that each breakage is reported.
Needs only PyYAML (python3-yaml, a dependency of yamllint).
"""

from __future__ import annotations

import base64
import copy
import os
import re
import sys
from urllib.parse import unquote, urlsplit

import yaml

PORT = 8080
PROBE_PATHS = {
    "startupProbe": "/health/startup",
    "livenessProbe": "/health/live",
    "readinessProbe": "/health/ready",
}
MIN_STARTUP_BUDGET_SECONDS = 30  # the full table can take up to ~30 s to load
NAMESPACE = "crossroads"
# Settings the service routes module reads; a misspelt name silently means "not set" (SQLite, no events),
# because ConnectionStrings is not a validated section and the server cannot tell a typo from an absence.
CONNECTION_STRING_ENV = "ConnectionStrings__Crossroads"
RABBITMQ_URI_ENV = "ServiceRoutes__Events__RabbitMq__Uri"
POSTGRES_PORT, AMQP_PORT = 5432, 5672


def parse_connection_string(value: str) -> dict[str, str]:
    """Npgsql keyword=value pairs, keys lower-cased and aliases folded (no quoting support: none is used here)."""
    aliases = {"server": "host", "user id": "username", "userid": "username", "user name": "username",
               "user": "username", "db": "database", "pwd": "password"}
    pairs = {}
    for part in value.split(";"):
        if "=" in part:
            key, _, val = part.partition("=")
            key = key.strip().lower()
            pairs[aliases.get(key, key)] = val.strip()
    return pairs


def misspelt_env(names) -> list[str]:
    """Names that look like the service routes connection settings but are not exactly them."""
    wrong = []
    for name in names:
        folded = name.lower().replace(":", "__")
        if folded.startswith("connectionstring") and name != CONNECTION_STRING_ENV:
            wrong.append(f"{name!r} (expected {CONNECTION_STRING_ENV!r})")
        if "rabbitmq" in folded and folded.startswith("serviceroutes") and folded.endswith("uri") \
                and name != RABBITMQ_URI_ENV:
            wrong.append(f"{name!r} (expected {RABBITMQ_URI_ENV!r})")
    return wrong


class ComposeLoader(yaml.SafeLoader):
    """SafeLoader that accepts Compose's merge tags (!override, !reset) on sequences, mappings and scalars."""


def _compose_tag(loader, suffix, node):
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    return loader.construct_scalar(node)


ComposeLoader.add_multi_constructor("!", _compose_tag)


def subset(small: dict | None, big: dict | None) -> bool:
    return bool(small) and all((big or {}).get(k) == v for k, v in small.items())


def duration_seconds(value: str | int) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    total, units = 0.0, {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", value):
        total += float(number) * units[unit]
    return total


def check_k8s(docs: list[dict]) -> list[str]:
    errors: list[str] = []
    err = errors.append
    by_kind: dict[str, list[dict]] = {}
    for doc in docs:
        for field in ("apiVersion", "kind"):
            if not doc.get(field):
                err(f"document without {field}: {str(doc)[:80]}")
        name = (doc.get("metadata") or {}).get("name")
        if not name:
            err(f"{doc.get('kind')} without metadata.name")
        if doc.get("kind") != "Namespace" and (doc.get("metadata") or {}).get("namespace") != NAMESPACE:
            err(f"{doc.get('kind')}/{name}: namespace is not {NAMESPACE!r}")
        by_kind.setdefault(doc.get("kind"), []).append(doc)

    def names(kind: str) -> set[str]:
        return {d["metadata"]["name"] for d in by_kind.get(kind, [])}

    expected = {"Namespace", "ServiceAccount", "ConfigMap", "Secret", "Deployment", "Service",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "StatefulSet"}
    for kind in sorted(expected - set(by_kind)):
        err(f"missing {kind}")

    for ns in by_kind.get("Namespace", []):
        if (ns["metadata"].get("labels") or {}).get("pod-security.kubernetes.io/enforce") != "restricted":
            err("Namespace: pod-security.kubernetes.io/enforce is not 'restricted'")

    config = {}
    for cm in by_kind.get("ConfigMap", []):
        config.update(cm.get("data") or {})
    drain = float(config.get("Shutdown__DrainDelaySeconds", 5))
    timeout = float(config.get("Shutdown__TimeoutSeconds", 30))
    if str(config.get("ASPNETCORE_HTTP_PORTS", PORT)) != str(PORT):
        err(f"ConfigMap ASPNETCORE_HTTP_PORTS={config.get('ASPNETCORE_HTTP_PORTS')} but the container port is {PORT}")
    if "PORT" in config or "HOST" in config:
        err("ConfigMap sets HOST/PORT, which the server ignores while ASPNETCORE_HTTP_PORTS (set by the image) exists")

    deployments = by_kind.get("Deployment", [])
    if len(deployments) != 1:
        err(f"expected exactly one Deployment, found {len(deployments)}")
        return errors
    dep = deployments[0]
    dep_name = dep["metadata"]["name"]
    spec = dep.get("spec") or {}
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    annotations = (template.get("metadata") or {}).get("annotations") or {}
    pod = template.get("spec") or {}

    if not subset((spec.get("selector") or {}).get("matchLabels"), labels):
        err("Deployment selector does not match its pod template labels")
    if "replicas" in spec and by_kind.get("HorizontalPodAutoscaler"):
        err("Deployment sets spec.replicas although an HPA manages it (every apply would reset the scale)")

    grace = pod.get("terminationGracePeriodSeconds", 30)
    if grace <= drain + timeout:
        err(f"terminationGracePeriodSeconds={grace} must exceed DrainDelay {drain} + Timeout {timeout}")

    sa = pod.get("serviceAccountName")
    if sa and sa not in names("ServiceAccount"):
        err(f"serviceAccountName {sa!r} not defined")

    psc = pod.get("securityContext") or {}
    if psc.get("runAsNonRoot") is not True:
        err("pod securityContext.runAsNonRoot is not true")
    if not psc.get("runAsUser"):
        err("pod securityContext.runAsUser missing or 0")
    if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        err("pod seccompProfile is not RuntimeDefault")

    for constraint in pod.get("topologySpreadConstraints") or []:
        if not subset((constraint.get("labelSelector") or {}).get("matchLabels"), labels):
            err(f"topologySpreadConstraint on {constraint.get('topologyKey')} does not select the pods")
    anti = ((pod.get("affinity") or {}).get("podAntiAffinity") or {})
    for term in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
        if not subset(((term.get("podAffinityTerm") or {}).get("labelSelector") or {}).get("matchLabels"), labels):
            err("podAntiAffinity term does not select the pods")
    if not pod.get("topologySpreadConstraints") and not anti:
        err("no topology spread or anti-affinity")

    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    containers = pod.get("containers") or []
    named_ports: dict[str, int] = {}
    for c in containers:
        cname = c.get("name")
        for p in c.get("ports") or []:
            if p.get("name"):
                named_ports[p["name"]] = p["containerPort"]
        if PORT not in [p.get("containerPort") for p in c.get("ports") or []]:
            err(f"container {cname}: no containerPort {PORT}")
        csc = c.get("securityContext") or {}
        if csc.get("readOnlyRootFilesystem") is not True:
            err(f"container {cname}: readOnlyRootFilesystem is not true")
        if csc.get("allowPrivilegeEscalation") is not False:
            err(f"container {cname}: allowPrivilegeEscalation is not false")
        if "ALL" not in ((csc.get("capabilities") or {}).get("drop") or []):
            err(f"container {cname}: capabilities do not drop ALL")
        if csc.get("privileged"):
            err(f"container {cname}: privileged")
        res = c.get("resources") or {}
        for section, key in (("requests", "cpu"), ("requests", "memory"), ("limits", "memory")):
            if key not in (res.get(section) or {}):
                err(f"container {cname}: resources.{section}.{key} missing")
        for probe, path in PROBE_PATHS.items():
            spec_p = c.get(probe)
            if not spec_p:
                err(f"container {cname}: {probe} missing")
                continue
            get = spec_p.get("httpGet") or {}
            if get.get("path") != path:
                err(f"container {cname}: {probe} path {get.get('path')!r}, expected {path!r}")
            port = get.get("port")
            if named_ports.get(port, port) != PORT:
                err(f"container {cname}: {probe} port {port!r} does not resolve to {PORT}")
        startup = c.get("startupProbe") or {}
        budget = startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3)
        if budget < MIN_STARTUP_BUDGET_SECONDS:
            err(f"container {cname}: startupProbe allows only {budget}s (< {MIN_STARTUP_BUDGET_SECONDS}s table load)")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts") or []}
        for path, vol in mounts.items():
            if vol not in volumes:
                err(f"container {cname}: volumeMount {path} uses undefined volume {vol!r}")
        data_dir = config.get("DATA_DIR", "/data")
        for required in ("/tmp", data_dir):
            if required not in mounts:
                err(f"container {cname}: no writable volume mounted at {required} (root filesystem is read-only)")
        for ref in c.get("envFrom") or []:
            if "configMapRef" in ref and ref["configMapRef"]["name"] not in names("ConfigMap"):
                err(f"container {cname}: envFrom ConfigMap {ref['configMapRef']['name']!r} not defined")
            if "secretRef" in ref and ref["secretRef"]["name"] not in names("Secret") \
                    and not ref["secretRef"].get("optional"):
                err(f"container {cname}: envFrom Secret {ref['secretRef']['name']!r} not defined")

    if annotations.get("prometheus.io/scrape") == "true":
        if str(annotations.get("prometheus.io/port")) != str(PORT):
            err(f"prometheus.io/port is {annotations.get('prometheus.io/port')}, expected {PORT}")
        if annotations.get("prometheus.io/path") != "/metrics":
            err("prometheus.io/path is not /metrics")
    else:
        err("pod template is not annotated for Prometheus scraping")

    server_services = [s for s in by_kind.get("Service", [])
                       if subset((s.get("spec") or {}).get("selector"), labels)]
    if not server_services:
        err("no Service selects the server pods")
    for svc in server_services:
        for p in (svc.get("spec") or {}).get("ports") or []:
            target = p.get("targetPort", p.get("port"))
            if named_ports.get(target, target) != PORT:
                err(f"Service/{svc['metadata']['name']}: targetPort {target!r} does not resolve to {PORT}")

    for pdb in by_kind.get("PodDisruptionBudget", []):
        if not subset(((pdb.get("spec") or {}).get("selector") or {}).get("matchLabels"), labels):
            err("PodDisruptionBudget selector does not match the pods")

    for hpa in by_kind.get("HorizontalPodAutoscaler", []):
        if hpa.get("apiVersion") != "autoscaling/v2":
            err("HorizontalPodAutoscaler is not autoscaling/v2")
        hs = hpa.get("spec") or {}
        ref = hs.get("scaleTargetRef") or {}
        if ref.get("kind") != "Deployment" or ref.get("name") != dep_name:
            err(f"HPA targets {ref.get('kind')}/{ref.get('name')}, not Deployment/{dep_name}")
        if hs.get("minReplicas", 1) > hs.get("maxReplicas", 0):
            err("HPA minReplicas > maxReplicas")
        if hs.get("minReplicas", 1) < 2:
            err("HPA minReplicas < 2: a single pod cannot survive a drain under the PDB")

    server_policies = [np for np in by_kind.get("NetworkPolicy", [])
                       if subset(((np.get("spec") or {}).get("podSelector") or {}).get("matchLabels"), labels)]
    if not server_policies:
        err("no NetworkPolicy selects the server pods")

    # Server environment as the pod sees it: envFrom ConfigMaps/Secrets, then literal env entries.
    server_env: dict[str, str] = {}
    for c in containers:
        for ref in c.get("envFrom") or []:
            if "configMapRef" in ref:
                server_env.update(config_data(by_kind, "ConfigMap", ref["configMapRef"]["name"]))
            if "secretRef" in ref:
                server_env.update(config_data(by_kind, "Secret", ref["secretRef"]["name"]))
        for e in c.get("env") or []:
            if "value" in e:
                server_env[e["name"]] = str(e["value"])
    for wrong in misspelt_env(server_env):
        err(f"server environment: misspelt setting {wrong}")

    backing_ports = check_backing_services(by_kind, labels, server_env, err)

    for np in server_policies:
        ns = np.get("spec") or {}
        if set(ns.get("policyTypes") or []) != {"Ingress", "Egress"}:
            err("NetworkPolicy must govern both Ingress and Egress")
        ingress_ports = {p.get("port") for rule in ns.get("ingress") or [] for p in rule.get("ports") or []}
        if {named_ports.get(p, p) for p in ingress_ports} != {PORT}:
            err(f"NetworkPolicy ingress ports {sorted(map(str, ingress_ports))}, expected only {PORT}")
        egress_ports = {p.get("port") for rule in ns.get("egress") or [] for p in rule.get("ports") or []}
        allowed = {53} | {port for port, _ in backing_ports}
        if not egress_ports <= allowed or 53 not in egress_ports:
            err(f"NetworkPolicy egress ports {sorted(map(str, egress_ports))}, expected DNS (53) and the backing "
                f"services' ports {sorted(port for port, _ in backing_ports)} only")
        for port, pod_labels in backing_ports:
            if not any(subset(peer.get("podSelector", {}).get("matchLabels"), pod_labels)
                       and port in {p.get("port") for p in rule.get("ports") or []}
                       for rule in ns.get("egress") or [] for peer in rule.get("to") or []):
                err(f"NetworkPolicy/{np['metadata']['name']}: no egress rule to the pods behind port {port} "
                    f"({pod_labels.get('app.kubernetes.io/name')})")
    return errors


def config_data(by_kind: dict, kind: str, name: str) -> dict[str, str]:
    """data/stringData of a ConfigMap or Secret (Secret data base64-decoded)."""
    values: dict[str, str] = {}
    for doc in by_kind.get(kind, []):
        if doc["metadata"]["name"] == name:
            for key, value in (doc.get("data") or {}).items():
                values[key] = base64.b64decode(value).decode() if kind == "Secret" else str(value)
            values.update({k: str(v) for k, v in (doc.get("stringData") or {}).items()})
    return values


def check_workload_baseline(kind: str, name: str, pod: dict, err) -> None:
    """Security and resource baseline for any pod template (the namespace enforces PSS 'restricted')."""
    psc = pod.get("securityContext") or {}
    if psc.get("runAsNonRoot") is not True or not psc.get("runAsUser"):
        err(f"{kind}/{name}: pod does not run as a non-root UID")
    if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        err(f"{kind}/{name}: pod seccompProfile is not RuntimeDefault")
    if pod.get("automountServiceAccountToken") is not False:
        err(f"{kind}/{name}: automountServiceAccountToken is not false")
    for c in pod.get("containers") or []:
        csc = c.get("securityContext") or {}
        if csc.get("allowPrivilegeEscalation") is not False or csc.get("privileged"):
            err(f"{kind}/{name}: container {c.get('name')} may escalate privileges")
        if "ALL" not in ((csc.get("capabilities") or {}).get("drop") or []):
            err(f"{kind}/{name}: container {c.get('name')} does not drop ALL capabilities")
        if csc.get("readOnlyRootFilesystem") is not True:
            err(f"{kind}/{name}: container {c.get('name')} root filesystem is writable")
        res = c.get("resources") or {}
        for section, key in (("requests", "cpu"), ("requests", "memory"), ("limits", "memory")):
            if key not in (res.get(section) or {}):
                err(f"{kind}/{name}: container {c.get('name')} resources.{section}.{key} missing")
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            if not c.get(probe):
                err(f"{kind}/{name}: container {c.get('name')} has no {probe}")


def check_backing_services(by_kind: dict, server_labels: dict, server_env: dict, err) -> list[tuple[int, dict]]:
    """
    PostgreSQL and RabbitMQ StatefulSets: headless Service, volumes, secrets, NetworkPolicy admitting the server,
    and agreement with the server's connection string and AMQP URI (host = Service, port -> containerPort, user,
    database, password when both sides are in the render). Returns (pod port, pod labels) of each backing
    service the server is configured to use, for the server's egress rule.
    """
    services = {s["metadata"]["name"]: s for s in by_kind.get("Service", [])}
    secrets = {s["metadata"]["name"] for s in by_kind.get("Secret", [])}
    policies = by_kind.get("NetworkPolicy", [])
    workloads = {}
    for sts in by_kind.get("StatefulSet", []):
        name = sts["metadata"]["name"]
        spec = sts.get("spec") or {}
        template = spec.get("template") or {}
        pod_labels = (template.get("metadata") or {}).get("labels") or {}
        pod = template.get("spec") or {}
        workloads[name] = (pod_labels, pod)
        if not subset((spec.get("selector") or {}).get("matchLabels"), pod_labels):
            err(f"StatefulSet/{name}: selector does not match its pod template labels")
        governing = services.get(spec.get("serviceName"))
        if not governing:
            err(f"StatefulSet/{name}: serviceName {spec.get('serviceName')!r} is not a Service")
        elif (governing.get("spec") or {}).get("clusterIP") != "None":
            err(f"StatefulSet/{name}: Service {governing['metadata']['name']} is not headless")
        elif not subset(governing["spec"].get("selector"), pod_labels):
            err(f"StatefulSet/{name}: Service {governing['metadata']['name']} does not select its pods")
        check_workload_baseline("StatefulSet", name, pod, err)
        claims = {(c.get("metadata") or {}).get("name") for c in spec.get("volumeClaimTemplates") or []}
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        if not claims:
            err(f"StatefulSet/{name}: no volumeClaimTemplates (data would not survive the pod)")
        for c in pod.get("containers") or []:
            for m in c.get("volumeMounts") or []:
                if m["name"] not in volumes and m["name"] not in claims:
                    err(f"StatefulSet/{name}: volumeMount {m['mountPath']} uses undefined volume {m['name']!r}")
            for e in c.get("env") or []:
                ref = (e.get("valueFrom") or {}).get("secretKeyRef")
                if ref and ref["name"] not in secrets:
                    err(f"StatefulSet/{name}: env {e['name']} refers to missing Secret {ref['name']!r}")
        for v in volumes.values():
            if "secret" in v and v["secret"]["secretName"] not in secrets:
                err(f"StatefulSet/{name}: volume {v['name']} refers to missing Secret {v['secret']['secretName']!r}")
        ports = {p.get("containerPort") for c in pod.get("containers") or [] for p in c.get("ports") or []}
        own = [np for np in policies
               if subset(((np.get("spec") or {}).get("podSelector") or {}).get("matchLabels"), pod_labels)]
        if not own:
            err(f"StatefulSet/{name}: no NetworkPolicy selects its pods")
        for np in own:
            ns = np.get("spec") or {}
            if set(ns.get("policyTypes") or []) != {"Ingress", "Egress"}:
                err(f"NetworkPolicy/{np['metadata']['name']} must govern both Ingress and Egress")
            for rule in ns.get("ingress") or []:
                rule_ports = {p.get("port") for p in rule.get("ports") or []}
                if not rule_ports or not rule_ports <= ports:
                    err(f"NetworkPolicy/{np['metadata']['name']}: ingress ports {sorted(map(str, rule_ports))} "
                        f"are not exactly container ports {sorted(ports)}")
                peers = rule.get("from") or []
                if not peers or not all(subset((p.get("podSelector") or {}).get("matchLabels"), server_labels)
                                        and "namespaceSelector" not in p and "ipBlock" not in p for p in peers):
                    err(f"NetworkPolicy/{np['metadata']['name']}: ingress is open to more than the server pods")

    def resolve(host: str, port: int, what: str) -> tuple[int, dict, dict] | None:
        """Service name (first DNS label) and port -> (container port, pod labels, container env)."""
        svc = services.get(host.split(".")[0])
        if not svc:
            err(f"{what}: host {host!r} is not a Service in the render")
            return None
        sp = next((p for p in svc["spec"].get("ports") or [] if p.get("port") == port), None)
        if not sp:
            err(f"{what}: Service {svc['metadata']['name']} has no port {port}")
            return None
        for pod_labels, pod in workloads.values():
            if subset(svc["spec"].get("selector"), pod_labels):
                for c in pod.get("containers") or []:
                    named = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
                    target = sp.get("targetPort", port)
                    target = named.get(target, target)
                    if target in named.values():
                        env = {e["name"]: e.get("value") for e in c.get("env") or []}
                        env["__secret_refs__"] = {e["name"]: e["valueFrom"]["secretKeyRef"]
                                                  for e in c.get("env") or []
                                                  if (e.get("valueFrom") or {}).get("secretKeyRef")}
                        env["__secret_volumes__"] = {m["mountPath"]: next(
                            (v["secret"]["secretName"] for v in pod.get("volumes") or []
                             if v["name"] == m["name"] and "secret" in v), None)
                            for m in c.get("volumeMounts") or []}
                        return target, pod_labels, env
                err(f"{what}: Service {svc['metadata']['name']} port {port} targets no container port")
                return None
        err(f"{what}: Service {svc['metadata']['name']} selects no StatefulSet pods")
        return None

    used: list[tuple[int, dict]] = []
    conn = server_env.get(CONNECTION_STRING_ENV)
    if conn is None:
        err(f"server environment has no {CONNECTION_STRING_ENV} (service routes would use per-pod SQLite)")
    else:
        cs = parse_connection_string(conn)
        target = resolve(cs.get("host", ""), int(cs.get("port", POSTGRES_PORT)), CONNECTION_STRING_ENV)
        if target:
            port, pod_labels, env = target
            used.append((port, pod_labels))
            for key, var in (("username", "POSTGRES_USER"), ("database", "POSTGRES_DB")):
                if env.get(var) is not None and cs.get(key) != env.get(var):
                    err(f"{CONNECTION_STRING_ENV}: {key} {cs.get(key)!r} but PostgreSQL has {var}={env.get(var)!r}")
            if "password" not in cs and "passfile" not in cs:
                err(f"{CONNECTION_STRING_ENV}: neither Password nor Passfile")
            file = env.get("POSTGRES_PASSWORD_FILE") or ""
            secret_name = env["__secret_volumes__"].get(os.path.dirname(file))
            if secret_name and "password" in cs:
                expected = config_data(by_kind, "Secret", secret_name).get(os.path.basename(file))
                if expected is not None and expected != cs["password"]:
                    err(f"{CONNECTION_STRING_ENV}: password differs from Secret {secret_name}")
    uri = server_env.get(RABBITMQ_URI_ENV)
    if uri is None:
        err(f"server environment has no {RABBITMQ_URI_ENV}")
    else:
        parts = urlsplit(uri)
        if parts.scheme not in ("amqp", "amqps"):
            err(f"{RABBITMQ_URI_ENV}: scheme {parts.scheme!r} is not amqp/amqps")
        target = resolve(parts.hostname or "", parts.port or AMQP_PORT, RABBITMQ_URI_ENV)
        if target:
            port, pod_labels, env = target
            used.append((port, pod_labels))
            if env.get("RABBITMQ_DEFAULT_USER") is not None and unquote(parts.username or "") != env["RABBITMQ_DEFAULT_USER"]:
                err(f"{RABBITMQ_URI_ENV}: user {parts.username!r} but RabbitMQ has "
                    f"RABBITMQ_DEFAULT_USER={env['RABBITMQ_DEFAULT_USER']!r}")
            ref = env["__secret_refs__"].get("RABBITMQ_DEFAULT_PASS")
            if ref:
                expected = config_data(by_kind, "Secret", ref["name"]).get(ref["key"])
                if expected is not None and expected != unquote(parts.password or ""):
                    err(f"{RABBITMQ_URI_ENV}: password differs from Secret {ref['name']}")
    return used


def parse_dockerfile(text: str) -> list[tuple[str, str]]:
    logical = re.sub(r"\\\n", " ", text)
    instructions = []
    for line in logical.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def check_dockerfile(text: str) -> tuple[list[str], str | None]:
    errors: list[str] = []
    err = errors.append
    instructions = parse_dockerfile(text)
    stages = [i for i, (k, _) in enumerate(instructions) if k == "FROM"]
    if len(stages) < 2:
        err("Dockerfile is not multi-stage")
        return errors, None
    final = instructions[stages[-1]:]
    keywords = [k for k, _ in final]
    if "RUN" in keywords:
        err("final stage has RUN (breaks shell-less runtime images such as chiseled)")
    args = {v.split("=", 1)[0] for k, v in instructions[:stages[0]] if k == "ARG"}
    for needed in ("SDK_IMAGE", "RUNTIME_IMAGE"):
        if needed not in args:
            err(f"no global ARG {needed}")
    arg_defaults = dict(v.split("=", 1) for k, v in final if k == "ARG" and "=" in v)
    user = next((v for k, v in reversed(final) if k == "USER"), None)
    if user is None:
        err("final stage has no USER")
    else:
        uid = re.sub(r"\$\{?(\w+)\}?", lambda m: arg_defaults.get(m.group(1), m.group(0)), user).split(":")[0]
        if not uid.isdigit() or int(uid) == 0:
            err(f"USER {user!r} is not a numeric non-root UID")
    exposes = [v for k, v in final if k == "EXPOSE"]
    if exposes != [str(PORT)]:
        err(f"EXPOSE {exposes}, expected [{PORT}]")
    healthcheck = next((v for k, v in final if k == "HEALTHCHECK"), None)
    probe_dll = None
    if not healthcheck or "CMD" not in healthcheck:
        err("no HEALTHCHECK CMD")
    else:
        match = re.search(r'"(/[^"]+\.dll)"', healthcheck)
        probe_dll = match.group(1) if match else None
        if "curl" in healthcheck or "wget" in healthcheck:
            err("HEALTHCHECK uses curl/wget, which the runtime image does not have")
    entrypoint = next((v for k, v in final if k == "ENTRYPOINT"), "")
    if not entrypoint.startswith("["):
        err("ENTRYPOINT is not exec form (SIGTERM would go to a shell, not the server)")
    env_text = " ".join(v for k, v in final if k == "ENV")
    # DOTNET_GCgen0size: the RSS budget on large-cache hosts (see the Dockerfile).
    for needed in ("DATA_DIR=/data", "DOTNET_EnableDiagnostics=0", "DOTNET_GCgen0size=0x1000000", "TMPDIR=/tmp", f"ASPNETCORE_HTTP_PORTS={PORT}"):
        if needed not in env_text:
            err(f"final stage ENV lacks {needed}")
    if not any(k == "VOLUME" and "/data" in v for k, v in final):
        err("no VOLUME /data")
    return errors, probe_dll


def check_compose(compose: dict, probe_dll: str | None) -> list[str]:
    errors: list[str] = []
    err = errors.append
    services = compose.get("services") or {}
    server = services.get("server")
    if not server:
        return ["compose: no 'server' service"]
    if server.get("read_only") is not True:
        err("compose: server is not read_only")
    if not any(str(t).split(":")[0] == "/tmp" for t in server.get("tmpfs") or []):
        err("compose: no tmpfs at /tmp")
    env = server.get("environment") or {}
    data_dir = env.get("DATA_DIR", "/data")
    named = set((compose.get("volumes") or {}).keys())
    mounts = {}
    for v in server.get("volumes") or []:
        source, _, target = str(v).partition(":")
        mounts[target.split(":")[0]] = source
    if data_dir not in mounts:
        err(f"compose: nothing mounted at DATA_DIR {data_dir}")
    elif mounts[data_dir] not in named:
        err(f"compose: {data_dir} is not a named volume declared under volumes:")
    targets = [str(p).rsplit(":", 1)[-1] for p in server.get("ports") or []]
    if str(PORT) not in targets:
        err(f"compose: container port {PORT} not published")
    if "ALL" not in (server.get("cap_drop") or []):
        err("compose: cap_drop ALL missing")
    drain = float(env.get("Shutdown__DrainDelaySeconds", 5))
    timeout = float(env.get("Shutdown__TimeoutSeconds", 30))
    grace = duration_seconds(server.get("stop_grace_period", "10s"))
    if grace <= drain + timeout:
        err(f"compose: stop_grace_period {grace}s must exceed DrainDelay {drain} + Timeout {timeout}")
    test = (server.get("healthcheck") or {}).get("test") or []
    if not test or test[0] != "CMD":
        err("compose: healthcheck is not exec form (no shell in the image)")
    elif probe_dll and probe_dll not in test:
        err(f"compose: healthcheck does not run {probe_dll} (Dockerfile HEALTHCHECK)")
    user = str(server.get("user", ""))
    if not user or user.split(":")[0] in ("0", "root"):
        err("compose: user is not a non-root UID")
    check_compose_backing(compose, server, env, err)
    return errors


def compose_mounts(service: dict) -> dict[str, str]:
    """target -> source ('' for an anonymous volume) of a service's short-syntax volumes."""
    mounts = {}
    for v in service.get("volumes") or []:
        parts = str(v).split(":")
        if len(parts) == 1:
            mounts[parts[0]] = ""
        else:
            mounts[parts[1]] = parts[0]
    return mounts


def check_compose_backing(compose: dict, server: dict, env: dict, err) -> None:
    """PostgreSQL and RabbitMQ services, and the server's connection settings pointing at them."""
    services = compose.get("services") or {}
    named = set((compose.get("volumes") or {}).keys())
    declared_secrets = set((compose.get("secrets") or {}).keys())
    server_secrets = {s if isinstance(s, str) else s.get("source") for s in server.get("secrets") or []}
    for wrong in misspelt_env(env):
        err(f"compose: server has misspelt setting {wrong}")
    depends = server.get("depends_on") or {}

    def backing(name: str, image: str, data_path: str) -> dict:
        svc = services.get(name)
        if not svc:
            err(f"compose: no {name!r} service")
            return {}
        if image not in str(svc.get("image", "")):
            err(f"compose: {name} image {svc.get('image')!r} is not {image}")
        if not (svc.get("healthcheck") or {}).get("test"):
            err(f"compose: {name} has no healthcheck")
        if not isinstance(depends, dict) or (depends.get(name) or {}).get("condition") != "service_healthy":
            err(f"compose: server does not wait for {name} (depends_on condition: service_healthy)")
        source = compose_mounts(svc).get(data_path)
        if source not in named:
            err(f"compose: {name} data {data_path} is not on a named volume declared under volumes:")
        for s in svc.get("secrets") or []:
            if (s if isinstance(s, str) else s.get("source")) not in declared_secrets:
                err(f"compose: {name} uses undeclared secret {s!r}")
        return svc.get("environment") or {}

    pg_env = backing("postgres", "postgres", "/var/lib/postgresql/data")
    mq_env = backing("rabbitmq", "rabbitmq", "/var/lib/rabbitmq")
    if "rabbitmq" in services and not services["rabbitmq"].get("hostname"):
        err("compose: rabbitmq has no fixed hostname (its data directory is named after the node)")
    password_file = str(pg_env.get("POSTGRES_PASSWORD_FILE", ""))
    if password_file.startswith("/run/secrets/"):
        secret = password_file.removeprefix("/run/secrets/")
        if secret not in {s if isinstance(s, str) else s.get("source")
                          for s in services.get("postgres", {}).get("secrets") or []}:
            err(f"compose: POSTGRES_PASSWORD_FILE names secret {secret!r}, not given to postgres")
    elif "POSTGRES_PASSWORD" not in pg_env:
        err("compose: postgres has neither POSTGRES_PASSWORD_FILE nor POSTGRES_PASSWORD")

    conn = env.get(CONNECTION_STRING_ENV)
    if conn is None:
        err(f"compose: server has no {CONNECTION_STRING_ENV}")
    else:
        cs = parse_connection_string(str(conn))
        if cs.get("host") not in services or "postgres" not in str(services[cs["host"]].get("image", "")):
            err(f"compose: {CONNECTION_STRING_ENV} host {cs.get('host')!r} is not the postgres service")
        if int(cs.get("port", POSTGRES_PORT)) != POSTGRES_PORT:
            err(f"compose: {CONNECTION_STRING_ENV} port {cs.get('port')} is not {POSTGRES_PORT}")
        for key, var in (("username", "POSTGRES_USER"), ("database", "POSTGRES_DB")):
            if cs.get(key) != pg_env.get(var):
                err(f"compose: {CONNECTION_STRING_ENV} {key} {cs.get(key)!r} but postgres {var}={pg_env.get(var)!r}")
        passfile = cs.get("passfile")
        if passfile:
            secret = passfile.removeprefix("/run/secrets/")
            if not passfile.startswith("/run/secrets/") or secret not in server_secrets \
                    or secret not in declared_secrets:
                err(f"compose: Passfile {passfile} is not a secret mounted into the server")
        elif "password" not in cs:
            err(f"compose: {CONNECTION_STRING_ENV} has neither Passfile nor Password")
    uri = env.get(RABBITMQ_URI_ENV)
    if uri is None:
        err(f"compose: server has no {RABBITMQ_URI_ENV}")
    else:
        # ${VAR} substitutions may contain ':' and '@'; compare the pieces around them textually.
        match = re.fullmatch(r"amqps?://([^:@]+):(.+)@([^:@/]+)(?::(\d+))?/.*", str(uri))
        if not match:
            err(f"compose: {RABBITMQ_URI_ENV} is not amqp://user:password@host:port/vhost")
        else:
            user, password, host, port = match.groups()
            if host not in services or "rabbitmq" not in str(services[host].get("image", "")):
                err(f"compose: {RABBITMQ_URI_ENV} host {host!r} is not the rabbitmq service")
            if int(port or AMQP_PORT) != AMQP_PORT:
                err(f"compose: {RABBITMQ_URI_ENV} port {port} is not {AMQP_PORT}")
            if user != mq_env.get("RABBITMQ_DEFAULT_USER"):
                err(f"compose: {RABBITMQ_URI_ENV} user {user!r} but RABBITMQ_DEFAULT_USER="
                    f"{mq_env.get('RABBITMQ_DEFAULT_USER')!r}")
            variable = re.match(r"\$\{(\w+)", password)
            expected = re.match(r"\$\{(\w+)", str(mq_env.get("RABBITMQ_DEFAULT_PASS", "")))
            if (variable and variable.group(1)) != (expected and expected.group(1)):
                err(f"compose: {RABBITMQ_URI_ENV} password and RABBITMQ_DEFAULT_PASS come from different variables")


def check_compose_scale(scale: dict, compose: dict) -> list[str]:
    """
    compose.scale.yaml: several replicas need their own /data, one host port each, and PostgreSQL: without the
    connection string each replica would journal its own routing-table updates and keep its own SQLite routes.
    """
    errors: list[str] = []
    server = (scale.get("services") or {}).get("server") or {}
    env = dict(((compose.get("services") or {}).get("server") or {}).get("environment") or {})
    env.update(server.get("environment") or {})
    if not env.get(CONNECTION_STRING_ENV):
        errors.append(f"compose.scale: replicas without {CONNECTION_STRING_ENV} would not share the routing table")
    data_dir = env.get("DATA_DIR", "/data")
    replicas = str((server.get("deploy") or {}).get("replicas", ""))
    default = re.fullmatch(r"\$\{\w+:-(\d+)\}|(\d+)", replicas)
    count = int(next(g for g in default.groups() if g)) if default else None
    if count is None:
        errors.append(f"compose.scale: server deploy.replicas {replicas!r} has no numeric default")
    source = compose_mounts(server).get(data_dir)
    if source is None or source in (compose.get("volumes") or {}):
        errors.append(f"compose.scale: {data_dir} must be a per-replica (anonymous) volume, not shared")
    ports = [str(p) for p in server.get("ports") or []]
    span = None
    for p in ports:
        match = re.search(r"(\d+)-(\d+)\}?:" + str(PORT) + "$", p)
        if match:
            span = int(match.group(2)) - int(match.group(1)) + 1
    if span is None:
        errors.append(f"compose.scale: no host port range published for container port {PORT}")
    elif count and span < count:
        errors.append(f"compose.scale: {span} host ports for {count} replicas")
    return errors


def check_dockerfile_projects(dockerfile: str, repo: str) -> list[str]:
    """Every project the restored projects reference (transitively) is copied before `dotnet restore`."""
    errors: list[str] = []
    instructions = parse_dockerfile(dockerfile)
    first_restore = next((i for i, (k, v) in enumerate(instructions) if k == "RUN" and "dotnet restore" in v), None)
    if first_restore is None:
        return ["Dockerfile: no `dotnet restore` step"]
    copied = {os.path.normpath(v.split()[0]) for k, v in instructions[:first_restore]
              if k == "COPY" and v.split()[0].endswith(".csproj")}
    restored = re.findall(r"(\S+\.csproj)", instructions[first_restore][1])
    pending, seen = [os.path.normpath(p) for p in restored], set()
    while pending:
        project = pending.pop()
        if project in seen:
            continue
        seen.add(project)
        if project not in copied:
            errors.append(f"Dockerfile: {project} is needed by the restore but not copied before it")
        try:
            with open(os.path.join(repo, project), encoding="utf-8") as f:
                text = f.read()
        except OSError:
            errors.append(f"Dockerfile: {project} does not exist in the repository")
            continue
        for ref in re.findall(r'<ProjectReference\s+Include="([^"]+)"', text):
            pending.append(os.path.normpath(os.path.join(os.path.dirname(project), ref.replace("\\", "/"))))
    return errors


def run_checks(docs: list[dict], compose: dict, dockerfile: str,
               scale: dict | None = None, repo: str | None = None) -> list[str]:
    errors = check_k8s(docs)
    docker_errors, probe_dll = check_dockerfile(dockerfile)
    errors += docker_errors + check_compose(compose, probe_dll)
    if scale is not None:
        errors += check_compose_scale(scale, compose)
    if repo is not None:
        errors += check_dockerfile_projects(dockerfile, repo)
    return errors


def self_test(docs: list[dict], compose: dict, dockerfile: str, scale: dict | None, repo: str | None) -> list[str]:
    """Each mutation must produce at least one error, else the checker is blind to it."""

    def check(d=docs, c=compose, f=dockerfile, s=scale):
        return run_checks(d, c, f, s, repo)

    def deployment(d):
        return next(x for x in d if x["kind"] == "Deployment")

    def container(d):
        return deployment(d)["spec"]["template"]["spec"]["containers"][0]

    def named(d, kind, name):
        return next(x for x in d if x["kind"] == kind and x["metadata"]["name"] == name)

    def statefulset_container(d, name):
        return named(d, "StatefulSet", name)["spec"]["template"]["spec"]["containers"][0]

    def secret_value(d, name, key, value):
        named(d, "Secret", name)["stringData"][key] = value

    k8s_mutations = {
        "grace period too short": lambda d: deployment(d)["spec"]["template"]["spec"].update(
            terminationGracePeriodSeconds=20),
        "writable root fs": lambda d: container(d)["securityContext"].update(readOnlyRootFilesystem=False),
        "wrong readiness path": lambda d: container(d)["readinessProbe"]["httpGet"].update(path="/ready"),
        "service selector typo": lambda d: named(d, "Service", "crossroads")["spec"].update(
            selector={"app.kubernetes.io/name": "crossroad"}),
        "networkpolicy opens 9090": lambda d: named(d, "NetworkPolicy", "crossroads")["spec"][
            "ingress"][0]["ports"].append({"protocol": "TCP", "port": 9090}),
        "no /tmp mount": lambda d: container(d).update(
            volumeMounts=[m for m in container(d)["volumeMounts"] if m["mountPath"] != "/tmp"]),
        "short startup budget": lambda d: container(d)["startupProbe"].update(failureThreshold=5),
        "server egress to postgres dropped": lambda d: named(d, "NetworkPolicy", "crossroads")["spec"].update(
            egress=[r for r in named(d, "NetworkPolicy", "crossroads")["spec"]["egress"]
                    if 5432 not in {p["port"] for p in r["ports"]}]),
        "connection string host typo": lambda d: secret_value(
            d, "crossroads-service-routes", CONNECTION_STRING_ENV,
            named(d, "Secret", "crossroads-service-routes")["stringData"][CONNECTION_STRING_ENV].replace(
                "Host=postgres", "Host=postgress")),
        "connection string key misspelt": lambda d: named(d, "Secret", "crossroads-service-routes")[
            "stringData"].update({"ConnectionString__Crossroads": "Host=postgres"}),
        "postgres password mismatch": lambda d: secret_value(d, "crossroads-postgres", "password", "other"),
        "amqp user mismatch": lambda d: statefulset_container(d, "rabbitmq")["env"][0].update(value="guest"),
        "postgres targetPort wrong": lambda d: named(d, "Service", "postgres")["spec"]["ports"][0].update(
            targetPort=5433),
        "postgres open to all pods": lambda d: named(d, "NetworkPolicy", "postgres")["spec"]["ingress"][0].update(
            {"from": [{"podSelector": {}}]}),
        "rabbitmq runs as root": lambda d: named(d, "StatefulSet", "rabbitmq")["spec"]["template"]["spec"][
            "securityContext"].update(runAsNonRoot=False),
        "postgres without PVC": lambda d: named(d, "StatefulSet", "postgres")["spec"].pop("volumeClaimTemplates"),
    }
    failures = []
    for name, mutate in k8s_mutations.items():
        mutated = copy.deepcopy(docs)
        mutate(mutated)
        if not check(d=mutated):
            failures.append(f"self-test: mutation {name!r} was not detected")
    dockerfile_mutations = {
        "root user": lambda t: re.sub(r"^USER .*$", "USER 0", t, flags=re.M),
        "curl healthcheck": lambda t: t.replace('CMD ["dotnet"', 'CMD ["curl", "-f", "http://localhost:8080/"] #'),
        "RUN in runtime stage": lambda t: t.replace("USER ${APP_UID}", "RUN mkdir -p /x\nUSER ${APP_UID}"),
    }
    if repo is not None:
        dockerfile_mutations["referenced project not copied before restore"] = lambda t: re.sub(
            r"^COPY src/Crossroads.ServiceRoutes/\S+ \S+\n", "", t, flags=re.M)
    for name, mutate in dockerfile_mutations.items():
        mutated = mutate(dockerfile)
        if mutated == dockerfile or not check(f=mutated):
            failures.append(f"self-test: Dockerfile mutation {name!r} was not detected")

    def server(c):
        return c["services"]["server"]

    compose_mutations = {
        "not read-only": lambda c: server(c).update(read_only=False),
        "short stop grace": lambda c: server(c).update(stop_grace_period="10s"),
        "server does not wait for postgres": lambda c: server(c)["depends_on"].pop("postgres"),
        "passfile secret not mounted": lambda c: server(c).update(secrets=[]),
        "connection string to the wrong host": lambda c: server(c)["environment"].update(
            {CONNECTION_STRING_ENV: server(c)["environment"][CONNECTION_STRING_ENV].replace("Host=postgres",
                                                                                            "Host=localhost")}),
        "rabbitmq data not on a volume": lambda c: c["services"]["rabbitmq"].update(volumes=[]),
    }
    for name, mutate in compose_mutations.items():
        mutated = copy.deepcopy(compose)
        mutate(mutated)
        if not check(c=mutated):
            failures.append(f"self-test: compose mutation {name!r} was not detected")
    if scale is not None:
        scale_mutations = {
            "shared /data": lambda s: server(s).update(volumes=["crossroads-data:/data"]),
            "single host port": lambda s: server(s).update(ports=["8080:8080"]),
            "no shared database": lambda s: server(s).update(environment={CONNECTION_STRING_ENV: ""}),
        }
        for name, mutate in scale_mutations.items():
            mutated = copy.deepcopy(scale)
            mutate(mutated)
            if not check(s=mutated):
                failures.append(f"self-test: compose.scale mutation {name!r} was not detected")
    return failures


def main(argv: list[str]) -> int:
    selftest = "--self-test" in argv
    paths = [a for a in argv if a != "--self-test"]
    if len(paths) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    with open(paths[0], encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    with open(paths[1], encoding="utf-8") as f:
        compose = yaml.load(f, Loader=ComposeLoader)  # noqa: S506 - SafeLoader subclass
    scale = None
    if len(paths) == 4:
        with open(paths[3], encoding="utf-8") as f:
            scale = yaml.load(f, Loader=ComposeLoader)  # noqa: S506 - SafeLoader subclass
    with open(paths[2], encoding="utf-8") as f:
        dockerfile = f.read()
    # The Dockerfile's build context is the repository root, its parent's parent (deploy/Dockerfile).
    repo = os.path.dirname(os.path.dirname(os.path.abspath(paths[2])))
    errors = run_checks(docs, compose, dockerfile, scale, repo)
    if selftest and not errors:
        errors = self_test(docs, compose, dockerfile, scale, repo)
    for e in errors:
        print(f"FAIL {e}", file=sys.stderr)
    if not errors:
        print(f"ok: {len(docs)} Kubernetes objects, compose" + (" (+ scale)" if scale is not None else "")
              + " and Dockerfile consistent" + (" (self-test passed)" if selftest else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
