# Two commands a newcomer needs: `make demo` and `make test`. Everything else is a helper.
MVN ?= mvn
MVN_FLAGS ?= -B -ntp
JAR := target/vpsie-autoscaler.jar
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)

.PHONY: build test test-e2e demo plan-example bench clean crds image

build: $(JAR)

$(JAR): $(SOURCES)
	$(MVN) $(MVN_FLAGS) -q package -DskipTests

## Unit and integration tests (surefire + failsafe). The alert rule tests need promtool: fetched into
## ~/.cache/vpsie-autoscaler/tools first when the machine has none.
test:
	promtool="$$(scripts/ensure-promtool.sh)" && PROMTOOL="$$promtool" $(MVN) $(MVN_FLAGS) verify

## The real controller in one JVM against an embedded Kubernetes API and the VPSie simulator (< 2 min).
demo: $(JAR)
	java -jar $(JAR) demo --metrics-file target/demo-metrics.txt

## End-to-end tests against a real control plane built from source (first build ~10 min, then cached).
test-e2e:
	scripts/kube-control-plane.sh build
	$(MVN) $(MVN_FLAGS) verify -Pe2e

## The planner alone on the bundled example cluster: what it would do, and why.
plan-example: $(JAR)
	java -jar $(JAR) plan --snapshot examples/snapshot.yaml --offerings examples/offerings.yaml \
		--now 2026-11-22T12:00:00Z

## Times planning passes on a synthetic cluster (prints figures; asserts nothing).
bench: $(JAR)
	java -jar $(JAR) bench --nodes 1000 --pods-per-node 30 --pending 1000 --groups 5
	java -jar $(JAR) bench --nodes 5000 --pods-per-node 30 --pending 5000 --groups 5

## The container image, built with podman (bases made from Debian's archive unless BUILD_BASE and RUNTIME_BASE
## name registry images) and smoke-tested. Not part of `test`: it needs podman, and root for the local bases.
image:
	scripts/build-image.sh

## Regenerates crds/ from the Java model; CrdUpToDateTest fails until this is run after a model change.
crds:
	$(MVN) $(MVN_FLAGS) -q process-classes
	cp target/classes/META-INF/fabric8/nodegroups.autoscaler.vpsie.com-v1.yml crds/
	cp target/classes/META-INF/fabric8/nodegroups.autoscaler.vpsie.com-v1.yml charts/vpsie-autoscaler/crds/

clean:
	$(MVN) $(MVN_FLAGS) -q clean
