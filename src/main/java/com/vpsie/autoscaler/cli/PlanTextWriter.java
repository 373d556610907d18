package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.plan.Plan;
import java.util.List;

/** Renders a {@link Plan} as a report for people: one aligned table per section. */
public final class PlanTextWriter {

    /** Pod names listed in a scale-up row before the rest is summarised as "+N more". */
    static final int PODS_SHOWN = 3;

    private PlanTextWriter() {
    }

    public static String render(Plan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append(summary(plan)).append("\n\n");

        sb.append("Scale up\n");
        TextTable up = new TextTable("NODE GROUP", "OFFERING", "NODES", "PODS", "FOR PODS");
        for (Plan.ScaleUp s : plan.scaleUp()) {
            up.row(s.nodeGroup(), s.offering(), Integer.toString(s.count()), Integer.toString(s.pods().size()),
                    podList(s.pods()));
        }
        sb.append(up.isEmpty() ? "  nothing to scale up\n" : up.render("  ")).append('\n');

        sb.append("Scale down\n");
        TextTable down = new TextTable("NODE", "NODE GROUP", "REASON");
        for (Plan.ScaleDown s : plan.scaleDown()) {
            down.row(s.node(), s.nodeGroup(), s.reason().name());
        }
        sb.append(down.isEmpty() ? "  no node to remove\n" : down.render("  ")).append('\n');

        sb.append("Unremovable nodes\n");
        TextTable keep = new TextTable("NODE", "NODE GROUP", "REASON", "POD", "POD REASON");
        for (Plan.Unremovable u : plan.unremovable()) {
            keep.row(u.node(), u.nodeGroup(), u.reason(), u.pod(), u.podReason());
        }
        sb.append(keep.isEmpty() ? "  none\n" : keep.render("  ")).append('\n');

        sb.append("Pending pods that trigger no scale-up\n");
        TextTable none = new TextTable("POD", "REASON", "MESSAGE");
        for (Plan.NoScaleUp n : plan.noScaleUp()) {
            none.row(n.pod(), n.reason(), n.message());
        }
        sb.append(none.isEmpty() ? "  none\n" : none.render("  "));
        return sb.toString();
    }

    private static String summary(Plan plan) {
        int newNodes = 0;
        for (Plan.ScaleUp s : plan.scaleUp()) {
            newNodes += s.count();
        }
        return "Plan: add " + newNodes + " node" + (newNodes == 1 ? "" : "s")
                + " (" + plan.scaleUp().size() + " scale-up" + (plan.scaleUp().size() == 1 ? "" : "s") + ")"
                + ", remove " + plan.scaleDown().size()
                + ", keep " + plan.unremovable().size()
                + ", " + plan.noScaleUp().size() + " pending pod" + (plan.noScaleUp().size() == 1 ? "" : "s")
                + " without scale-up";
    }

    private static String podList(List<String> pods) {
        if (pods.size() <= PODS_SHOWN) {
            return String.join(", ", pods);
        }
        return String.join(", ", pods.subList(0, PODS_SHOWN)) + " (+" + (pods.size() - PODS_SHOWN) + " more)";
    }
}
