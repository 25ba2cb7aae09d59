package dev.tocsin.config;

import java.util.List;

/**
 * An on-call schedule as written in the configuration file. Values stay text here: the on-call feature parses and
 * validates them into its own model and reports each bad field with its path.
 */
public record ScheduleSpec(String id, String timeZone, List<LayerSpec> layers, List<OverrideSpec> overrides) {

    public record LayerSpec(String name, RotationSpec rotation, List<RestrictionSpec> restrictions) {
    }

    /** {@code kind}: hourly, daily or weekly; {@code start}: the first hand-off, local time (2026-01-05T09:00). */
    public record RotationSpec(String kind, Integer every, List<String> users, String start) {
    }

    /** {@code days}: monday … sunday; {@code from}/{@code to}: local times, {@code to} before {@code from} spans midnight. */
    public record RestrictionSpec(List<String> days, String from, String to) {
    }

    public record OverrideSpec(String user, String start, String end, String replaces) {
    }
}
