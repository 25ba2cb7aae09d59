package dev.tocsin.monitor;

/** For tests outside this package (the UI's): take this node's monitor leases, as the engine's loop would. */
public final class MonitorTestSupport {

    private MonitorTestSupport() {
    }

    public static void housekeeping(MonitorEngine engine) {
        engine.housekeeping();
    }
}
