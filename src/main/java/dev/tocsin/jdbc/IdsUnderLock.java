package dev.tocsin.jdbc;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.springframework.transaction.support.TransactionSynchronization;
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
        @SuppressWarnings("unchecked")
        Map<String, long[]> last = (Map<String, long[]>) TransactionSynchronizationManager.getResource(RESOURCE);
        if (last == null) {
            Map<String, long[]> bound = new HashMap<>();
            TransactionSynchronizationManager.bindResource(RESOURCE, bound);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                // A transaction started inside this one (REQUIRES_NEW) holds no lock of ours: it reads for itself.
                @Override
                public void suspend() {
                    TransactionSynchronizationManager.unbindResourceIfPossible(RESOURCE);
                }

                @Override
                public void resume() {
                    TransactionSynchronizationManager.bindResource(RESOURCE, bound);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(RESOURCE);
                }
            });
            last = bound;
        }
        long[] id = last.computeIfAbsent(table, t -> new long[] {highest.getAsLong()});
        return ++id[0];
    }
}
