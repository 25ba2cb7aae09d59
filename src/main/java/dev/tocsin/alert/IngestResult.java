package dev.tocsin.alert;

/** What became of one intake event: the key it was filed under and what changed. */
record IngestResult(String dedupKey, Outcome outcome, Long alertId, Long incidentId) {

    enum Outcome { CREATED, REPEATED, ACKNOWLEDGED, RESOLVED, UNCHANGED, RECORDED }
}
