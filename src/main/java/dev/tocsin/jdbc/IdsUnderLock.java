package dev.tocsin.jdbc;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Ids taken as "highest id + 1" by a transaction that holds the lock serialising every writer of the table (the
 * timeline lock, for alerts and incidents). The highest id is read once per transaction and table, and counted on in
 * memory after that: no other transaction can insert until this one ends, so the count stays true, and it is dropped
 * when the transaction ends. A batch of intake events thus reads each table's highest id once, not once per row, which
 * on PostgreSQL is a round trip per row saved.
 */
public final class IdsUnderLock {

    private static final Object RESOURCE = IdsUnderLock.class;

    private IdsUnderLock() {
    }

    /**
     * The next id of {@code table}; {@code highest} reads its highest id so far (0 when empty), and runs once per
     * transaction. Outside a transaction every call reads it.
     */
    public static long next(String table, LongSupplier highest) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return highest.getAsLong() + 1;
        }
        Map<String, long[]> last = TransactionBound.get(RESOURCE, HashMap::new, null);
        long[] id = last.computeIfAbsent(table, t -> new long[] {highest.getAsLong()});
        return ++id[0];
    }
}
