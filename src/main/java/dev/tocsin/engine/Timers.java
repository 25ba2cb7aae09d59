package dev.tocsin.engine;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.exceptions.ExecutionException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;

/**
 * Durable, cluster-safe timers (db-scheduler on the application's database). Setting and cancelling a timer join
 * the caller's transaction, so a timer exists exactly when the state change that set it committed.
 */
public class Timers {

    private final Scheduler scheduler;
    private final Map<String, OneTimeTask<Void>> tasks;

    Timers(Scheduler scheduler, Map<String, OneTimeTask<Void>> tasks) {
        this.scheduler = scheduler;
        this.tasks = Map.copyOf(tasks);
    }

    /** Sets timer {@code instance} of {@code handler} to fire at {@code at}; setting an existing one again changes nothing. */
    public void set(String handler, String instance, Instant at) {
        scheduler.scheduleIfNotExists(task(handler).instance(instance), at);
    }

    /**
     * Removes a pending timer. One that is firing right now, or already gone, is left alone: handlers ignore timers
     * whose state has moved on, so a late cancel only saves a wasted wake-up. db-scheduler reads the timer, then
     * deletes it by version; a node picking it in between makes the delete miss (its ExecutionException), which is
     * the same "firing right now" and must not fail the acknowledgement that cancels it.
     */
    public void cancel(String handler, String instance) {
        try {
            scheduler.cancel(TaskInstanceId.of(task(handler).getName(), instance));
        } catch (TaskInstanceNotFoundException | TaskInstanceCurrentlyExecutingException | ExecutionException
                alreadyGoneOrFiring) {
            // nothing to do
        }
    }

    /** When a pending timer is due, if it exists. */
    public Optional<Instant> dueAt(String handler, String instance) {
        return scheduler.getScheduledExecution(TaskInstanceId.of(task(handler).getName(), instance))
                .map(e -> e.getExecutionTime());
    }

    /** Asks the scheduler to look for due timers now rather than at its next poll (after a clock change in tests). */
    public void checkNow() {
        scheduler.triggerCheckForDueExecutions();
    }

    private OneTimeTask<Void> task(String handler) {
        OneTimeTask<Void> task = tasks.get(handler);
        if (task == null) {
            throw new IllegalArgumentException("no timer handler named '" + handler + "'");
        }
        return task;
    }
}
