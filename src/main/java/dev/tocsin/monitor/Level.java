package dev.tocsin.monitor;

/** How a check came out, from best to worst; {@code MAINTENANCE} when its service is in a maintenance window. */
enum Level {
    UP, WARNING, CRITICAL, MAINTENANCE;

    String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    Level worst(Level other) {
        return other.ordinal() > ordinal() && other != MAINTENANCE ? other : this;
    }
}
