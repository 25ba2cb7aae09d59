package dev.tocsin.engine;

import java.time.Instant;

/**
 * A kind of durable timer, such as "take the next escalation step". The engine fires each timer once it is due, on
 * one node, also when it came due while no node was running.
 *
 * <p>Delivery is at least once: if a node dies after {@link #fire} committed but before the timer was marked done,
 * another node fires it again. Handlers therefore check, under the timeline lock, that the state the timer was set
 * for still holds, and do nothing otherwise.
 */
public interface TimerHandler {

    /** The task name in the timer table; stable across versions, since pending timers refer to it. */
    String name();

    /** Runs outside any transaction; the handler opens its own. A thrown exception retries with back-off. */
    void fire(String instance, Instant dueAt);
}
