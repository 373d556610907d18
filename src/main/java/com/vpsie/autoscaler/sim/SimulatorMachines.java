package com.vpsie.autoscaler.sim;

import com.vpsie.autoscaler.model.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The VPSie simulator's running workers as machines for {@link SimulatedKubelets}. */
public final class SimulatorMachines implements Supplier<List<SimulatedKubelets.Machine>> {

    private final SimCloud cloud;
    private final String providerIdPrefix;

    public SimulatorMachines(SimCloud cloud, String providerIdPrefix) {
        this.cloud = cloud;
        this.providerIdPrefix = providerIdPrefix;
    }

    @Override
    public List<SimulatedKubelets.Machine> get() {
        List<SimulatedKubelets.Machine> machines = new ArrayList<>();
        for (SimCloud.RunningWorker w : cloud.runningWorkers()) {
            // a kubelet reserves some of the machine for the system, as a real node's allocatable shows
            long cpu = w.offer() == null ? 2000 : w.offer().cpu() * 1000L - 100;
            long memory = w.offer() == null ? 4L << 30 : (w.offer().ram() - 256L) * 1024 * 1024;
            machines.add(new SimulatedKubelets.Machine(w.groupName(), w.node().hostname(),
                    providerIdPrefix + w.node().identifier(), w.node().boxsizeId(), new Resources(cpu, memory, 0, 110),
                    w.node().ip()));
        }
        return machines;
    }
}
