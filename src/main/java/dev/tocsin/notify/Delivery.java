package dev.tocsin.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the outbox. A dispatcher thread wakes when a transaction that enqueued a message commits (and at least once
 * per poll interval, for retries and other nodes' rows), groups the due rows by destination, and hands each
 * destination to a sender thread, which sends that destination's messages in order:
 * <ul>
 * <li>each request first leases its rows (SKIP LOCKED), so nodes never send the same row at once; a node that dies
 * mid-send loses its lease and the row goes once more;</li>
 * <li>a circuit breaker per destination stops sending to one that keeps failing, and lets one message through after
 * the cool-down to see whether it is back;</li>
 * <li>a destination's rate limit (Discord 5 per 5 s) is never exceeded, by all nodes together: its window is a row
 * that each request takes room from in the transaction that leases its messages; when more messages wait than the
 * window has room for, they are combined into fewer requests rather than dropped;</li>
 * <li>failures are retried with exponential back-off and jitter, or after the destination's Retry-After; a 429, or a
 * 503 with a Retry-After, holds the whole destination back on every node until then; a refusal (4xx) fails the
 * message at once, with its reason on the incident's timeline, until retried by hand.</li>
 * </ul>
 */
@Component
public class Delivery implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);
    private static final int BATCH_READ = 500;
    private static final int PER_DESTINATION_READ = 100;
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    /** Slack's own hint for "ratelimited", and the smallest window any provider's rate limit counts in. */
    private static final Duration LEAST_THROTTLED_WAIT = Duration.ofSeconds(1);
    private static final TypeReference<LinkedHashMap<String, Object>> FACTS = new TypeReference<>() {
    };

    private final OutboxRepository repository;
    private final Destinations destinations;
    private final Templates templates;
    private final Payloads payloads;
    private final HttpSender http;
    private final SmtpSender smtp;
    private final CircuitBreakerRegistry breakers;
    private final CircuitBreakerConfig breakerConfig;
    private final Timeline timeline;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final boolean enabled;
    private final int senderThreads;
    private final Duration poll;
    private final Duration lease;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final String owner;

    /** When (System.nanoTime) each rate-limited destination's window, as last read, has room again. */
    private final Map<String, Long> windowRoomAt = new ConcurrentHashMap<>();
    /** Destinations whose delivery_window row is known to exist. */
    private final Set<String> windowRows = ConcurrentHashMap.newKeySet();
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean running;
    private Thread dispatcher;
    private ExecutorService senders;

    Delivery(OutboxRepository repository, Destinations destinations, Templates templates, Payloads payloads,
             HttpSender http, SmtpSender smtp, CircuitBreakerRegistry breakers, Timeline timeline, TransactionTemplate tx,
             JsonMapper json, Clock clock, MeterRegistry meters,
             @Value("${tocsin.delivery.enabled:true}") boolean enabled,
             @Value("${tocsin.delivery.senders:8}") int senderThreads,
             @Value("${tocsin.delivery.poll-interval:1s}") Duration poll,
             @Value("${tocsin.delivery.lease:2m}") Duration lease,
             @Value("${tocsin.delivery.max-attempts:10}") int maxAttempts,
             @Value("${tocsin.delivery.backoff:10s}") Duration backoff,
             @Value("${tocsin.delivery.max-backoff:10m}") Duration maxBackoff,
             @Value("${tocsin.delivery.circuit.failures:3}") int circuitFailures,
             @Value("${tocsin.delivery.circuit.open-for:30s}") Duration circuitOpenFor,
             @Value("${tocsin.node-name:}") String nodeName) {
        this.repository = repository;
        this.destinations = destinations;
        this.templates = templates;
        this.payloads = payloads;
        this.http = http;
        this.smtp = smtp;
        this.breakers = breakers;
        this.timeline = timeline;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
        this.enabled = enabled;
        this.senderThreads = senderThreads;
        this.poll = poll;
        this.lease = lease;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
        // Unique to this process: a lease is recorded against only by its holder, and nodes in containers (pid 1
        // everywhere) or with the same name would otherwise pass for one another.
        this.owner = (nodeName.isBlank() ? "node" : nodeName) + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        // Seed 000: a breaker opens after repeated failures and recovers by itself after 30-60 s. Our clock decides
        // when the cool-down is over, so tests can turn it.
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindow(circuitFailures, circuitFailures, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(100)
                .waitDurationInOpenState(circuitOpenFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                .clock(clock)
                .build();
    }

    /** Look for due messages now: a transaction that enqueued one has committed, or a message was retried. */
    public void wake() {
        signal.release();
    }

    /** The breaker of a destination: created on first use, reported by /api/health/deep. */
    CircuitBreaker breaker(String destinationKey) {
        return breakers.circuitBreaker("notify:" + destinationKey, breakerConfig);
    }

    /** Until when a destination has asked us to wait (the Retry-After of a 429 or a 503); empty if it has not. */
    Optional<Instant> pausedUntil(String destinationKey) {
        return repository.pausedUntil(destinationKey, clock.instant());
    }

    /**
     * One pass on the calling thread: sends what is due now, as far as rate limits and breakers allow. Returns the
     * number of requests made. Tests and the command line use it; the application runs passes on its own thread.
     */
    public int deliverDue() {
        AtomicInteger requests = new AtomicInteger();
        for (Map.Entry<String, List<OutboxMessage>> e : dueByDestination().entrySet()) {
            if (busy.add(e.getKey())) {
                try {
                    requests.addAndGet(sendTo(e.getKey(), e.getValue()));
                } finally {
                    busy.remove(e.getKey());
                }
            }
        }
        return requests.get();
    }

    /**
     * Sends what is due for one destination now, on the calling thread ("send test"); does nothing if a sender is
     * already working on that destination, which will then send it.
     */
    int deliverTo(String destinationKey) {
        if (!busy.add(destinationKey)) {
            return 0;
        }
        try {
            List<OutboxMessage> rows = repository.due(destinationKey, clock.instant(), BATCH_READ);
            return rows.isEmpty() ? 0 : sendTo(destinationKey, rows);
        } finally {
            busy.remove(destinationKey);
        }
    }

    /**
     * Passes until nothing is due now, waiting out rate-limit windows, for at most {@code max}. True if the outbox
     * had nothing due left (messages retrying later do not count).
     */
    public boolean drain(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            deliverDue();
            Map<String, List<OutboxMessage>> due = dueByDestination();
            if (due.isEmpty()) {
                return true;
            }
            sleep(Math.max(10, Math.min(limiterWait(due.keySet()).toMillis(), 200)));
        }
        return false;
    }

    /**
     * What is due, by destination, the destination with the oldest message first. Each destination's first messages
     * come before any's later ones, so a backlog at one (its circuit open, its rate limit full) cannot hide the
     * others' messages, pages to the people on call among them.
     */
    private Map<String, List<OutboxMessage>> dueByDestination() {
        Map<String, List<OutboxMessage>> byDestination = new LinkedHashMap<>();
        for (OutboxMessage m : repository.dueFairly(clock.instant(), PER_DESTINATION_READ, BATCH_READ)) {
            byDestination.computeIfAbsent(m.destination(), k -> new ArrayList<>()).add(m);
        }
        return byDestination;
    }

    /** Sends a destination's due messages in order; returns the number of requests made. */
    private int sendTo(String key, List<OutboxMessage> rows) {
        Destinations.Resolution resolution = destinations.resolve(key);
        if (resolution.destination() == null) {
            List<OutboxMessage> claimed = claim(key, null, rows).rows();
            if (!claimed.isEmpty()) {
                record(claimed, Outcome.failed(null, resolution.problem()), 1, claimed.get(0).channel(), null);
            }
            return 0;
        }
        Destinations.Destination d = resolution.destination();
        int room = Integer.MAX_VALUE;
        if (d.limit() != null) {
            ensureWindowRow(key);
            OutboxRepository.Window stored = repository.window(key);
            room = remember(key, SlidingWindowLimit.parse(d.limit(), stored.sends()), stored.now());
        }
        CircuitBreaker breaker = breaker(key);
        int requests = 0;
        for (List<OutboxMessage> chunk : plan(rows, room, d.kind().batchCapacity())) {
            if (!breaker.tryAcquirePermission()) {
                break;
            }
            Claim claim = claim(key, d.limit(), chunk);
            if (claim.windowFull()) {
                breaker.releasePermission();
                break; // other nodes took the room this pass planned with
            }
            List<OutboxMessage> claimed = claim.rows();
            if (claimed.isEmpty()) {
                breaker.releasePermission();
                continue;
            }
            long start = System.nanoTime();
            Outcome outcome = send(d, claimed);
            long nanos = System.nanoTime() - start;
            if (outcome.destinationFault()) {
                breaker.onError(nanos, TimeUnit.NANOSECONDS, new DeliveryFailure(outcome.reason()));
            } else if (outcome.result() == Outcome.Result.RETRY) {
                breaker.releasePermission();
            } else {
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            }
            if (outcome.holdsDestination()) {
                ensureWindowRow(key); // where the wait is kept for every node
            }
            record(claimed, outcome, claimed.size(), d.kind().wire, claim.slot());
            requests++;
            if (outcome.result() == Outcome.Result.RETRY) {
                break; // the rest of this destination waits for the next pass rather than hammering it
            }
        }
        return requests;
    }

    /** How long until the first full rate-limit window among these destinations has room; zero if none is full. */
    private Duration limiterWait(Set<String> keys) {
        Duration wait = Duration.ZERO;
        long now = System.nanoTime();
        for (String key : keys) {
            Long roomAt = windowRoomAt.get(key);
            Duration d = roomAt == null || roomAt - now <= 0 ? Duration.ZERO : Duration.ofNanos(roomAt - now);
            if (!d.isZero() && (wait.isZero() || d.compareTo(wait) < 0)) {
                wait = d;
            }
        }
        return wait;
    }

    /** Keeps where a destination's window stands for the dispatcher's wait; returns its room now. */
    private int remember(String key, SlidingWindowLimit window, Instant databaseNow) {
        windowRoomAt.put(key, System.nanoTime() + window.untilAvailable(databaseNow).toNanos());
        return window.available(databaseNow);
    }

    /** The window row a destination's requests take room from and its Retry-After is kept in, added on first use. */
    private void ensureWindowRow(String key) {
        if (windowRows.contains(key)) {
            return;
        }
        try {
            tx.executeWithoutResult(status -> {
                if (!repository.hasWindow(key)) {
                    repository.addWindow(key);
                }
            });
        } catch (DataIntegrityViolationException anotherNodeAddedItFirst) {
            // it exists, which is all we need
        }
        windowRows.add(key);
    }

    /**
     * The requests to make now. Without a rate limit ({@code room} unbounded) every message goes alone. With one, as
     * many alone as the window has room for; if more wait than that, they share requests (up to {@code capacity}
     * messages each) so that the window's room is enough, and anything beyond waits for the window to move.
     */
    static List<List<OutboxMessage>> plan(List<OutboxMessage> rows, int room, int capacity) {
        List<List<OutboxMessage>> out = new ArrayList<>();
        if (room <= 0) {
            return out;
        }
        if (rows.size() <= room || capacity <= 1) {
            for (int i = 0; i < rows.size() && i < room; i++) {
                out.add(List.of(rows.get(i)));
            }
            return out;
        }
        int requests = Math.min(room, (rows.size() + capacity - 1) / capacity);
        int perRequest = Math.min(capacity, (rows.size() + requests - 1) / requests);
        for (int i = 0; i < requests; i++) {
            int from = i * perRequest;
            if (from >= rows.size()) {
                break;
            }
            out.add(List.copyOf(rows.subList(from, Math.min(rows.size(), from + perRequest))));
        }
        return out;
    }

    /**
     * What a claim leased; {@code windowFull}: nothing, because the destination's rate-limit window had no room.
     * {@code slot}: the room the request took in its window, until the request is recorded; null without a limit.
     */
    private record Claim(List<OutboxMessage> rows, boolean windowFull, Slot slot) {
    }

    /** The send a request added to a destination's window, at {@code at} (the database's clock). */
    private record Slot(String destination, TocsinConfig.RateLimit limit, Instant at) {
    }

    /**
     * Leases the rows of one request. With a rate limit, in the same transaction, the request takes its room in the
     * destination's window under the window's row lock, so that all nodes together keep to the limit without a
     * round trip of their own.
     */
    private Claim claim(String key, TocsinConfig.RateLimit limit, List<OutboxMessage> rows) {
        Instant now = clock.instant();
        List<Long> ids = rows.stream().map(OutboxMessage::id).toList();
        return tx.execute(status -> {
            if (limit == null) {
                return new Claim(repository.claim(ids, now, now.plus(lease), owner), false, null);
            }
            OutboxRepository.Window stored = repository.lockWindow(key);
            SlidingWindowLimit window = SlidingWindowLimit.parse(limit, stored.sends());
            if (window.available(stored.now()) == 0) {
                remember(key, window, stored.now());
                return new Claim(List.of(), true, null);
            }
            List<OutboxMessage> claimed = repository.claim(ids, now, now.plus(lease), owner);
            Slot slot = null;
            if (!claimed.isEmpty()) {
                window = window.recorded(stored.now());
                slot = new Slot(key, limit, window.latest());
                repository.storeSends(key, window.stored());
            }
            remember(key, window, stored.now());
            return new Claim(claimed, false, slot);
        });
    }

    private Outcome send(Destinations.Destination d, List<OutboxMessage> rows) {
        try {
            Templates.Format format = Payloads.format(d.kind());
            List<Payloads.Item> items = new ArrayList<>();
            for (OutboxMessage row : rows) {
                Map<String, Object> facts = facts(row, d);
                items.add(new Payloads.Item(row, render(row, facts, format), facts));
            }
            if (d.kind() == Destinations.Kind.EMAIL) {
                Payloads.Item item = items.get(0);
                return smtp.send(d, payloads.email(item, render(item.row(), item.facts(), Templates.Format.HTML)), item.row());
            }
            String key = rows.size() == 1 ? rows.get(0).idempotencyKey() : "batch:" + rows.get(0).idempotencyKey()
                    + "+" + (rows.size() - 1);
            return http.post(d, payloads.body(d, items, clock.instant()), key);
        } catch (RuntimeException e) {
            // A bug of ours must not wedge the destination: the message fails with the reason and can be retried.
            log.error("event=delivery.failed_to_build destination={} action=\"message marked failed; report this\"",
                    d.key(), e);
            return Outcome.failed(null, "Tocsin could not build the message: " + e.getClass().getSimpleName());
        }
    }

    private Map<String, Object> facts(OutboxMessage row, Destinations.Destination d) {
        Map<String, Object> facts = json.readValue(row.body(), FACTS);
        facts.putIfAbsent("destination", d.key());
        return facts;
    }

    private Templates.Rendered render(OutboxMessage row, Map<String, Object> facts, Templates.Format format) {
        Object severity = facts.get("severity");
        return templates.render(row.purpose(), severity == null ? null : severity.toString(), facts, format);
    }

    /** Stores how a request went for every message it carried; a final failure goes on the incident's timeline. */
    private void record(List<OutboxMessage> claimed, Outcome outcome, int batchSize, String channel, Slot slot) {
        Instant now = clock.instant();
        List<OutboxMessage> rows = tx.execute(status -> {
            if (slot != null) {
                // The provider counts a request when it arrives, which is after the claim took its room (rendering,
                // the connection, a slow first request): counted from then, the next window could open early and a
                // request after it arrive within the provider's window. Its end is after the arrival, so the room is
                // held from then. First in the transaction, as in the claim: the window's lock, then the rows'.
                OutboxRepository.Window stored = repository.lockWindow(slot.destination());
                SlidingWindowLimit window = SlidingWindowLimit.parse(slot.limit(), stored.sends())
                        .moved(slot.at(), stored.now());
                repository.storeSends(slot.destination(), window.stored());
                remember(slot.destination(), window, stored.now());
            }
            // Only what this node still leases: if the request outlived the lease, another node may have taken the
            // message over (and sent it, or be sending it); its outcome is the one that counts.
            Set<Long> held = new HashSet<>(repository.heldBy(idsOf(claimed), owner));
            List<OutboxMessage> mine = claimed.stream().filter(r -> held.contains(r.id())).toList();
            if (!mine.isEmpty()) {
                apply(mine, outcome, batchSize, channel, now);
            }
            return mine;
        });
        if (rows.size() < claimed.size()) {
            log.warn("event=delivery.lease_lost destination={} messages={} outcome={} action=\"none: another node took "
                    + "them over after the lease ran out (tocsin.delivery.lease)\"", claimed.get(0).destination(),
                    idsOf(claimed.stream().filter(r -> !rows.contains(r)).toList()),
                    outcome.result());
        }
        if (rows.isEmpty()) {
            return;
        }
        List<Long> ids = idsOf(rows);
        int attempts = mostAttempts(rows);
        if (outcome.result() != Outcome.Result.SENT) {
            log.warn("event=delivery.{} destination={} messages={} attempts={} reason=\"{}\"",
                    outcome.result() == Outcome.Result.RETRY && (outcome.throttled() || attempts < maxAttempts)
                            ? "retry" : "failed",
                    rows.get(0).destination(), ids, attempts, outcome.reason());
        }
    }

    private void apply(List<OutboxMessage> rows, Outcome outcome, int batchSize, String channel, Instant now) {
        List<Long> ids = idsOf(rows);
        switch (outcome.result()) {
            case SENT -> {
                repository.markSent(ids, now, outcome.status(), batchSize);
                Counter.builder("tocsin.notifications.sent").description("Messages delivered, by channel type")
                        .tag("channel", channel).register(meters).increment(rows.size());
                Timer delivery = Timer.builder("tocsin.notifications.delivery")
                        .description("Time from a message being enqueued to its delivery")
                        .tag("channel", channel).register(meters);
                for (OutboxMessage row : rows) {
                    // The row's time is the writing node's clock and now is ours: with the nodes' clocks apart (a
                    // message written on a node ahead and retried by hand on one behind), this comes out negative,
                    // and Micrometer drops a negative time with a warning, leaving the message out of the count.
                    // Zero is the truth as far as anyone can tell: it went as soon as it could.
                    Duration sinceWritten = Duration.between(row.createdAt(), now);
                    delivery.record(sinceWritten.isNegative() ? Duration.ZERO : sinceWritten);
                }
            }
            case RETRY -> {
                // Each message counts its own attempts: one on its first try may share a batch with one on its
                // last, and only the latter is given up on. A rate limit counts none: the receiver is up and
                // said when, so a message it throttles many times is late, not lost.
                Map<Boolean, List<OutboxMessage>> spent = rows.stream()
                        .collect(Collectors.partitioningBy(r -> !outcome.throttled() && r.attempts() >= maxAttempts));
                if (!spent.get(true).isEmpty()) {
                    List<OutboxMessage> last = spent.get(true);
                    fail(last, idsOf(last), "gave up after " + mostAttempts(last) + " attempts: " + outcome.reason(),
                            outcome.status(), channel);
                }
                List<OutboxMessage> again = spent.get(false);
                if (!again.isEmpty()) {
                    Duration wait = retryWait(outcome, mostAttempts(again));
                    repository.retryLater(idsOf(again), now.plus(wait), outcome.reason(), outcome.status(),
                            outcome.throttled());
                    Counter.builder("tocsin.notifications.retried")
                            .description("Failed delivery attempts that will be retried")
                            .tag("channel", channel).register(meters).increment(again.size());
                }
                if (outcome.holdsDestination()) {
                    // The receiver spoke for the destination, not the message (a 429's limit; a 503 under maintenance,
                    // back at ...): nothing more goes there, from any node, until it said, or each waiting message
                    // would earn the same answer. A throttled batch waits with it (none of it was given up); after a
                    // 503 the destination waits as long as it asked, even if this message was given up, while the
                    // message may wait longer, its back-off being the least wait after a server error.
                    Duration held = outcome.throttled() ? retryWait(outcome, mostAttempts(rows))
                            : clamp(outcome.retryAfter());
                    repository.pause(rows.get(0).destination(), now.plus(held));
                }
            }
            case FAILED -> fail(rows, ids, outcome.reason(), outcome.status(), channel);
        }
    }

    private static List<Long> idsOf(List<OutboxMessage> rows) {
        return rows.stream().map(OutboxMessage::id).toList();
    }

    private static int mostAttempts(List<OutboxMessage> rows) {
        return rows.stream().mapToInt(OutboxMessage::attempts).max().orElse(1);
    }

    private void fail(List<OutboxMessage> rows, List<Long> ids, String reason, Integer status, String channel) {
        repository.markFailed(ids, reason, status);
        Counter.builder("tocsin.notifications.failed").description("Messages given up on or refused by their receiver")
                .tag("channel", channel).register(meters).increment(rows.size());
        boolean locked = false;
        for (OutboxMessage row : rows) {
            if (row.incidentId() == null) {
                continue;
            }
            if (!locked) {
                timeline.lock();
                locked = true;
            }
            Map<String, Object> facts = json.readValue(row.body(), FACTS);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("message_id", row.id());
            data.put("kind", row.purpose());
            data.put("channel", row.channel());
            data.put("destination", row.destination());
            data.put("reason", reason);
            data.put("attempts", row.attempts());
            timeline.append(new NewEvent("notification.failed", Actor.system("delivery"), row.incidentId(), null,
                    facts.get("service") == null ? null : facts.get("service").toString(), data));
        }
    }

    /** Exponential back-off with "equal jitter": half the step fixed, half random, so retries of many rows spread. */
    private Duration backoff(int attempts) {
        long step = backoff.toMillis() << Math.min(attempts - 1, 20);
        long capped = Math.min(step, maxBackoff.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /**
     * How long messages wait after an attempt that will be retried. A receiver's Retry-After is a least wait, never a
     * shorter one: after a server error it can only lengthen the back-off, so "Retry-After: 0" (or a date gone by)
     * cannot spend the attempts in seconds; after a rate limit, which spends none, it is what the receiver asked for,
     * but at least {@link #LEAST_THROTTLED_WAIT}, so that nothing sends again at once, and again, without end.
     */
    private Duration retryWait(Outcome outcome, int attempts) {
        Duration asked = outcome.retryAfter();
        if (outcome.throttled()) {
            return asked == null ? backoff(attempts) : clamp(max(asked, LEAST_THROTTLED_WAIT));
        }
        Duration backedOff = backoff(attempts);
        return asked == null ? backedOff : clamp(max(asked, backedOff));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration clamp(Duration retryAfter) {
        return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
    }

    private void loop() {
        while (running) {
            try {
                Map<String, List<OutboxMessage>> due = dueByDestination();
                for (Map.Entry<String, List<OutboxMessage>> e : due.entrySet()) {
                    String key = e.getKey();
                    if (busy.add(key)) {
                        senders.execute(() -> {
                            int requests = 0;
                            try {
                                requests = sendTo(key, e.getValue());
                            } catch (RuntimeException failure) {
                                log.error("event=delivery.pass_failed destination={} action=\"will retry next pass\"",
                                        key, failure);
                            } finally {
                                busy.remove(key);
                                if (requests > 0) {
                                    wake(); // more of this destination's messages may be waiting
                                }
                            }
                        });
                    }
                }
                long wait = poll.toMillis();
                Duration limited = limiterWait(due.keySet());
                if (!due.isEmpty() && !limited.isZero()) {
                    wait = Math.min(wait, Math.max(5, limited.toMillis()));
                }
                Instant now = clock.instant();
                Instant next = repository.nextDue().orElse(null);
                if (next != null && next.isAfter(now)) {
                    wait = Math.min(wait, Math.max(5, Duration.between(now, next).toMillis()));
                }
                signal.tryAcquire(wait, TimeUnit.MILLISECONDS);
                signal.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("event=delivery.dispatch_failed action=\"will retry after the poll interval; check the database\"", e);
                sleep(poll.toMillis());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void start() {
        if (!enabled || running) {
            return;
        }
        running = true;
        AtomicInteger n = new AtomicInteger();
        senders = Executors.newFixedThreadPool(senderThreads, r -> {
            Thread t = new Thread(r, "tocsin-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        dispatcher = new Thread(this::loop, "tocsin-delivery");
        dispatcher.setDaemon(true);
        dispatcher.start();
        log.info("event=delivery.started senders={} poll={}", senderThreads, poll);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        wake();
        try {
            dispatcher.join(5000);
            senders.shutdown();
            senders.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** What a breaker records as the cause of a failed send. */
    private static final class DeliveryFailure extends RuntimeException {
        DeliveryFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}
