package dev.tocsin.monitor;

/**
 * Check results summed over a span: counts per level and a latency histogram, so that spans add up (minutes into
 * hours into days) and percentiles can be read at any grain, to the resolution of the buckets.
 */
final class Rollup {

    /** Upper bounds (ms) of the latency buckets; the last bucket is everything slower. */
    static final long[] BOUNDS = {10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

    int checks;
    int ups;
    int warnings;
    int criticals;
    int maintenances;
    long latencySum;
    long latencyMax;
    final int[] buckets = new int[BOUNDS.length + 1];

    void add(CheckResult r) {
        checks++;
        switch (r.level()) {
            case UP -> ups++;
            case WARNING -> warnings++;
            case CRITICAL -> criticals++;
            case MAINTENANCE -> maintenances++;
        }
        latencySum += r.latencyMs();
        latencyMax = Math.max(latencyMax, r.latencyMs());
        int i = 0;
        while (i < BOUNDS.length && r.latencyMs() > BOUNDS[i]) {
            i++;
        }
        buckets[i]++;
    }

    void add(Rollup o) {
        checks += o.checks;
        ups += o.ups;
        warnings += o.warnings;
        criticals += o.criticals;
        maintenances += o.maintenances;
        latencySum += o.latencySum;
        latencyMax = Math.max(latencyMax, o.latencyMax);
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += o.buckets[i];
        }
    }

    /**
     * Share of checks that were up (a warning counts as up: the service answered), maintenance left out; null when
     * nothing was checked.
     */
    Double uptime() {
        int counted = checks - maintenances;
        return counted <= 0 ? null : (ups + warnings) / (double) counted;
    }

    /** The latency at or under which {@code p} (0-1) of the checks came back: a bucket's upper bound. */
    Long percentile(double p) {
        if (checks == 0) {
            return null;
        }
        long rank = (long) Math.ceil(p * checks);
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return i < BOUNDS.length ? Math.min(BOUNDS[i], latencyMax) : latencyMax;
            }
        }
        return latencyMax;
    }

    Long averageLatency() {
        return checks == 0 ? null : latencySum / checks;
    }
}
