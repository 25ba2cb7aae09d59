package dev.tocsin.monitor;

/** A monitor's checks moved to another level (up, warning, critical, maintenance): for live pages and caches. */
public record MonitorLevelChanged(String monitorId, String serviceId, String level) {
}
