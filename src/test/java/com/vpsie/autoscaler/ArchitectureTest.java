package com.vpsie.autoscaler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.scaledown.PdbBudget;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decision core stays pure: no Kubernetes client, HTTP, metrics or resilience library, and no clock
 * reads, so plans are reproducible from a snapshot and an instant. The actuating half of scale-down
 * (classes named *Manager, *Drainer, *Executor) is exempt.
 */
@AnalyzeClasses(packages = "com.vpsie.autoscaler", importOptions = ArchitectureTest.ProductionClassesOnly.class)
class ArchitectureTest {

    /**
     * ArchUnit's DoNotIncludeTests, plus any "test-classes" directory: its Maven pattern expects
     * target/test-classes, but builds may point ${build.dir} elsewhere.
     */
    public static final class ProductionClassesOnly implements ImportOption {
        private final ImportOption standard = new ImportOption.DoNotIncludeTests();

        @Override
        public boolean includes(Location location) {
            return standard.includes(location) && !location.contains("/test-classes/");
        }
    }

    private static final String ROOT = "com.vpsie.autoscaler";
    private static final List<String> PURE_PACKAGES = List.of(
            ROOT + ".model", ROOT + ".scheduling", ROOT + ".utilization", ROOT + ".scaleup", ROOT + ".plan");
    private static final String SCALEDOWN = ROOT + ".scaledown";
    private static final List<String> ACTUATOR_SUFFIXES = List.of("Manager", "Drainer", "Executor");

    static final DescribedPredicate<JavaClass> DECISION_CORE = DescribedPredicate.describe(
            "are in the decision core (model, scheduling, utilization, scaleup, plan, scaledown planner)",
            javaClass -> inDecisionCore(javaClass.getName()));

    @ArchTest
    static final ArchRule coreUsesNoInfrastructure = noInfrastructure(DECISION_CORE);

    @ArchTest
    static final ArchRule coreNeverReadsTheClock = noClockReads(DECISION_CORE);

    static ArchRule noInfrastructure(DescribedPredicate<JavaClass> classes) {
        return noClasses().that(classes)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.fabric8..", "okhttp3..", "io.micrometer..", "dev.failsafe..")
                .because("the decision core works on snapshots only; actuators and controllers talk to the world");
    }

    static ArchRule noClockReads(DescribedPredicate<JavaClass> classes) {
        // Overloads taking a Clock stay allowed: that is how time is handed in.
        return noClasses().that(classes)
                .should().callMethod(Instant.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(LocalDate.class, "now")
                .orShould().callMethod(LocalTime.class, "now")
                .orShould().callMethod(OffsetDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now")
                .orShould().callMethod(Clock.class, "systemUTC")
                .orShould().callMethod(Clock.class, "systemDefaultZone")
                .orShould().callMethod(Clock.class, "system", ZoneId.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .because("time is handed in, so a plan is reproducible from a snapshot and an instant");
    }

    /** Package selection by class name; nested and anonymous classes go with their top-level class. */
    static boolean inDecisionCore(String className) {
        int lastDot = className.lastIndexOf('.');
        String pkg = lastDot < 0 ? "" : className.substring(0, lastDot);
        String topLevel = className.substring(lastDot + 1).split("\\$", 2)[0];
        for (String pure : PURE_PACKAGES) {
            if (inPackageTree(pkg, pure)) {
                return true;
            }
        }
        return inPackageTree(pkg, SCALEDOWN) && ACTUATOR_SUFFIXES.stream().noneMatch(topLevel::endsWith);
    }

    private static boolean inPackageTree(String pkg, String root) {
        return pkg.equals(root) || pkg.startsWith(root + ".");
    }

    @Test
    void selectsTheCoreAndExemptsTheActuators() {
        assertThat(inDecisionCore(PdbBudget.class.getName())).isTrue();
        assertThat(inDecisionCore(PodInfo.class.getName())).isTrue();
        assertThat(inDecisionCore(ROOT + ".scheduling.predicates.Fit")).isTrue();
        assertThat(inDecisionCore(ROOT + ".scaleup.expander.LeastWasteExpander")).isTrue();
        assertThat(inDecisionCore(ROOT + ".plan.Plan$Entry")).isTrue();
        assertThat(inDecisionCore(ROOT + ".scaledown.ScaleDownPlanner")).isTrue();
        assertThat(inDecisionCore(ROOT + ".scaledown.ManagerHelper")).isTrue();

        assertThat(inDecisionCore(ROOT + ".scaledown.ScaleDownManager")).isFalse();
        assertThat(inDecisionCore(ROOT + ".scaledown.ScaleDownManager$1")).isFalse();
        assertThat(inDecisionCore(ROOT + ".scaledown.NodeDrainer$Attempt")).isFalse();
        assertThat(inDecisionCore(ROOT + ".scaledown.CleanupExecutor")).isFalse();
        assertThat(inDecisionCore(ROOT + ".controller.AutoscalingPass")).isFalse();
        assertThat(inDecisionCore(ROOT + ".modelling.Anything")).isFalse();
        assertThat(inDecisionCore(ROOT + ".Main")).isFalse();
    }

    // Fixtures proving the rules bite; they live here in the test tree, outside the analysed production classes.

    static final class ReadsTheClock {
        long millis() {
            return System.currentTimeMillis() + Instant.now().toEpochMilli();
        }
    }

    static final class ReadsANewClock {
        Clock clock() {
            return Clock.systemUTC();
        }
    }

    static final class TakesTimeHandedIn {
        Instant now(Clock clock) {
            return Instant.now(clock).plusSeconds(1);
        }
    }

    static final class RecordsMetrics {
        MeterRegistry registry;
    }

    static final class TalksToKubernetes {
        io.fabric8.kubernetes.api.model.Pod pod;
    }

    private static final DescribedPredicate<JavaClass> ANY = DescribedPredicate.describe("are fixtures", c -> true);

    private static JavaClasses fixtures(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    @Test
    void clockReadsAreCaught() {
        assertThatThrownBy(() -> noClockReads(ANY).check(fixtures(ReadsTheClock.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Instant.now()").hasMessageContaining("System.currentTimeMillis()");
        assertThatThrownBy(() -> noClockReads(ANY).check(fixtures(ReadsANewClock.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Clock.systemUTC()");
    }

    @Test
    void timeHandedInIsAllowed() {
        noClockReads(ANY).check(fixtures(TakesTimeHandedIn.class));
    }

    @Test
    void infrastructureDependenciesAreCaught() {
        assertThatThrownBy(() -> noInfrastructure(ANY).check(fixtures(RecordsMetrics.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("io.micrometer");
        assertThatThrownBy(() -> noInfrastructure(ANY).check(fixtures(TalksToKubernetes.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("io.fabric8");
        noInfrastructure(ANY).check(fixtures(TakesTimeHandedIn.class));
    }
}
