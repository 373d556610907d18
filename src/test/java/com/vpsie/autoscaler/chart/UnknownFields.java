package com.vpsie.autoscaler.chart;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Fields fabric8 did not recognise while parsing. Its model keeps them in {@code additionalProperties} instead
 * of failing, so a misspelt key in a template ({@code readinesProbe}) would otherwise parse "fine" and be
 * dropped by the API server.
 */
final class UnknownFields {

    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";
    private static final int MAX_DEPTH = 64;

    private UnknownFields() {
    }

    /** Paths like {@code spec.template.spec.containers[0].readinesProbe}; empty when everything was known. */
    static List<String> in(Object object) {
        List<String> found = new ArrayList<>();
        walk(object, "", found, 0);
        return found;
    }

    private static void walk(Object value, String path, List<String> found, int depth) {
        if (value == null || depth > MAX_DEPTH) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found, depth + 1);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", found, depth + 1));
            return;
        }
        Class<?> type = value.getClass();
        // A generic resource is all "additional" properties by design; its content is checked by other tests.
        if (!type.getName().startsWith(MODEL_PACKAGE) || value instanceof GenericKubernetesResource) {
            return;
        }
        for (Method getter : type.getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> found.add(join(path, String.valueOf(k))));
                }
                continue;
            }
            String name = getter.getName().startsWith("is") ? getter.getName().substring(2)
                    : getter.getName().substring(3);
            walk(child, join(path, Character.toLowerCase(name.charAt(0)) + name.substring(1)), found, depth + 1);
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
