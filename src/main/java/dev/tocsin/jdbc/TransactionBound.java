package dev.tocsin.jdbc;

import java.util.function.Consumer;
import java.util.function.Supplier;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A value that lives as long as the current transaction: made on first use, set aside while a transaction started
 * inside this one runs (REQUIRES_NEW; Spring suspends only the resources it binds itself), and dropped when the
 * transaction ends. The caller checks that a transaction is active.
 */
public final class TransactionBound {

    private TransactionBound() {
    }

    /**
     * The value bound under {@code key}, made by {@code create} if there is none; {@code beforeCommit}, which may be
     * null, is given it just before the transaction commits.
     */
    @SuppressWarnings("unchecked")
    public static <T> T get(Object key, Supplier<T> create, Consumer<? super T> beforeCommit) {
        T value = (T) TransactionSynchronizationManager.getResource(key);
        if (value != null) {
            return value;
        }
        T bound = create.get();
        TransactionSynchronizationManager.bindResource(key, bound);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void suspend() {
                TransactionSynchronizationManager.unbindResourceIfPossible(key);
            }

            @Override
            public void resume() {
                TransactionSynchronizationManager.bindResource(key, bound);
            }

            @Override
            public void beforeCommit(boolean readOnly) {
                if (beforeCommit != null) {
                    beforeCommit.accept(bound);
                }
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(key);
            }
        });
        return bound;
    }
}
