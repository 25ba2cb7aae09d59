package dev.tocsin.jdbc;

import java.util.Map;

import dev.tocsin.ApiTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Writes that wait must be invisible as waiting: every later statement of the transaction finds them, the commit sends
 * what no statement followed, a rollback sends nothing, and a write that fails fails its own transaction.
 */
class DeferredWritesTest extends ApiTest {

    private static final String INSERT = "INSERT INTO deferred_probe (id, note) VALUES (:id, :note)";

    @Autowired
    DeferredWrites deferred;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PlatformTransactionManager transactions;

    @BeforeEach
    void probeTable() {
        jdbc.sql("CREATE TABLE IF NOT EXISTS deferred_probe (id BIGINT PRIMARY KEY, note VARCHAR(20))").update();
        jdbc.sql("DELETE FROM deferred_probe").update();
    }

    @Test
    void theNextStatementOfTheTransactionFindsThem() {
        long seen = new TransactionTemplate(transactions).execute(status -> {
            deferred.write(DeferredWrites.Kind.INSERT_ALERT, INSERT, Map.of("id", 1, "note", "one"));
            deferred.write(DeferredWrites.Kind.INSERT_ALERT, INSERT, Map.of("id", 2, "note", "two"));
            return jdbc.sql("SELECT COUNT(*) FROM deferred_probe").query(Long.class).single();
        });
        assertThat(seen).isEqualTo(2);
    }

    @Test
    void theCommitSendsWhatNoStatementFollowed() {
        new TransactionTemplate(transactions).executeWithoutResult(status ->
                deferred.write(DeferredWrites.Kind.INSERT_ALERT, INSERT, Map.of("id", 3, "note", "last")));
        assertThat(jdbc.sql("SELECT note FROM deferred_probe WHERE id = 3").query(String.class).single()).isEqualTo("last");
    }

    @Test
    void aRollbackSendsNothing() {
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            deferred.write(DeferredWrites.Kind.INSERT_ALERT, INSERT, Map.of("id", 4, "note", "dropped"));
            status.setRollbackOnly();
        });
        new TransactionTemplate(transactions).executeWithoutResult(status ->
                assertThat(jdbc.sql("SELECT COUNT(*) FROM deferred_probe").query(Long.class).single()).isZero());
    }

    @Test
    void aFailingWriteFailsItsTransactionAtTheLatestAtTheCommit() {
        jdbc.sql("INSERT INTO deferred_probe (id, note) VALUES (5, 'first')").update();
        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
            deferred.write(DeferredWrites.Kind.INSERT_ALERT, INSERT, Map.of("id", 6, "note", "fine"));
            deferred.write(DeferredWrites.Kind.INSERT_ALERT, INSERT, Map.of("id", 5, "note", "duplicate"));
        })).isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM deferred_probe").query(Long.class).single())
                .as("the good row went with the bad one").isEqualTo(1);
    }

    @Test
    void waitingWritesAreSentKindByKindInTheirOrder() {
        long updated = new TransactionTemplate(transactions).execute(status -> {
            // Added in the opposite order: the later kind (an update) must still run after the insert it depends on.
            deferred.write(DeferredWrites.Kind.ALERT_REPEAT,
                    "UPDATE deferred_probe SET note = :note WHERE id = :id", Map.of("id", 7, "note", "updated"));
            deferred.write(DeferredWrites.Kind.INSERT_ALERT, INSERT, Map.of("id", 7, "note", "inserted"));
            return jdbc.sql("SELECT COUNT(*) FROM deferred_probe WHERE note = 'updated'").query(Long.class).single();
        });
        assertThat(updated).isEqualTo(1);
    }

    @Test
    void aTransactionStartedInsideNeitherSendsNorSeesTheOuterOnesWrites() {
        TransactionTemplate inner = new TransactionTemplate(transactions);
        inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        long seenInside = new TransactionTemplate(transactions).execute(status -> {
            deferred.write(DeferredWrites.Kind.INSERT_ALERT, INSERT, Map.of("id", 8, "note", "outer"));
            long seen = inner.execute(s -> jdbc.sql("SELECT COUNT(*) FROM deferred_probe").query(Long.class).single());
            status.setRollbackOnly();
            return seen;
        });
        assertThat(seenInside).as("rows the inner transaction saw").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM deferred_probe").query(Long.class).single())
                .as("rows left after the outer transaction rolled back").isZero();
    }
}
