package dev.tocsin.alert;

/** What became of one intake event: the key it was filed under and what changed. */
public record IngestResult(String dedupKey, Outcome outcome, Long alertId, Long incidentId) {

    public enum Outcome { CREATED, REPEATED, ACKNOWLEDGED, RESOLVED, UNCHANGED, RECORDED }
}
