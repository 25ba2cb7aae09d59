package dev.tocsin.timeline;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.tocsin.jdbc.SqlTime;
import dev.tocsin.jdbc.TransactionBound;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one append-only, hash-chained ledger that every feature writes to.
 *
 * <p>A writing use case calls {@link #lock()} first: it takes the row lock on the chain head, which
 * serialises writers across nodes and, taken first, rules out lock-order deadlocks. Appended events are
 * buffered and written in one batch just before the transaction commits, together with the new head.
 */
@Service
public class Timeline {

    private static final Object CURSOR_KEY = new Object();

    private final TimelineRepository repository;
    private final JsonMapper json;
    private final Clock clock;

    Timeline(TimelineRepository repository, JsonMapper json, Clock clock) {
        this.repository = repository;
        this.json = json;
        this.clock = clock;
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
                String expected = ChainHash.of(r.seq(), r.occurredAt(), r.kind(), r.actor(), r.incidentId(),
                        r.alertId(), r.serviceId(), r.data(), r.prevHash());
                if (!expected.equals(r.hash())) {
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

    /** This transaction's cursor, taken with the head's row lock on first use and written just before it commits. */
    private Cursor cursor() {
        return TransactionBound.get(CURSOR_KEY, () -> {
            TimelineRepository.Head head = repository.lockHead();
            return new Cursor(head.seq(), head.hash());
        }, this::write);
    }

    private void write(Cursor cursor) {
        if (!cursor.pending.isEmpty()) {
            repository.insertAll(cursor.pending, new TimelineRepository.Head(cursor.seq, cursor.hash));
            cursor.pending.clear();
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
