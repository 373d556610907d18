package com.vpsie.autoscaler.api.v1alpha1;

import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * The checked-in CRD is what users apply; it must be exactly what the Java model generates, or the API server
 * would validate NodeGroups against rules the controller does not know about (or miss ones it relies on).
 */
class CrdUpToDateTest {

    @Test
    void checkedInCrdMatchesTheOneGeneratedFromTheModel() {
        String generated = NodeGroupCrdFiles.generatedYamlOrNull();
        if (generated == null) {
            fail(NodeGroupCrdFiles.GENERATED_RESOURCE + " is not on the test classpath: the crd-generator plugin "
                    + "did not run (it is bound to process-classes; build with Maven, not just the IDE compiler)");
        }
        String checkedIn = NodeGroupCrdFiles.checkedInYaml();
        if (!normalize(checkedIn).equals(normalize(generated))) {
            fail(NodeGroupCrdFiles.CHECKED_IN + " differs from what the model generates; run `make crds`.\n"
                    + firstDifference(normalize(checkedIn), normalize(generated)));
        }
    }

    // A checkout with CRLF line endings is not a different CRD.
    private static String normalize(String yaml) {
        return yaml.replace("\r\n", "\n");
    }

    private static String firstDifference(String checkedIn, String generated) {
        String[] a = checkedIn.split("\n", -1);
        String[] b = generated.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String left = i < a.length ? a[i] : "<end of file>";
            String right = i < b.length ? b[i] : "<end of file>";
            if (!left.equals(right)) {
                return "first difference at line " + (i + 1) + ":\n  checked in: " + left + "\n  generated:  " + right;
            }
        }
        return "";
    }
}
