package dev.tocsin.config;

/**
 * A maintenance window (seed 004's MAINTENANCE_MODE, scheduled): from {@code start} to {@code end} (ISO 8601
 * instants) the service's monitors raise no alerts, and their results count as maintenance, not downtime.
 */
public record MaintenanceSpec(String service, String start, String end, String reason) {
}
