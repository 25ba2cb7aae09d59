package dev.tocsin.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import dev.tocsin.config.TocsinConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit for intake: request threads enqueue events and wait; a writer thread drains whatever has queued up
 * and commits it in a single transaction, then completes every waiting request. A 202 therefore always means
 * "committed", and under load one commit carries hundreds of events.
 *
 * <p>The writers take turns; there is one. Two were faster while H2 let the next batch be applied during the previous
 * commit (H2 releases a transaction's row locks before it writes its pages). The timeline's in-process lock, held
 * until a commit has completed (for an H2 lost update: Timeline), ended that, and then a second writer only drained
 * the queue early, into smaller batches (docs/performance.md, "One writer again"). The turn is held from draining a
 * batch until all its events are applied and only the commit is left, and through the retries if one of them
 * failed, so with more than one writer events are still applied in the order they arrived.
 */
@Component
class IngestPipeline implements SmartLifecycle {

    /** The queue is full: the caller should answer 429 and let the sender retry. */
    static final class OverloadedException extends RuntimeException {
        OverloadedException() {
            super("the intake queue is full", null, false, false);
        }
    }

    /** The commit failed, or did not complete in time: the event may or may not be stored, the sender should retry. */
    static final class CommitFailedException extends RuntimeException {
        CommitFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final Duration COMMIT_WAIT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(IngestPipeline.class);
    private static final int MAX_BATCH = 500;
    /**
     * Under the timeline's in-process lock, 1 writer measured more events/s than 2 in six alternating pairs of seven.
     * Before it, 2 writers gained +7–18% on H2 2.5.252 and +2.5–4.5% on 2.4.240 (docs/performance.md, "Two writers").
     */
    private static final int WRITERS = 1;

    private static final Runnable NOTHING = () -> { };

    private record Pending(Intake intake, CompletableFuture<IngestResult> result, long enqueuedAt) {
    }

    private final AlertService alerts;
    private final BlockingQueue<Pending> queue;
    private final Timer commitLatency;
    private final DistributionSummary batchSize;
    private final ReentrantLock turn = new ReentrantLock(true);
    private final List<Thread> writers = new ArrayList<>(WRITERS);
    private volatile boolean running;

    IngestPipeline(AlertService alerts, TocsinConfig config, MeterRegistry meters) {
        this.alerts = alerts;
        this.queue = new ArrayBlockingQueue<>(config.limits().ingestQueueCapacity());
        this.commitLatency = Timer.builder("tocsin.ingest.commit.latency")
                .description("Time from an event being accepted to its commit")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.batchSize = DistributionSummary.builder("tocsin.ingest.batch.size")
                .description("Events committed per transaction").register(meters);
        Gauge.builder("tocsin.ingest.queue.depth", queue, BlockingQueue::size)
                .description("Events waiting for their group commit").register(meters);
    }

    /**
     * Submits the events and waits, on the caller's thread, until all of them are committed. Intake endpoints answer
     * this way rather than by returning the future: an asynchronous answer is sent from a second dispatch through
     * the servlet filters, which cost about as much CPU as the rest of the request. At most {@link #COMMIT_WAIT}.
     *
     * @throws OverloadedException the queue is full (answer 429)
     * @throws CommitFailedException the commit failed or did not happen in time (answer 5xx; the sender retries)
     */
    List<IngestResult> submitAndWait(List<? extends Intake> intakes) {
        List<CompletableFuture<IngestResult>> futures = new ArrayList<>(intakes.size());
        for (Intake intake : intakes) {
            futures.add(submit(intake));
        }
        List<IngestResult> results = new ArrayList<>(futures.size());
        long deadline = System.nanoTime() + COMMIT_WAIT.toNanos();
        for (CompletableFuture<IngestResult> future : futures) {
            try {
                results.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof OverloadedException overloaded) {
                    throw overloaded;
                }
                throw new CommitFailedException("the event could not be stored", e.getCause());
            } catch (TimeoutException e) {
                throw new CommitFailedException("the commit did not complete within " + COMMIT_WAIT.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommitFailedException("interrupted while waiting for the commit", e);
            }
        }
        return results;
    }

    CompletableFuture<IngestResult> submit(Intake intake) {
        if (!running) {
            return CompletableFuture.failedFuture(new OverloadedException());
        }
        Pending pending = new Pending(intake, new CompletableFuture<>(), System.nanoTime());
        if (!queue.offer(pending)) {
            return CompletableFuture.failedFuture(new OverloadedException());
        }
        return pending.result();
    }

    @Override
    public void start() {
        running = true;
        for (int i = 1; i <= WRITERS; i++) {
            Thread writer = new Thread(this::drainLoop, "tocsin-ingest-writer-" + i);
            writer.setDaemon(false);
            writer.start();
            writers.add(writer);
        }
    }

    /** Stops accepting, then commits everything already accepted before the database goes away. */
    @Override
    public void stop() {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread writer : writers) {
            try {
                writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        writers.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Start before the web server takes traffic and stop after it has drained (lower phases start earlier
     * and stop later; the web server's own phases are DEFAULT_PHASE - 1024 and - 2048), so every request the
     * server accepted gets its commit before the data source closes.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    private void drainLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            turn.lock();
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("event=ingest.writer_error action=\"events in this batch were answered 500; check the database\"", e);
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                batch.clear();
                passTurn();
            }
        }
    }

    private void commit(List<Pending> batch) {
        List<IngestResult> results;
        try {
            results = alerts.applyAll(batch.stream().map(Pending::intake).toList(), this::passTurn);
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1 || !turn.isHeldByCurrentThread()) {
                // Alone, or failed in the commit itself, when the next writer may already be applying later events:
                // retried now, these would land after them. The senders get a 5xx and retry instead.
                throw batchFailure;
            }
            // One bad event (a service removed from the config while its events queued) must not fail its
            // neighbours: retry each alone, still holding the turn, so no later event is applied before them.
            for (Pending p : batch) {
                try {
                    complete(p, alerts.applyAll(List.of(p.intake()), NOTHING).get(0));
                } catch (RuntimeException e) {
                    log.warn("event=ingest.event_failed intake={} error=\"{}\"", p.intake().getClass().getSimpleName(), e.toString());
                    p.result().completeExceptionally(e);
                }
            }
            return;
        }
        batchSize.record(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i));
        }
    }

    /** Lets the other writer drain; called once this writer's batch is applied and only its commit is left, or when it gives up. */
    private void passTurn() {
        if (turn.isHeldByCurrentThread()) {
            turn.unlock();
        }
    }

    private void complete(Pending p, IngestResult result) {
        commitLatency.record(System.nanoTime() - p.enqueuedAt(), TimeUnit.NANOSECONDS);
        p.result().complete(result);
    }
}
