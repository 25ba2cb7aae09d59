package dev.tocsin.timeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import dev.tocsin.jdbc.SqlTime;
import dev.tocsin.jdbc.TransactionBound;
import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one append-only, hash-chained ledger that every feature writes to.
 *
 * <p>A writing use case calls {@link #lock()} first: it takes the row lock on the chain head, which
 * serialises writers across nodes and, taken first, rules out lock-order deadlocks. Appended events are
 * buffered and written in one batch just before the transaction commits, together with the new head.
 *
 * <p>Within a node, writers also queue on an in-process lock, held until the database has committed or rolled back
 * the transaction. H2 (2.3 to 2.5) loses an update when a transaction takes a row lock while the previous holder's
 * commit is still under way and then rolls back: the rollback can restore the row as it was before that commit. On
 * the head, every later append then collided with an entry already stored (docs/deployment.md, "H2 and rolled-back
 * locks"). With the in-process lock, nobody touches the head until its last holder has finished; {@link #repairHead}
 * mends a file that H2 left so.
 */
@Service
public class Timeline {

    private static final Logger log = LoggerFactory.getLogger(Timeline.class);
    private static final Object CURSOR_KEY = new Object();
    private static final int IDS_PER_QUERY = 500;
    /** Fair, as the database's lock queue: a request acknowledging an incident is not overtaken by intake batches. */
    private final ReentrantLock inProcess = new ReentrantLock(true);

    private final TimelineRepository repository;
    private final JsonMapper json;
    private final Clock clock;
    private final TransactionTemplate startup;
    /** How long a writer waits in the process; by default as long as H2's own lock timeout (LOCK_TIMEOUT in its URL). */
    private final Duration lockTimeout;

    Timeline(TimelineRepository repository, JsonMapper json, Clock clock, TransactionTemplate startup,
             @Value("${tocsin.timeline.lock-timeout:10s}") Duration lockTimeout) {
        this.repository = repository;
        this.json = json;
        this.clock = clock;
        this.startup = startup;
        this.lockTimeout = lockTimeout;
    }

    /**
     * Moves the head over entries stored past it that chain from it, as a head left behind by H2 (see the class
     * comment) has them; every append would collide with them otherwise. Runs at start, before anything appends, and
     * notes what it did on the timeline. An entry that does not chain is left for verification to name.
     */
    @PostConstruct
    void repairHead() {
        startup.executeWithoutResult(status -> {
            Cursor cursor = cursor();
            long headWas = cursor.seq;
            for (TimelineRepository.StoredRow r : repository.rows(cursor.seq, 10_000)) {
                if (r.seq() != cursor.seq + 1 || !r.prevHash().equals(cursor.hash) || !r.hashHolds()) {
                    break;
                }
                cursor.seq = r.seq();
                cursor.hash = r.hash();
            }
            if (cursor.seq > headWas) {
                log.warn("event=timeline.head_repaired head_was={} head_now={} action=\"none: the entries past the head "
                        + "chained from it; see docs/deployment.md#h2-and-rolled-back-locks\"", headWas, cursor.seq);
                append(new NewEvent("timeline.head_repaired", Actor.system("timeline"), null, null, null,
                        Map.of("head_was", headWas, "head_now", cursor.seq)));
            }
        });
    }

    /** Takes the chain head for the current transaction; cheap to call again. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void lock() {
        cursor();
    }

    /** Appends an event and returns its sequence number; it becomes visible when the surrounding transaction commits. */
    @Transactional(propagation = Propagation.MANDATORY)
    public long append(NewEvent event) {
        Cursor cursor = cursor();
        Instant at = SqlTime.truncate(clock.instant());
        String data = json.writeValueAsString(event.data());
        long seq = cursor.seq + 1;
        String hash = ChainHash.of(seq, at, event.kind(), event.actor().value(), event.incidentId(),
                event.alertId(), event.serviceId(), data, cursor.hash);
        cursor.pending.add(new TimelineRepository.StoredRow(seq, at, event.kind(), event.actor().value(),
                event.incidentId(), event.alertId(), event.serviceId(), data, cursor.hash, hash));
        cursor.seq = seq;
        cursor.hash = hash;
        return seq;
    }

    /**
     * Writes the events appended so far, now rather than just before the commit, so that a failure to write them
     * surfaces in the caller's code instead of in the commit. Later appends are written at the commit as usual.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void flush() {
        write(cursor());
    }

    @Transactional(readOnly = true)
    public List<TimelineEvent> forIncident(long incidentId, long afterSeq, int limit) {
        return repository.forIncident(incidentId, afterSeq, limit);
    }

    /**
     * The incident's newest {@code limit} entries, oldest first: an incident's page shows how it stands now, however
     * many entries came before (an alert storm's incident has thousands).
     */
    @Transactional(readOnly = true)
    public List<TimelineEvent> latestForIncident(long incidentId, int limit) {
        List<TimelineEvent> newestFirst = new ArrayList<>(repository.latestForIncident(incidentId, limit));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /**
     * The entries of {@code kinds} of each incident, in chain order, read in one query per {@value #IDS_PER_QUERY}
     * incidents rather than one per incident, and whole: a cut-off at some number of entries would lose the latest.
     */
    @Transactional(readOnly = true)
    public Map<Long, List<TimelineEvent>> ofKinds(Collection<Long> incidentIds, Collection<String> kinds) {
        Map<Long, List<TimelineEvent>> byIncident = new HashMap<>();
        List<Long> ids = List.copyOf(new LinkedHashSet<>(incidentIds));
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            for (TimelineEvent e : repository.ofKinds(ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY)), kinds)) {
                byIncident.computeIfAbsent(e.incidentId(), k -> new ArrayList<>()).add(e);
            }
        }
        return byIncident;
    }

    /** Whether the incident's timeline has an entry of this kind, however far back. */
    @Transactional(readOnly = true)
    public boolean hasKind(long incidentId, String kind) {
        return repository.hasKind(incidentId, kind);
    }

    @Transactional(readOnly = true)
    public List<TimelineEvent> page(long afterSeq, int limit) {
        return repository.page(afterSeq, limit);
    }

    /**
     * Walks the whole chain from the first entry and names the first one whose hash or link does not hold. The head
     * is read first and the walk stops there: entries that writers append meanwhile (timers fire while an auditor
     * verifies) are left for the next verification instead of looking like a chain that lost its end.
     */
    @Transactional(readOnly = true)
    public ChainVerification verify() {
        return walk(repository);
    }

    /**
     * Walks the chain of a database that no Tocsin runs on: {@code tocsin copy-database} checks the copy it made
     * before any node starts on it.
     */
    public static ChainVerification verify(DataSource database) {
        JdbcTemplate template = new JdbcTemplate(database);
        return walk(new TimelineRepository(JdbcClient.create(template), template, JsonMapper.shared()));
    }

    private static ChainVerification walk(TimelineRepository repository) {
        TimelineRepository.Head head = repository.head();
        String prevHash = ChainHash.GENESIS;
        long expectedSeq = 1;
        long count = 0;
        walk:
        while (count < head.seq()) {
            List<TimelineRepository.StoredRow> rows = repository.rows(expectedSeq - 1, 1000);
            if (rows.isEmpty()) {
                break;
            }
            for (TimelineRepository.StoredRow r : rows) {
                if (r.seq() > head.seq()) {
                    break walk;
                }
                if (r.seq() != expectedSeq) {
                    return broken(count, prevHash, expectedSeq, "entry " + expectedSeq + " is missing (next found is " + r.seq() + ")");
                }
                if (!r.prevHash().equals(prevHash)) {
                    return broken(count, prevHash, r.seq(), "prev_hash does not match the hash of entry " + (r.seq() - 1));
                }
                if (!r.hashHolds()) {
                    return broken(count, prevHash, r.seq(), "content does not match its hash: the entry was altered");
                }
                prevHash = r.hash();
                expectedSeq++;
                count++;
            }
        }
        if (head.seq() != count || !head.hash().equals(prevHash)) {
            return broken(count, prevHash, count + 1, "the chain ends at entry " + count + " but the head says "
                    + head.seq() + ": entries were removed from the end");
        }
        // An entry past the head is either a writer's that committed after the head was read (its head moved with
        // it) or one whose head update was lost, which every later append would collide with.
        List<TimelineRepository.StoredRow> beyond = repository.rows(head.seq(), 1);
        if (!beyond.isEmpty() && repository.head().seq() < beyond.get(0).seq()) {
            long seq = beyond.get(0).seq();
            return broken(count, prevHash, seq, "entry " + seq + " is stored but the head says " + head.seq()
                    + ": the head lost a write, and the next entry appended will collide with it");
        }
        return new ChainVerification(true, count, prevHash, null);
    }

    private static ChainVerification broken(long count, String hash, long seq, String reason) {
        return new ChainVerification(false, count, hash, new ChainVerification.Broken(seq, reason));
    }

    /** This transaction's cursor, taken with the head's locks on first use and written just before it commits. */
    private Cursor cursor() {
        return TransactionBound.get(CURSOR_KEY, this::takeHead, this::write);
    }

    private Cursor takeHead() {
        try {
            if (!inProcess.tryLock(lockTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new CannotAcquireLockException("other writers held the timeline for over "
                        + lockTimeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CannotAcquireLockException("interrupted while waiting for the timeline", e);
        }
        try {
            TransactionSynchronizationManager.registerSynchronization(new InProcessRelease());
        } catch (RuntimeException noSynchronization) {
            inProcess.unlock(); // held by nobody's transaction, it would stop every writer of the node
            throw noSynchronization;
        }
        TimelineRepository.Head head = repository.lockHead();
        return new Cursor(head.seq(), head.hash());
    }

    private void write(Cursor cursor) {
        if (!cursor.pending.isEmpty()) {
            repository.insertAll(cursor.pending, new TimelineRepository.Head(cursor.seq, cursor.hash));
            cursor.pending.clear();
        }
    }

    /**
     * Lets the in-process lock go once the database has committed or rolled back the transaction, also when taking the
     * row lock failed. First among the after-commit work, which runs without the lock: a change's live updates to
     * browsers, however slow a browser reads them, do not hold up the node's other writers.
     */
    private final class InProcessRelease implements TransactionSynchronization {
        private boolean released;

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }

        @Override
        public void afterCommit() {
            release();
        }

        @Override
        public void afterCompletion(int status) {
            release();
        }

        private void release() {
            if (!released) {
                released = true;
                inProcess.unlock();
            }
        }
    }

    /** The chain head as this transaction sees it, plus the events it has appended but not yet written. */
    private static final class Cursor {
        long seq;
        String hash;
        final List<TimelineRepository.StoredRow> pending = new ArrayList<>();

        Cursor(long seq, String hash) {
            this.seq = seq;
            this.hash = hash;
        }
    }
}
