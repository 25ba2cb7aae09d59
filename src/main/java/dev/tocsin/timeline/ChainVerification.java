package dev.tocsin.timeline;

/** The result of walking the chain: how many entries were checked and the first one that does not hold. */
public record ChainVerification(boolean ok, long entries, String headHash, Broken firstBroken) {

    public record Broken(long seq, String reason) {
    }
}
