# Two commands a newcomer needs: `make demo` and `make test`. Everything else is a helper.
MVN ?= mvn
MVN_FLAGS ?= -B -ntp
JAR := target/vpsie-autoscaler.jar
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)

.PHONY: build test demo bench clean crds

build: $(JAR)

$(JAR): $(SOURCES)
	$(MVN) $(MVN_FLAGS) -q package -DskipTests

## Unit and integration tests (surefire + failsafe).
test:
	$(MVN) $(MVN_FLAGS) verify

## Runs the planner on the bundled example cluster and prints what it would do.
demo: $(JAR)
	java -jar $(JAR) plan --snapshot examples/snapshot.yaml --offerings examples/offerings.yaml \
		--now 2026-11-22T12:00:00Z

## Times planning passes on a synthetic cluster (prints figures; asserts nothing).
bench: $(JAR)
	java -jar $(JAR) bench --nodes 1000 --pods-per-node 30 --pending 1000 --groups 5
	java -jar $(JAR) bench --nodes 5000 --pods-per-node 30 --pending 5000 --groups 5

## Regenerates crds/ from the Java model; CrdUpToDateTest fails until this is run after a model change.
crds:
	$(MVN) $(MVN_FLAGS) -q process-classes
	cp target/classes/META-INF/fabric8/nodegroups.autoscaler.vpsie.com-v1.yml crds/

clean:
	$(MVN) $(MVN_FLAGS) -q clean
