#!/usr/bin/env python3
"""Offline consistency and policy checks for the Crossroads deployment files.

    check-manifests.py RENDERED_K8S_YAML COMPOSE_YAML DOCKERFILE
    check-manifests.py --self-test RENDERED_K8S_YAML COMPOSE_YAML DOCKERFILE

No cluster and no schemas are needed (and none are used): this is NOT Kubernetes schema validation.
It checks what a schema cannot: that the pieces agree with each other (ports, probe paths, selectors,
references, grace period vs. shutdown settings) and that the security baseline is in place.
--self-test additionally breaks copies of the inputs and asserts that each breakage is reported.
Needs only PyYAML (python3-yaml, a dependency of yamllint).
"""

from __future__ import annotations

import copy
import re
import sys

import yaml

PORT = 8080
PROBE_PATHS = {
    "startupProbe": "/health/startup",
    "livenessProbe": "/health/live",
    "readinessProbe": "/health/ready",
}
MIN_STARTUP_BUDGET_SECONDS = 30  # the full table can take up to ~30 s to load
NAMESPACE = "crossroads"


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
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"}
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

    for svc in by_kind.get("Service", []):
        if not subset((svc.get("spec") or {}).get("selector"), labels):
            err(f"Service/{svc['metadata']['name']}: selector does not match the pods")
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

    for np in by_kind.get("NetworkPolicy", []):
        ns = np.get("spec") or {}
        if not subset((ns.get("podSelector") or {}).get("matchLabels"), labels):
            err("NetworkPolicy podSelector does not match the pods")
        if set(ns.get("policyTypes") or []) != {"Ingress", "Egress"}:
            err("NetworkPolicy must govern both Ingress and Egress")
        ingress_ports = {p.get("port") for rule in ns.get("ingress") or [] for p in rule.get("ports") or []}
        if {named_ports.get(p, p) for p in ingress_ports} != {PORT}:
            err(f"NetworkPolicy ingress ports {sorted(map(str, ingress_ports))}, expected only {PORT}")
        egress_ports = {p.get("port") for rule in ns.get("egress") or [] for p in rule.get("ports") or []}
        if egress_ports != {53}:
            err(f"NetworkPolicy egress ports {sorted(map(str, egress_ports))}, expected DNS (53) only")
    return errors


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
    for needed in ("DATA_DIR=/data", "DOTNET_EnableDiagnostics=0", "TMPDIR=/tmp", f"ASPNETCORE_HTTP_PORTS={PORT}"):
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
    return errors


def run_checks(docs: list[dict], compose: dict, dockerfile: str) -> list[str]:
    errors = check_k8s(docs)
    docker_errors, probe_dll = check_dockerfile(dockerfile)
    return errors + docker_errors + check_compose(compose, probe_dll)


def self_test(docs: list[dict], compose: dict, dockerfile: str) -> list[str]:
    """Each mutation must produce at least one error, else the checker is blind to it."""

    def deployment(d):
        return next(x for x in d if x["kind"] == "Deployment")

    def container(d):
        return deployment(d)["spec"]["template"]["spec"]["containers"][0]

    k8s_mutations = {
        "grace period too short": lambda d: deployment(d)["spec"]["template"]["spec"].update(
            terminationGracePeriodSeconds=20),
        "writable root fs": lambda d: container(d)["securityContext"].update(readOnlyRootFilesystem=False),
        "wrong readiness path": lambda d: container(d)["readinessProbe"]["httpGet"].update(path="/ready"),
        "service selector typo": lambda d: next(x for x in d if x["kind"] == "Service")["spec"].update(
            selector={"app.kubernetes.io/name": "crossroad"}),
        "networkpolicy opens 9090": lambda d: next(x for x in d if x["kind"] == "NetworkPolicy")["spec"][
            "ingress"][0]["ports"].append({"protocol": "TCP", "port": 9090}),
        "no /tmp mount": lambda d: container(d).update(
            volumeMounts=[m for m in container(d)["volumeMounts"] if m["mountPath"] != "/tmp"]),
        "short startup budget": lambda d: container(d)["startupProbe"].update(failureThreshold=5),
    }
    failures = []
    for name, mutate in k8s_mutations.items():
        mutated = copy.deepcopy(docs)
        mutate(mutated)
        if not run_checks(mutated, compose, dockerfile):
            failures.append(f"self-test: mutation {name!r} was not detected")
    dockerfile_mutations = {
        "root user": lambda t: re.sub(r"^USER .*$", "USER 0", t, flags=re.M),
        "curl healthcheck": lambda t: t.replace('CMD ["dotnet"', 'CMD ["curl", "-f", "http://localhost:8080/"] #'),
        "RUN in runtime stage": lambda t: t.replace("USER ${APP_UID}", "RUN mkdir -p /x\nUSER ${APP_UID}"),
    }
    for name, mutate in dockerfile_mutations.items():
        mutated = mutate(dockerfile)
        if mutated == dockerfile or not run_checks(docs, compose, mutated):
            failures.append(f"self-test: Dockerfile mutation {name!r} was not detected")
    compose_mutations = {
        "not read-only": lambda c: c["services"]["server"].update(read_only=False),
        "short stop grace": lambda c: c["services"]["server"].update(stop_grace_period="10s"),
    }
    for name, mutate in compose_mutations.items():
        mutated = copy.deepcopy(compose)
        mutate(mutated)
        if not run_checks(docs, mutated, dockerfile):
            failures.append(f"self-test: compose mutation {name!r} was not detected")
    return failures


def main(argv: list[str]) -> int:
    selftest = "--self-test" in argv
    paths = [a for a in argv if a != "--self-test"]
    if len(paths) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(paths[0], encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    with open(paths[1], encoding="utf-8") as f:
        compose = yaml.safe_load(f)
    with open(paths[2], encoding="utf-8") as f:
        dockerfile = f.read()
    errors = run_checks(docs, compose, dockerfile)
    if selftest and not errors:
        errors = self_test(docs, compose, dockerfile)
    for e in errors:
        print(f"FAIL {e}", file=sys.stderr)
    if not errors:
        print(f"ok: {len(docs)} Kubernetes objects, compose and Dockerfile consistent"
              + (" (self-test passed)" if selftest else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
