package dev.tocsin.monitor;

/** For tests outside this package (the UI's, the status page's): what the engine's loop does, on demand. */
public final class MonitorTestSupport {

    private MonitorTestSupport() {
    }

    /** Takes this node's monitor leases and starts what it holds. */
    public static void housekeeping(MonitorEngine engine) {
        engine.housekeeping();
    }

    /** Writes back states and finished minutes. */
    public static void flush(MonitorEngine engine) {
        engine.flush();
    }
}
